// The embedded rate windows: rate-limiter-flexible's fixed-window semantics (RateLimiterMemory's
// consume results: consumedPoints, msBeforeNext, throttled requests counted) with memory that
// follows the live windows, not the traffic. RateLimiterMemory keeps a record object and a timer
// per key for the window's life (~900 B per sender): one credential sending for many senders ran
// the service out of its 128 MB heap. Here a key costs one Map entry whose value is a number
// (usually a small integer, so no allocation), and no timer: entries are grouped by when they
// expire, and a whole group is dropped once its time has passed.
import { type IRateLimiterOptions, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type Clock, systemClock } from '../clock.ts';
import type { LimiterFactory } from './rate-limiter.ts';

interface Entry {
  points: number;
  /** null: never expires (a duration of 0, as in rate-limiter-flexible). */
  expiresAt: number | null;
}

/**
 * Counts per key, in groups ("generations") by expiry time: generation g holds the keys expiring
 * in [g·span, (g+1)·span). At time t every generation below floor(t / span) has expired as a
 * whole and is dropped. A value packs the points and the expiry's offset in its generation,
 * `points · span + offset`: a small integer (a V8 Smi) for ordinary counts, exact up to 2^53.
 */
class GenerationalStore {
  readonly #span: number;
  readonly #clock: Clock;
  readonly #intern: (key: string) => string;
  /** Generation index -> key -> packed value, in creation order. */
  readonly #generations = new Map<number, Map<string, number>>();
  /** Keys that never expire -> points. */
  readonly #permanent = new Map<string, number>();
  #swept = Number.NEGATIVE_INFINITY;

  constructor(spanMs: number, clock: Clock, intern: (key: string) => string) {
    this.#span = spanMs;
    this.#clock = clock;
    this.#intern = intern;
  }

  /** How many keys are held (expired ones of a generation not yet dropped included). */
  get size(): number {
    let size = this.#permanent.size;
    for (const generation of this.#generations.values()) size += generation.size;
    return size;
  }

  incrby(key: string, points: number, durationSec: number): RateLimiterRes {
    const now = this.#now();
    const entry = this.#find(key, now);
    if (entry) {
      const value = Math.trunc(entry.points + points);
      this.#write(key, value, entry.expiresAt);
      return new RateLimiterRes(0, entry.expiresAt === null ? -1 : entry.expiresAt - now, value, false);
    }
    return this.set(key, points, durationSec);
  }

  set(key: string, points: number, durationSec: number): RateLimiterRes {
    const now = this.#now();
    this.#remove(key);
    const durationMs = durationSec * 1000;
    const value = Math.trunc(points);
    this.#write(key, value, durationMs > 0 ? now + durationMs : null);
    return new RateLimiterRes(0, durationMs === 0 ? -1 : durationMs, value, true);
  }

  get(key: string): RateLimiterRes | null {
    const now = this.#now();
    const entry = this.#find(key, now);
    if (!entry) return null;
    return new RateLimiterRes(0, entry.expiresAt === null ? -1 : entry.expiresAt - now, entry.points, false);
  }

  /** Whether a live entry was deleted (an expired one is removed too, but was already gone). */
  delete(key: string): boolean {
    const live = this.#find(key, this.#now()) !== undefined;
    this.#remove(key);
    return live;
  }

  #remove(key: string): void {
    if (this.#permanent.delete(key)) return;
    for (const generation of this.#generations.values()) if (generation.delete(key)) return;
  }

  /** The clock's time, after dropping the generations that have expired by then. */
  #now(): number {
    const now = this.#clock.now();
    const current = Math.floor(now / this.#span);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent in answers, sweeping again only costs time
    if (current > this.#swept) {
      for (const index of this.#generations.keys()) if (index < current) this.#generations.delete(index);
      this.#swept = current;
    }
    return now;
  }

  /** The live entry of a key; an expired one counts as absent, as if its timer had fired. */
  #find(key: string, now: number): Entry | undefined {
    const permanent = this.#permanent.get(key);
    if (permanent !== undefined) return { points: permanent, expiresAt: null };
    for (const [index, generation] of this.#generations) {
      const packed = generation.get(key);
      if (packed === undefined) continue;
      const points = Math.floor(packed / this.#span);
      const expiresAt = index * this.#span + (packed - points * this.#span);
      return expiresAt - now > 0 ? { points, expiresAt } : undefined;
    }
    return undefined;
  }

  /** Writes a key's value; an existing entry stays in its generation (its expiry is unchanged). */
  #write(key: string, points: number, expiresAt: number | null): void {
    if (expiresAt === null) {
      this.#permanent.set(key, points);
      return;
    }
    const index = Math.floor(expiresAt / this.#span);
    let generation = this.#generations.get(index);
    if (!generation) {
      generation = new Map();
      this.#generations.set(index, generation);
    }
    const packed = points * this.#span + (expiresAt - index * this.#span);
    // Stryker disable next-line ConditionalExpression: equivalent in answers, interning a key only saves memory
    if (generation.has(key)) generation.set(key, packed);
    else generation.set(this.#intern(key), packed);
  }
}

/**
 * A fixed-window limiter with RateLimiterMemory's results (consume, penalty, reward, block, set,
 * get, delete) over a GenerationalStore. Keys are stored as given, without `keyPrefix`: each
 * limiter has its own store, so the prefix would only cost memory. `execEvenly` (which delays
 * with a timer per request) and dump/restore are not supported.
 *
 * It extends RateLimiterMemory only because rate-limiter-flexible exports no RateLimiterAbstract
 * at run time (its types do): every method is its own, and the parent's storage stays empty.
 */
export class BoundedMemoryRateLimiter extends RateLimiterMemory {
  readonly #store: GenerationalStore;

  constructor(
    options: IRateLimiterOptions,
    clock: Clock = systemClock,
    intern: (key: string) => string = flatCopy,
  ) {
    super(options);
    if (this.execEvenly) throw new Error('BoundedMemoryRateLimiter does not support execEvenly');
    // A generation as long as the window: a live key is in one of two generations, and an expired
    // one is dropped at most one window after its expiry.
    this.#store = new GenerationalStore(Math.max(1000, this.msDuration), clock, intern);
  }

  /** Keys held, for tests and diagnostics. */
  get size(): number {
    return this.#store.size;
  }

  override getKey(key: string | number): string {
    return String(key);
  }

  override parseKey(rlKey: string): string {
    return rlKey;
  }

  override consume(
    key: string | number,
    pointsToConsume = 1,
    options: { customDuration?: number } = {},
  ): Promise<RateLimiterRes> {
    const rlKey = this.getKey(key);
    let res = this.#remaining(this.#store.incrby(rlKey, pointsToConsume, this.#duration(options)));
    if (res.consumedPoints > this.points) {
      // Blocked only the first time the limit is passed, as RateLimiterMemory does.
      if (this.blockDuration > 0 && res.consumedPoints <= this.points + pointsToConsume) {
        res = this.#store.set(rlKey, res.consumedPoints, this.blockDuration);
      }
      return Promise.reject(res);
    }
    return Promise.resolve(res);
  }

  override penalty(
    key: string | number,
    points = 1,
    options: { customDuration?: number } = {},
  ): Promise<RateLimiterRes> {
    return Promise.resolve(
      this.#remaining(this.#store.incrby(this.getKey(key), points, this.#duration(options))),
    );
  }

  override reward(
    key: string | number,
    points = 1,
    options: { customDuration?: number } = {},
  ): Promise<RateLimiterRes> {
    return this.penalty(key, -points, options);
  }

  override block(key: string | number, secDuration: number): Promise<RateLimiterRes> {
    const initPoints = this.points + 1;
    this.#store.set(this.getKey(key), initPoints, secDuration);
    const msDuration = secDuration * 1000;
    return Promise.resolve(new RateLimiterRes(0, msDuration === 0 ? -1 : msDuration, initPoints));
  }

  override set(key: string | number, points: number, secDuration: number): Promise<RateLimiterRes> {
    const msDuration = (secDuration >= 0 ? secDuration : this.duration) * 1000;
    this.#store.set(this.getKey(key), points, secDuration);
    return Promise.resolve(new RateLimiterRes(0, msDuration === 0 ? -1 : msDuration, points));
  }

  override get(key: string | number): Promise<RateLimiterRes | null> {
    const res = this.#store.get(this.getKey(key));
    return Promise.resolve(res && this.#remaining(res));
  }

  override delete(key: string | number): Promise<boolean> {
    return Promise.resolve(this.#store.delete(this.getKey(key)));
  }

  override dump(): never {
    throw new Error('BoundedMemoryRateLimiter does not support dump');
  }

  override restore(): never {
    throw new Error('BoundedMemoryRateLimiter does not support restore');
  }

  #remaining(res: RateLimiterRes): RateLimiterRes {
    const remaining = Math.max(this.points - res.consumedPoints, 0);
    return new RateLimiterRes(remaining, res.msBeforeNext, res.consumedPoints, res.isFirstInDuration);
  }

  /** A consume's own duration when it gives one (0 and above), else the limiter's. */
  #duration(options: { customDuration?: number }): number {
    const custom = options.customDuration ?? -1;
    return custom >= 0 ? custom : this.duration;
  }
}

/**
 * A flat copy of a key. A key built by concatenation is a V8 cons string holding its parts
 * (~98 B for `<titleId>:<sender>`); the copy is one sequential string (~48 B).
 */
function flatCopy(key: string): string {
  return JSON.parse(JSON.stringify(key)) as string;
}

/**
 * The embedded default: bounded in-memory windows on the service's clock. Its limiters share one
 * flat copy of a key: the service consumes the same key in every window at once, so the last key
 * copied is the one the next window asks for.
 */
export function boundedMemoryLimiters(clock: Clock = systemClock): LimiterFactory {
  let lastKey: string | undefined;
  // Stryker disable next-line StringLiteral: equivalent, never read before the first key is copied
  let lastCopy = '';
  const intern = (key: string) => {
    if (key !== lastKey) {
      lastKey = key;
      lastCopy = flatCopy(key);
    }
    return lastCopy;
  };
  return (options) => new BoundedMemoryRateLimiter(options, clock, intern);
}
