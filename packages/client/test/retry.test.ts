import { describe, expect, it } from 'vitest';
import {
  ApiError,
  type InvitesClientError,
  NetworkError,
  RequestValidationError,
  ServerError,
  ThrottledError,
} from '../src/errors.js';
import { DEFAULT_RETRY_POLICY, reconnectDelay, resolveRetryPolicy, retryDelay } from '../src/retry.js';

const response = { debugMessage: 'x', requestId: undefined };
const throttled = (retryAfterMs: number | undefined) =>
  new ThrottledError({
    ...response,
    status: 429,
    errorCode: 'Throttled',
    retryAfterMs,
    throttledEntity: undefined,
  });
const serverError = (status: number, retryAfterMs?: number) =>
  new ServerError({ ...response, status, errorCode: 'InternalServerError', retryAfterMs });
const network = (mayHaveReachedServer: boolean) =>
  new NetworkError({ mayHaveReachedServer, code: undefined, requestId: undefined, cause: undefined });
const half = () => 0.5;

describe('retryDelay', () => {
  const policy = resolveRetryPolicy({ maxAttempts: 10, maxDelayMs: 10_000, baseDelayMs: 400 });
  const optedIn = resolveRetryPolicy({ ...policy, retryWhenDeliveryUnknown: true });

  it.each<[string, InvitesClientError, number, number | undefined]>([
    ['a 429 waits Retry-After plus up to a second of jitter', throttled(2_000), 1, 2_500],
    ['a 429 whose Retry-After exceeds maxDelayMs is not retried', throttled(10_001), 1, undefined],
    ['a 429 at exactly maxDelayMs waits maxDelayMs, the jitter clamped', throttled(10_000), 1, 10_000],
    ['a 429 without Retry-After backs off', throttled(undefined), 1, 300],
    ['a 503 with Retry-After waits for it', serverError(503, 1_000), 1, 1_500],
    ['a 503 without Retry-After backs off, doubling per attempt', serverError(503), 2, 600],
    ['the backoff stops growing at maxDelayMs', serverError(503), 9, 7_500],
    ['a 500 is not retried: the invite may have been sent', serverError(500), 1, undefined],
    ['a 502 is not retried', serverError(502), 1, undefined],
    [
      'a 408 is retried: the server read none of the request',
      new ApiError({ ...response, status: 408, errorCode: 'x' }),
      1,
      300,
    ],
    ['a refused connection is retried', network(false), 1, 300],
    ['a reset connection is not retried', network(true), 1, undefined],
    [
      'a 400 is never retried',
      new RequestValidationError({ ...response, status: 400, errorCode: 'x' }),
      1,
      undefined,
    ],
    ['nothing is retried after the last attempt', throttled(1_000), 10, undefined],
  ])('%s', (_, error, attempt, expected) => {
    expect(retryDelay(error, attempt, policy, half)).toBe(expected);
  });

  it.each<[string, InvitesClientError, number | undefined]>([
    ['a 500 is retried', serverError(500), 300],
    ['a 504 is retried', serverError(504), 300],
    ['a reset connection is retried', network(true), 300],
    [
      'a 400 is still never retried',
      new RequestValidationError({ ...response, status: 400, errorCode: 'x' }),
      undefined,
    ],
  ])('with retryWhenDeliveryUnknown, %s', (_, error, expected) => {
    expect(retryDelay(error, 1, optedIn, half)).toBe(expected);
  });

  it.each<[string, InvitesClientError, number, number | undefined]>([
    ['a 500 is retried', serverError(500), 1, 300],
    ['a 502 is retried', serverError(502), 1, 300],
    ['a reset connection is retried', network(true), 1, 300],
    ['a 429 still waits for Retry-After', throttled(2_000), 1, 2_500],
    [
      'a 400 is still never retried',
      new RequestValidationError({ ...response, status: 400, errorCode: 'x' }),
      1,
      undefined,
    ],
    ['nothing is retried after the last attempt', serverError(500), 10, undefined],
  ])('for an idempotent operation, %s', (_, error, attempt, expected) => {
    expect(retryDelay(error, attempt, policy, half, true)).toBe(expected);
  });

  it('keeps the equal-jitter backoff within [step / 2, step)', () => {
    expect(retryDelay(network(false), 3, policy, () => 0)).toBe(800);
    expect(retryDelay(network(false), 3, policy, () => 0.999_999)).toBeCloseTo(1_600, 0);
  });
});

describe('reconnectDelay', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('waits between one and two floors at the first reconnection, never less than the floor', () => {
    expect(reconnectDelay(1, 3_000, policy, () => 0)).toBe(3_000);
    expect(reconnectDelay(1, 3_000, policy, half)).toBe(4_500);
    expect(reconnectDelay(1, 3_000, policy, () => 0.999_999)).toBeLessThan(6_000);
  });

  it('doubles with each reconnection in a row, up to maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((step) => reconnectDelay(step, 3_000, policy, half))).toEqual([
      4_500, 9_000, 18_000, 22_500, 22_500,
    ]);
  });

  it('starts from baseDelayMs when the floor is below it (a retry: 0 never means reconnecting at once)', () => {
    expect(reconnectDelay(1, 0, policy, () => 0)).toBe(500);
  });

  it('honours a floor above maxDelayMs rather than capping it', () => {
    expect(reconnectDelay(1, 120_000, policy, () => 0)).toBe(120_000);
    expect(reconnectDelay(5, 120_000, policy, () => 0)).toBe(120_000);
  });
});

describe('resolveRetryPolicy', () => {
  it('fills what is not given with the defaults', () => {
    expect(resolveRetryPolicy({ maxAttempts: 1, maxDelayMs: undefined })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 1,
    });
  });

  it.each([
    ['maxAttempts of 0', { maxAttempts: 0 }, /maxAttempts/],
    ['a fractional maxAttempts', { maxAttempts: 1.5 }, /maxAttempts/],
    ['a negative maxDelayMs', { maxDelayMs: -1 }, /maxDelayMs/],
    ['an infinite maxDelayMs', { maxDelayMs: Number.POSITIVE_INFINITY }, /maxDelayMs/],
    ['a NaN baseDelayMs', { baseDelayMs: Number.NaN }, /baseDelayMs/],
  ])('rejects %s', (_, options, message) => {
    expect(() => resolveRetryPolicy(options)).toThrow(message);
  });
});
