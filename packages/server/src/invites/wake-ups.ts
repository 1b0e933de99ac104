// Wake-ups: how a send tells the devices waiting on its endpoints that invites arrived. In one
// process they go straight to the waiting room; with several replicas the backend carries them to
// every replica (Redis pub/sub, backends/redis/redis-wake-ups.ts).
import type { EndpointKey } from './delivery.ts';

/** Receives the endpoints woken by any replica's sends; this replica's waiting room. */
export type WakeUpListener = (keys: readonly EndpointKey[]) => void;

export interface WakeUps {
  /**
   * Tells the waiting devices of these endpoints, on every replica, that invites arrived. A lost
   * wake-up costs a wait, never an invite: the invite is stored, and the wait's end reads it.
   */
  publish(keys: readonly EndpointKey[]): void;
  /** Sets the one listener of this replica. */
  listen(listener: WakeUpListener): void;
  /** Stops receiving (the replica is stopping). */
  close(): void;
}

/** One process: a publish reaches the listener at once. */
export function inProcessWakeUps(): WakeUps {
  let listener: WakeUpListener = () => {};
  return {
    publish(keys) {
      if (keys.length > 0) listener(keys);
    },
    listen(next) {
      listener = next;
    },
    close() {
      listener = () => {};
    },
  };
}
