// The iterator behind `receiveInvites` and `streamInvites`: yields an endpoint's invites one at a
// time, from a source that polls or reads a stream, and acknowledges each once the consumer asks
// for the next. Written by hand rather than as an async generator so that `return()` can end a
// request in flight, which a generator would queue behind it.
import type { Clock } from './clock.js';
import type { Invite } from './generated/models/index.js';

/**
 * An invite as an endpoint receives it: the contract's `Invite`, with `createdAt` and
 * `expiresAt` as `Date`s.
 */
export type ReceivedInvite = Invite;

/** An endpoint's invites, one at a time; see `InviteReceiver.receiveInvites` and `streamInvites`. */
export interface InviteIterator<T extends ReceivedInvite = ReceivedInvite>
  extends AsyncIterableIterator<T, undefined, undefined> {
  /**
   * Acknowledges the invite yielded last, then resolves to the next one, waiting as long as none
   * is pending. Rejects, ending the iteration, with the abort reason, or with the typed error of
   * a request that failed for good.
   */
  next(): Promise<IteratorResult<T, undefined>>;
  /**
   * Ends the iteration, cancelling a request in flight, without acknowledging the invite yielded
   * last. `break`, `return` and a throw in a `for await` loop's body all call it.
   */
  return(): Promise<IteratorReturnResult<undefined>>;
}

/** Where an iterator's invites come from, and how it acknowledges them. */
export interface InviteSource<T extends ReceivedInvite> {
  /**
   * The next invites, oldest first: at least one, or `undefined` when the iteration is over.
   * `signal` is the iteration's own, aborted when it ends (whatever the source holds open must
   * close with it).
   */
  next(signal: AbortSignal): Promise<readonly T[] | undefined>;
  /** Resolves once the invite is no longer pending for the endpoint. */
  acknowledge(inviteId: string, signal: AbortSignal): Promise<void>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class AcknowledgingInviteIterator<T extends ReceivedInvite> implements InviteIterator<T> {
  readonly #source: InviteSource<T>;
  readonly #callerSignal: AbortSignal | undefined;
  /** Aborted when the iteration ends: by the caller's signal (its reason), `return()` or an error. */
  readonly #stop = new AbortController();
  /** The invites the source gave and the consumer has not had yet, oldest first. */
  #pending: T[] = [];
  /** The invite last yielded: the consumer is processing it; acknowledged on the next `next()`. */
  #inHand: T | undefined;
  #finished = false;
  #returned = false;
  /** Calls to `next()` run one after the other, as an async generator's do. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(source: InviteSource<T>, signal: AbortSignal | undefined) {
    this.#source = source;
    this.#callerSignal = signal;
    if (signal?.aborted) this.#stop.abort(signal.reason);
    else signal?.addEventListener('abort', this.#forwardAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Acknowledges the invite yielded last, then resolves to the next one, waiting as long as none
   * is pending. Rejects (and ends the iteration) with the abort reason, or with the typed error
   * of a request that failed for good.
   */
  next(): Promise<IteratorResult<T, undefined>> {
    const result = this.#queue.then(() => this.#advance());
    this.#queue = result.catch(() => {});
    return result;
  }

  /**
   * Ends the iteration, aborting a request in flight, without acknowledging the invite yielded
   * last: it stays pending and is delivered again. `break`, `return` and a throw in a `for await`
   * loop's body all call this.
   */
  async return(): Promise<IteratorReturnResult<undefined>> {
    if (!this.#finished) {
      this.#returned = true;
      this.#finish(new DOMException('the invite iteration was stopped', 'AbortError'));
    }
    return DONE;
  }

  async #advance(): Promise<IteratorResult<T, undefined>> {
    if (this.#finished) return DONE;
    const { signal } = this.#stop;
    try {
      const processed = this.#inHand;
      if (processed !== undefined) {
        // The consumer asked for more: it is done with this one.
        await this.#source.acknowledge(processed.id, signal);
        this.#inHand = undefined;
      }
      while (this.#pending.length === 0) {
        signal.throwIfAborted();
        const invites = await this.#source.next(signal);
        if (invites === undefined) {
          this.#finish(new DOMException('the invite iteration is over', 'AbortError'));
          return DONE;
        }
        this.#pending = [...invites];
      }
      signal.throwIfAborted();
      const invite = this.#pending.shift() as T;
      this.#inHand = invite;
      return { done: false, value: invite };
    } catch (error) {
      if (this.#returned) return DONE;
      this.#finish(error);
      throw error;
    }
  }

  readonly #forwardAbort = (): void => {
    this.#stop.abort(this.#callerSignal?.reason);
  };

  /** Ends the iteration; `reason` aborts whatever is still in flight or open. */
  #finish(reason: unknown): void {
    this.#finished = true;
    this.#pending = [];
    this.#inHand = undefined;
    this.#callerSignal?.removeEventListener('abort', this.#forwardAbort);
    this.#stop.abort(reason);
  }
}

/** What polling needs from the receiver: one poll, time and backoff. */
export interface PollLoop {
  /** The long poll's wait, in seconds; 0 ends the iteration at the first empty answer. */
  readonly waitSeconds: number;
  readonly clock: Clock;
  /** Resolves to the pending invites, after waiting for one up to `waitSeconds` when none is. */
  poll(signal: AbortSignal): Promise<readonly ReceivedInvite[]>;
  /** Resolves once the invite is no longer pending for the endpoint. */
  acknowledge(inviteId: string, signal: AbortSignal): Promise<void>;
  /** How long to wait before polling again after the numbered consecutive early empty answer. */
  backoff(step: number): number;
}

/** The invites of a loop of long polls. */
export function pollingSource(loop: PollLoop): InviteSource<ReceivedInvite> {
  const { clock, waitSeconds } = loop;
  let earlyEmptyAnswers = 0;
  return {
    acknowledge: (inviteId, signal) => loop.acknowledge(inviteId, signal),
    async next(signal) {
      for (;;) {
        signal.throwIfAborted();
        const started = clock.now();
        const invites = await loop.poll(signal);
        if (invites.length > 0) {
          earlyEmptyAnswers = 0;
          return invites;
        }
        // Nothing pending and no wait asked for: everything there was has been delivered.
        if (waitSeconds === 0) return undefined;
        if (clock.now() - started < (waitSeconds * 1000) / 2) {
          // An empty answer long before the wait was over (an instance that is shutting down
          // answers at once): polling again at once would hammer it.
          earlyEmptyAnswers += 1;
          await clock.sleep(loop.backoff(earlyEmptyAnswers), signal);
        } else {
          earlyEmptyAnswers = 0;
        }
      }
    },
  };
}
