// The receive loop behind `receiveInvites`: long polls, yields invites one at a time, and
// acknowledges each once the consumer asks for the next. Written by hand rather than as an async
// generator so that `return()` can end a long poll in flight, which a generator would queue
// behind it.
import type { Clock } from './clock.js';
import type { Invite } from './generated/models/index.js';

/**
 * An invite as an endpoint receives it: the contract's `Invite`, with `createdAt` and
 * `expiresAt` as `Date`s.
 */
export type ReceivedInvite = Invite;

/** What the iterator needs from the receiver: one poll, one acknowledgement, time and backoff. */
export interface ReceiveLoop {
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

/** An endpoint's invites, one at a time; see `InviteReceiver.receiveInvites`. */
export interface InviteIterator extends AsyncIterableIterator<ReceivedInvite, undefined, undefined> {
  /**
   * Acknowledges the invite yielded last, then resolves to the next one, polling as long as none
   * is pending. Rejects, ending the iteration, with the abort reason, or with the typed error of
   * a poll or an acknowledgement that failed for good.
   */
  next(): Promise<IteratorResult<ReceivedInvite, undefined>>;
  /**
   * Ends the iteration, cancelling a poll in flight, without acknowledging the invite yielded
   * last. `break`, `return` and a throw in a `for await` loop's body all call it.
   */
  return(): Promise<IteratorReturnResult<undefined>>;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export class PollingInviteIterator implements InviteIterator {
  readonly #loop: ReceiveLoop;
  readonly #callerSignal: AbortSignal | undefined;
  /** Aborted by the caller's signal (its reason) or by `return()`: ends whatever is in flight. */
  readonly #stop = new AbortController();
  /** The invites of the last poll not yet yielded, oldest first. */
  #pending: ReceivedInvite[] = [];
  /** The invite last yielded: the consumer is processing it; acknowledged on the next `next()`. */
  #inHand: ReceivedInvite | undefined;
  #finished = false;
  #returned = false;
  /** Calls to `next()` run one after the other, as an async generator's do. */
  #queue: Promise<unknown> = Promise.resolve();
  #earlyEmptyAnswers = 0;

  constructor(loop: ReceiveLoop, signal: AbortSignal | undefined) {
    this.#loop = loop;
    this.#callerSignal = signal;
    if (signal?.aborted) this.#stop.abort(signal.reason);
    else signal?.addEventListener('abort', this.#forwardAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Acknowledges the invite yielded last, then resolves to the next one, polling as long as none
   * is pending. Rejects (and ends the iteration) with the abort reason, or with the typed error
   * of a poll or an acknowledgement that failed for good.
   */
  next(): Promise<IteratorResult<ReceivedInvite, undefined>> {
    const result = this.#queue.then(() => this.#advance());
    this.#queue = result.catch(() => {});
    return result;
  }

  /**
   * Ends the iteration, aborting a poll in flight, without acknowledging the invite yielded last:
   * it stays pending and is delivered again. `break`, `return` and a throw in a `for await`
   * loop's body all call this.
   */
  async return(): Promise<IteratorReturnResult<undefined>> {
    if (!this.#finished) {
      this.#returned = true;
      this.#finish(new DOMException('the invite iteration was stopped', 'AbortError'));
    }
    return DONE;
  }

  async #advance(): Promise<IteratorResult<ReceivedInvite, undefined>> {
    if (this.#finished) return DONE;
    const { signal } = this.#stop;
    const { clock, waitSeconds } = this.#loop;
    try {
      const processed = this.#inHand;
      if (processed !== undefined) {
        // The consumer asked for more: it is done with this one.
        await this.#loop.acknowledge(processed.id, signal);
        this.#inHand = undefined;
      }
      while (this.#pending.length === 0) {
        signal.throwIfAborted();
        const started = clock.now();
        const invites = await this.#loop.poll(signal);
        if (invites.length > 0) {
          this.#pending = [...invites];
          this.#earlyEmptyAnswers = 0;
        } else if (waitSeconds === 0) {
          // Nothing pending and no wait asked for: everything there was has been delivered.
          this.#finish(undefined);
          return DONE;
        } else if (clock.now() - started < (waitSeconds * 1000) / 2) {
          // An empty answer long before the wait was over (an instance that is shutting down
          // answers at once): polling again at once would hammer it.
          this.#earlyEmptyAnswers += 1;
          await clock.sleep(this.#loop.backoff(this.#earlyEmptyAnswers), signal);
        } else {
          this.#earlyEmptyAnswers = 0;
        }
      }
      signal.throwIfAborted();
      const invite = this.#pending.shift() as ReceivedInvite;
      this.#inHand = invite;
      return { done: false, value: invite };
    } catch (error) {
      if (this.#returned) return DONE;
      this.#finish(undefined);
      throw error;
    }
  }

  readonly #forwardAbort = (): void => {
    this.#stop.abort(this.#callerSignal?.reason);
  };

  #finish(reason: unknown): void {
    this.#finished = true;
    this.#pending = [];
    this.#inHand = undefined;
    this.#callerSignal?.removeEventListener('abort', this.#forwardAbort);
    if (reason !== undefined) this.#stop.abort(reason);
  }
}
