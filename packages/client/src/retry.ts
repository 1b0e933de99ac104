import {
  ApiError,
  IdempotencyKeyInProgressError,
  type InvitesClientError,
  NetworkError,
  ServerError,
  ThrottledError,
} from './errors.js';

export interface RetryOptions {
  /** Requests per call, the first included: `1` turns retries off. Default 3. */
  readonly maxAttempts?: number;
  /**
   * The longest the client waits before a retry, in ms. Default 30 000. When the server's
   * `Retry-After` asks for longer, the client does not retry early (the retry would be throttled
   * again, and throttled requests count against the sustain window): it throws at once, and the
   * error's `retryAfterMs` says when to try again.
   */
  readonly maxDelayMs?: number;
  /** The first wait of the exponential backoff used when the server gives no `Retry-After`. Default 500. */
  readonly baseDelayMs?: number;
  /**
   * Also retry failures after which the server may have acted, for operations that are not
   * idempotent. Every operation of this client is (a send carries an `Idempotency-Key`, so its
   * retry never invites twice), so these failures are retried whatever this says.
   * @deprecated No effect since sends carry an `Idempotency-Key`; kept so that code setting it compiles.
   */
  readonly retryWhenDeliveryUnknown?: boolean;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  maxDelayMs: 30_000,
  baseDelayMs: 500,
  retryWhenDeliveryUnknown: false,
});

// Every client throttled at once is told the same Retry-After; spreading the retries over a
// second after it keeps them from arriving together and being throttled again.
export const RETRY_AFTER_SPREAD_MS = 1_000;

export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...withoutUndefined(options) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer of at least 1, got ${policy.maxAttempts}`);
  }
  for (const name of ['maxDelayMs', 'baseDelayMs'] as const) {
    if (!(policy[name] >= 0) || !Number.isFinite(policy[name])) {
      throw new RangeError(`retry.${name} must be a finite number of at least 0, got ${policy[name]}`);
    }
  }
  return Object.freeze(policy);
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * How long to wait before retrying after `error`, the outcome of attempt number `attempt`
 * (1-based), or `undefined` when the call must fail with it. `random` returns values in [0, 1).
 * An `idempotent` operation (one that has the same effect however often the server acts on it)
 * is also retried after failures that leave unknown whether the server acted.
 */
export function retryDelay(
  error: InvitesClientError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  idempotent = false,
): number | undefined {
  if (attempt >= policy.maxAttempts || !isRetryable(error, policy, idempotent)) return undefined;
  const retryAfterMs =
    error instanceof ThrottledError ||
    error instanceof ServerError ||
    error instanceof IdempotencyKeyInProgressError
      ? error.retryAfterMs
      : undefined;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxDelayMs) return undefined;
    // Never earlier than asked: the jitter only ever adds to the server's wait.
    return Math.min(policy.maxDelayMs, retryAfterMs + random() * RETRY_AFTER_SPREAD_MS);
  }
  return backoffDelay(attempt, policy, random);
}

/** The exponential backoff, with jitter, before the wait numbered `step` (1-based). */
export function backoffDelay(step: number, policy: RetryPolicy, random: () => number): number {
  // "Equal jitter": half of the exponential step for sure, the other half at random.
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (step - 1));
  return delay / 2 + random() * (delay / 2);
}

/**
 * How long a stream waits before it connects again, at the numbered consecutive reconnection
 * (1-based: the first after a stream that worked): never less than `floorMs` (the server's
 * `retry:`, or a `Retry-After`), and with jitter, so that the streams an instance ends together
 * (a drain) come back spread. It doubles with each reconnection that follows a failure, up to
 * `maxDelayMs` (or twice the floor, when that is more).
 */
export function reconnectDelay(
  step: number,
  floorMs: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  // Equal jitter from twice the floor: the first wait falls between one and two floors.
  const baseDelayMs = 2 * Math.max(floorMs, policy.baseDelayMs);
  return backoffDelay(
    step,
    { ...policy, baseDelayMs, maxDelayMs: Math.max(policy.maxDelayMs, baseDelayMs) },
    random,
  );
}

function isRetryable(error: InvitesClientError, policy: RetryPolicy, idempotent: boolean): boolean {
  const repeatable = idempotent || policy.retryWhenDeliveryUnknown;
  if (error instanceof ThrottledError) return true;
  // The earlier attempt is still being answered: the retry gets its answer.
  if (error instanceof IdempotencyKeyInProgressError) return true;
  if (error instanceof NetworkError) return !error.mayHaveReachedServer || repeatable;
  if (error instanceof ServerError) return error.status === 503 || repeatable;
  // 408: the server gave up before it had read the whole request, so it acted on none of it.
  if (error instanceof ApiError && error.status === 408) return true;
  return false;
}
