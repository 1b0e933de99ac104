// Streams of an endpoint's invites (receiveInviteStream): a device holds one open response and
// receives every invite pending for its endpoint, oldest first, then each new one as it arrives.
//
// A stream is a member of the waiting room: it counts toward the replica's waiting devices, and
// the room wakes it when its endpoint receives an invite (from any replica). It reads the queue
// and sends what comes after its cursor (the sequence of the last invite it sent), so resuming with
// a cursor sends nothing twice and a wake-up that carries nothing new sends nothing. One timer
// serves every stream: each second it visits the streams of one of `heartbeatSeconds` buckets,
// which send a heartbeat, end when their lifetime is over, and read again if a read failed.
// The newest stream of an endpoint on a replica wins: it ends the one before.
import type { Clock } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import { type EndpointInbox, type EndpointKey, endpointKey, type QueuedInvite } from './delivery.ts';
import { authorize, type EndpointTarget, waitRefused } from './endpoints.ts';
import type { Invite } from './invite.ts';
import type { Departure, Member, WaitingRoom } from './waiting-room.ts';

/** Why a stream ended. */
export type StreamEnd = 'lifetime' | 'replaced' | 'draining' | 'unregistered' | 'slow' | 'gone';

/** Where a stream's events go (the HTTP layer writes them as Server-Sent Events). */
export interface InviteSink {
  /** Sends one invite; false when the device is not reading (too much is unsent): the stream ends. */
  invite(invite: QueuedInvite): boolean;
  /** Sends a heartbeat; false as for `invite`. */
  heartbeat(): boolean;
  /** Ends the response: gracefully, or at once when the device stopped reading (`slow`). */
  end(reason: StreamEnd): void;
}

/** A stream that may start: checked, and holding its place in the room. */
export interface StreamOpening {
  /** Starts sending, once the response's head is written. */
  start(sink: InviteSink, departure: Departure): void;
  /** Gives its place back without starting (the response could not be started). */
  cancel(): void;
}

export interface InviteStreams {
  /** Streams open now. */
  readonly size: number;
  /**
   * Checks that the stream may start (the user's own credential, a registered endpoint, room in
   * the room) and reserves its place; throws ServiceError before any event is sent otherwise.
   * `cursor`: continue after it; `deliverable`: as for `Endpoints.receive`.
   */
  open(
    target: EndpointTarget,
    cursor: number | undefined,
    deliverable?: (invite: Invite) => boolean,
  ): Promise<StreamOpening>;
}

/** Calls `tick` every second; returns what stops it. Injected so that tests tick by hand. */
export type Ticker = (tick: () => void) => () => void;

export const realTicker: Ticker = (tick) => {
  const timer = setInterval(tick, 1000);
  timer.unref();
  return () => clearInterval(timer);
};

export interface InviteStreamDeps {
  inbox: EndpointInbox;
  room: WaitingRoom;
  clock: Clock;
  /** A heartbeat at least this often (STREAM_HEARTBEAT_SECONDS). */
  heartbeatSeconds: number;
  /** A stream ends after about this long (STREAM_MAX_SECONDS), less up to a tenth at random. */
  maxSeconds: number;
  random?: () => number;
  ticker?: Ticker;
}

export function createInviteStreams(deps: InviteStreamDeps): InviteStreams {
  const random = deps.random ?? Math.random;
  /** The stream of each endpoint on this replica: the newest. */
  const byKey = new Map<EndpointKey, InviteStream>();
  const buckets = Array.from({ length: deps.heartbeatSeconds }, () => new Set<InviteStream>());
  let ticks = 0;
  (deps.ticker ?? realTicker)(() => {
    const bucket = buckets[ticks++ % buckets.length] as Set<InviteStream>;
    const now = deps.clock.now();
    for (const stream of bucket) stream.visit(now);
  });

  class InviteStream implements Member {
    readonly key: EndpointKey;
    readonly #target: EndpointTarget;
    readonly #deliverable: ((invite: Invite) => boolean) | undefined;
    readonly #deadline: number;
    #cursor: number;
    #sink: InviteSink | undefined;
    #bucket: Set<InviteStream> | undefined;
    #reading = false;
    /** Woken (or a read failed) since the last read began: read again. */
    #dirty = false;
    #ended = false;

    constructor(
      target: EndpointTarget,
      cursor: number,
      deliverable: ((invite: Invite) => boolean) | undefined,
    ) {
      this.#target = target;
      this.key = endpointKey(target.xuid, target.endpointId);
      this.#cursor = cursor;
      this.#deliverable = deliverable;
      this.#deadline = deps.clock.now() + deps.maxSeconds * 1000 * (1 - random() / 10);
    }

    start(sink: InviteSink, departure: Departure, initial: readonly QueuedInvite[]): void {
      if (this.#ended) {
        sink.end('draining');
        return;
      }
      this.#sink = sink;
      byKey.get(this.key)?.finish('replaced');
      byKey.set(this.key, this);
      this.#bucket = buckets[ticks % buckets.length];
      this.#bucket?.add(this);
      departure.onDeparture(() => this.finish('gone'));
      if (departure.departed) {
        this.finish('gone');
        return;
      }
      this.#send(initial);
      if (this.#dirty) void this.#read();
    }

    wake(): void {
      this.#dirty = true;
      if (this.#sink && !this.#reading) void this.#read();
    }

    evict(): void {
      this.finish('draining');
    }

    /** The stream's turn on the wheel: its heartbeat, its lifetime, a read that failed. */
    visit(now: number): void {
      if (now >= this.#deadline) {
        this.finish('lifetime');
        return;
      }
      if (this.#dirty && !this.#reading) void this.#read();
      if (!this.#ended && !this.#sink?.heartbeat()) this.finish('slow');
    }

    finish(reason: StreamEnd): void {
      if (this.#ended) return;
      this.#ended = true;
      deps.room.leave(this);
      this.#bucket?.delete(this);
      if (byKey.get(this.key) === this) byKey.delete(this.key);
      this.#sink?.end(reason);
    }

    async #read(): Promise<void> {
      this.#reading = true;
      try {
        while (this.#dirty && !this.#ended) {
          this.#dirty = false;
          const invites = await deps.inbox.pending(this.#target.xuid, this.#target.endpointId);
          if (invites === undefined) {
            this.finish('unregistered');
            return;
          }
          this.#send(invites);
        }
      } catch {
        // The store failed (it answers 503 to requests meanwhile): the wheel reads again.
        this.#dirty = true;
      } finally {
        this.#reading = false;
      }
    }

    #send(invites: readonly QueuedInvite[]): void {
      for (const invite of invites) {
        if (this.#ended) return;
        if (invite.seq <= this.#cursor) continue;
        this.#cursor = invite.seq;
        if (this.#deliverable && !this.#deliverable(invite)) continue;
        if (!this.#sink?.invite(invite)) this.finish('slow');
      }
    }
  }

  return {
    get size() {
      return byKey.size;
    },
    async open(target, cursor, deliverable) {
      authorize(target);
      const stream = new InviteStream(target, cursor ?? 0, deliverable);
      // In the room before the queue is read: an invite arriving in between wakes the stream.
      if (!deps.room.admit(stream)) throw waitRefused(random, true);
      let initial: QueuedInvite[] | undefined;
      try {
        initial = await deps.inbox.pending(target.xuid, target.endpointId);
      } catch (error) {
        deps.room.leave(stream);
        throw error;
      }
      if (initial === undefined) {
        deps.room.leave(stream);
        throw new ServiceError('NotFound', `endpoint ${target.endpointId} is not registered`);
      }
      const queued = initial;
      return {
        start: (sink, departure) => stream.start(sink, departure, queued),
        cancel: () => stream.finish('gone'),
      };
    },
  };
}
