// The devices waiting for an invite (long polls), and their admission. A replica's real load is
// not sends per second but devices waiting, each holding a connection and some memory for up to
// 30 s; the room holds at most `capacity` of them, and a device past that is refused rather than
// left to exhaust the replica's memory.
//
// A long poll costs the room one Waiter and its promise: no closure, no per-wait timer callback,
// no listener wrapper (packages/bench/findings.md, capacity pass). A stream is a member that stays
// until it leaves (invites/invite-streams.ts).
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

/**
 * A device that stays in the room until it leaves (a stream), woken each time its endpoint
 * receives an invite.
 */
export interface Member {
  readonly key: EndpointKey;
  /** The endpoint received invites. */
  wake(): void;
  /** The replica is draining: the member must end (and leave). */
  evict(): void;
}

export interface WaitingRoom {
  /** Devices waiting now (waits and members). */
  readonly size: number;
  readonly capacity: number;
  /**
   * Starts waiting for the endpoint. Enter before reading the endpoint's queue, so that an invite
   * arriving in between wakes the wait. Undefined when `capacity` devices already wait. Once the
   * room is closed, waits end at once.
   */
  enter(key: EndpointKey, timeoutMs: number, departure?: Departure): Wait | undefined;
  /** Admits a member until it leaves (`leave`); false when the room is full or closed. */
  admit(member: Member): boolean;
  /** A member leaves; idempotent. */
  leave(member: Member): void;
  /** Ends the waits of these endpoints, and wakes their members. */
  wake(keys: readonly EndpointKey[]): void;
  /** Ends every wait, and every later one at once: the replica is draining. */
  close(): void;
}

/** One waiting device (a long poll): in the room until woken, timed out or gone. */
export class Waiter implements Wait, Member {
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

  wake(): void {
    this.#resolve();
  }

  evict(): void {
    this.#resolve();
  }

  leave(): void {
    if (!this.#inside) return;
    this.#inside = false;
    this.#resolve();
    this.#room.timers.clear(this.#timer);
    this.#room.leave(this);
  }
}

function expire(waiter: Waiter): void {
  waiter.end();
}

class Room implements WaitingRoom {
  readonly capacity: number;
  readonly timers: Timers;
  /** Most endpoints have one waiting device; a Set only where several wait on the same endpoint. */
  readonly #byKey = new Map<EndpointKey, Member | Set<Member>>();
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
    this.#add(waiter);
    if (this.#closed || departure?.departed) waiter.end();
    return waiter;
  }

  admit(member: Member): boolean {
    if (this.#closed || this.#size >= this.capacity) return false;
    this.#add(member);
    return true;
  }

  #add(member: Member): void {
    this.#size += 1;
    const present = this.#byKey.get(member.key);
    if (present === undefined) this.#byKey.set(member.key, member);
    else if (present instanceof Set) present.add(member);
    else this.#byKey.set(member.key, new Set([present, member]));
  }

  leave(member: Member): void {
    const present = this.#byKey.get(member.key);
    if (present === member) this.#byKey.delete(member.key);
    else if (present instanceof Set && present.delete(member)) {
      if (present.size === 1) this.#byKey.set(member.key, present.values().next().value as Member);
    } else return;
    this.#size -= 1;
  }

  wake(keys: readonly EndpointKey[]): void {
    for (const key of keys) {
      const present = this.#byKey.get(key);
      if (present === undefined) continue;
      if (present instanceof Set) for (const member of [...present]) member.wake();
      else present.wake();
    }
  }

  close(): void {
    this.#closed = true;
    for (const present of [...this.#byKey.values()]) {
      if (present instanceof Set) for (const member of [...present]) member.evict();
      else present.evict();
    }
  }
}

export function createWaitingRoom(options: { capacity: number; timers?: Timers }): WaitingRoom {
  return new Room(options.capacity, options.timers ?? realTimers);
}
