// Wakes long polls when invites arrive. In-process here; with several replicas, Redis pub/sub
// stands behind the same interface (redis-invite-notifier.ts).
import type { EndpointKey } from './delivery.ts';

export interface Subscription {
  /**
   * Resolves once notifications for the endpoint are being received (at once in process; after
   * the subscription is confirmed on a shared channel). Read the queue only after it resolves.
   */
  ready(): Promise<void>;
  /** Resolves when the endpoint is notified, the time is up, or the signal aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  cancel(): void;
}

export interface InviteNotifier {
  /** Subscribe before reading the queue, so that nothing arriving in between is missed. */
  subscribe(key: EndpointKey): Subscription;
  notify(keys: Iterable<EndpointKey>): void;
  /** Wakes every waiter, and makes later waits return at once: the instance is draining. */
  close(): void;
}

/** Starts a timer; returns a function that cancels it. Injected so tests never really wait. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export const realTimer: SetTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

export function createInviteNotifier(setTimer: SetTimer = realTimer): InviteNotifier {
  // An idle long poll is one entry here and one timer: no polling, no CPU while it waits.
  const waiting = new Map<EndpointKey, Set<() => void>>();
  let closed = false;

  return {
    subscribe(key) {
      let wake: () => void = () => {};
      let notified = false;
      const onNotify = () => {
        notified = true;
        wake();
      };
      const listeners = waiting.get(key) ?? new Set();
      listeners.add(onNotify);
      waiting.set(key, listeners);
      const cancel = () => {
        listeners.delete(onNotify);
        if (listeners.size === 0 && waiting.get(key) === listeners) waiting.delete(key);
      };
      return {
        cancel,
        ready: () => Promise.resolve(),
        wait(timeoutMs, signal) {
          if (notified || closed || signal?.aborted) return Promise.resolve();
          return new Promise<void>((resolve) => {
            const stopTimer = setTimer(() => wake(), timeoutMs);
            const onAbort = () => wake();
            signal?.addEventListener('abort', onAbort, { once: true });
            wake = () => {
              stopTimer();
              signal?.removeEventListener('abort', onAbort);
              wake = () => {};
              resolve();
            };
          });
        },
      };
    },
    notify(keys) {
      for (const key of keys) {
        for (const listener of waiting.get(key) ?? []) listener();
      }
    },
    close() {
      closed = true;
      for (const listeners of waiting.values()) for (const listener of listeners) listener();
    },
  };
}
