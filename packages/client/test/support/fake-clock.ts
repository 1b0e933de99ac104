import type { Clock } from '../../src/clock.js';

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly resolve: () => void;
}

/**
 * A clock whose time moves only when a test lets it. `settle(promise)` drives a call to its
 * end: whenever the code under test is blocked on timers alone, time jumps to the earliest one.
 */
export class FakeClock implements Clock {
  #now: number;
  #order = 0;
  #timers: Timer[] = [];
  /** Every wait asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  static readonly START = Date.UTC(2026, 0, 1);

  constructor(start = FakeClock.START) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.#now + ms,
        order: this.#order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Timers still set (a call that ended must leave none behind). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing the timers due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (let next = this.#next(); next && next.at <= until; next = this.#next()) {
      this.#fire(next);
      await idle();
    }
    this.#now = until;
    await idle();
  }

  /** Waits for `promise`, letting time jump ahead whenever nothing but a timer can make progress. */
  async settle<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let turn = 0; turn < 1_000; turn++) {
      await idle();
      if (settled) return promise;
      const next = this.#next();
      if (next === undefined) throw new Error('the call is blocked on something other than time');
      this.#fire(next);
    }
    throw new Error('the call did not end after 1000 timers');
  }

  #next(): Timer | undefined {
    return this.#timers.toSorted((a, b) => a.at - b.at || a.order - b.order)[0];
  }

  #fire(timer: Timer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    this.#now = Math.max(this.#now, timer.at);
    timer.resolve();
  }
}

/** Lets every promise chain and stream read that does not wait for a timer run to its end. */
async function idle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock for tests against a real server: time is real, but waits end at once and are
 * recorded, so a retry after `Retry-After: 12` takes no 12 s. The deadline would end at once
 * too: use it with `timeoutMs: Infinity`.
 */
export function instantClock(): Clock & { readonly sleeps: readonly number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
    },
  };
}
