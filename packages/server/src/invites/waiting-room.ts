// The devices waiting for an invite (long polls), and their admission. A replica's real load is
// not sends per second but devices waiting, each holding a connection and some memory for up to
// 30 s; the room holds at most `capacity` of them, and a device past that is refused rather than
// left to exhaust the replica's memory.
//
// A waiting device costs the room one Waiter and its promise: no closure, no per-wait timer
// callback, no listener wrapper (packages/bench/findings.md, capacity pass).
import type { EndpointKey } from './delivery.ts';

/** Starts and cancels the timers that end waits. Injected so that tests never really wait. */
export interface Timers {
  set(callback: (waiter: Waiter) => void, ms: number, waiter: Waiter): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (callback, ms, waiter) => setTimeout(callback, ms, waiter),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * How a wait learns that its device went away (its connection closed), so that it stops holding a
 * place in the room. A port of its own rather than an AbortSignal: a signal, its controller and
 * their listener map cost a waiting device ~0.5 KB (packages/bench/findings.md, capacity pass).
 */
export interface Departure {
  /** True once the device has gone. */
  readonly departed: boolean;
  /** Calls `callback` when the device goes (and may call it after the wait has ended: harmless). */
  onDeparture(callback: () => void): void;
}

/** A device's wait: `ended` resolves when its endpoint is woken, time is up, or it is abandoned. */
export interface Wait {
  readonly ended: Promise<void>;
  /** Leaves the room (whatever ended the wait); idempotent. */
  leave(): void;
}

export interface WaitingRoom {
  /** Devices waiting now. */
  readonly size: number;
  readonly capacity: number;
  /**
   * Starts waiting for the endpoint. Enter before reading the endpoint's queue, so that an invite
   * arriving in between wakes the wait. Undefined when `capacity` devices already wait. Once the
   * room is closed, waits end at once.
   */
  enter(key: EndpointKey, timeoutMs: number, departure?: Departure): Wait | undefined;
  /** Ends the waits of these endpoints. */
  wake(keys: readonly EndpointKey[]): void;
  /** Ends every wait, and every later one at once: the replica is draining. */
  close(): void;
}

/** One waiting device. */
export class Waiter implements Wait {
  readonly ended: Promise<void>;
  readonly key: EndpointKey;
  #resolve!: () => void;
  #timer: unknown;
  #room: Room;
  #inside = true;

  constructor(room: Room, key: EndpointKey, timeoutMs: number, departure: Departure | undefined) {
    this.key = key;
    this.#room = room;
    this.ended = new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
    this.#timer = room.timers.set(expire, timeoutMs, this);
    // The promise's own resolve function is the listener: no closure of ours.
    departure?.onDeparture(this.#resolve);
  }

  /** Woken, timed out, abandoned or closed: the wait is over. */
  end(): void {
    this.#resolve();
  }

  leave(): void {
    if (!this.#inside) return;
    this.#inside = false;
    this.#resolve();
    this.#room.timers.clear(this.#timer);
    this.#room.remove(this);
  }
}

function expire(waiter: Waiter): void {
  waiter.end();
}

class Room implements WaitingRoom {
  readonly capacity: number;
  readonly timers: Timers;
  /** Most endpoints have one waiting device; a Set only where several poll the same endpoint. */
  readonly #byKey = new Map<EndpointKey, Waiter | Set<Waiter>>();
  #size = 0;
  #closed = false;

  constructor(capacity: number, timers: Timers) {
    this.capacity = capacity;
    this.timers = timers;
  }

  get size(): number {
    return this.#size;
  }

  enter(key: EndpointKey, timeoutMs: number, departure?: Departure): Wait | undefined {
    if (this.#size >= this.capacity) return undefined;
    const waiter = new Waiter(this, key, timeoutMs, departure);
    this.#size += 1;
    const present = this.#byKey.get(key);
    if (present === undefined) this.#byKey.set(key, waiter);
    else if (present instanceof Set) present.add(waiter);
    else this.#byKey.set(key, new Set([present, waiter]));
    if (this.#closed || departure?.departed) waiter.end();
    return waiter;
  }

  remove(waiter: Waiter): void {
    this.#size -= 1;
    const present = this.#byKey.get(waiter.key);
    if (present === waiter) this.#byKey.delete(waiter.key);
    else if (present instanceof Set) {
      present.delete(waiter);
      if (present.size === 1) this.#byKey.set(waiter.key, present.values().next().value as Waiter);
    }
  }

  wake(keys: readonly EndpointKey[]): void {
    for (const key of keys) {
      const present = this.#byKey.get(key);
      if (present === undefined) continue;
      if (present instanceof Set) for (const waiter of present) waiter.end();
      else present.end();
    }
  }

  close(): void {
    this.#closed = true;
    for (const present of this.#byKey.values()) {
      if (present instanceof Set) for (const waiter of present) waiter.end();
      else present.end();
    }
  }
}

export function createWaitingRoom(options: { capacity: number; timers?: Timers }): WaitingRoom {
  return new Room(options.capacity, options.timers ?? realTimers);
}
