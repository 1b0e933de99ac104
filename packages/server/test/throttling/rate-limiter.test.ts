import { describe, expect, it } from 'vitest';
import { boundedMemoryLimiters } from '../../src/throttling/bounded-memory-limiter.ts';
import { createRateLimiter, limitingWindow, type WindowState } from '../../src/throttling/rate-limiter.ts';
import { describeRateLimiterContract, windows } from './rate-limiter-contract.ts';

describeRateLimiterContract('in the process (rate-limiter-flexible)', (given, clock) =>
  createRateLimiter(given, boundedMemoryLimiters(clock)),
);

describe('rate limiter over rate-limiter-flexible limiters', () => {
  it('reports a store failure as ServiceUnavailable, not as a refusal', async () => {
    const limiter = createRateLimiter(windows, () => {
      const failing = { consume: () => Promise.reject(new Error('store unreachable')) };
      return failing as never;
    });
    await expect(limiter.consume('k')).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      message: 'the rate-limit store is unavailable; retry shortly',
      retryAfterSeconds: 1,
      cause: new Error('store unreachable'),
    });
  });
});

describe('limitingWindow', () => {
  const state = (name: string, limit: number, consumed: number, resetMs: number): WindowState => ({
    window: { name, limit, windowSeconds: 300 },
    consumed,
    remaining: Math.max(0, limit - consumed),
    resetMs,
  });

  it.each<[string, WindowState[], string | undefined]>([
    ['no window', [], undefined],
    [
      'windows at their limit but not over it',
      [state('burst', 7, 7, 9_000), state('sustain', 50, 50, 90_000)],
      undefined,
    ],
    ['one window over its limit', [state('burst', 7, 8, 9_000), state('sustain', 50, 8, 90_000)], 'burst'],
    [
      'the exceeded window resetting last',
      [state('burst', 7, 8, 9_000), state('sustain', 50, 51, 90_000)],
      'sustain',
    ],
    [
      'the exceeded window resetting last, listed first',
      [state('sustain', 50, 51, 90_000), state('burst', 7, 8, 9_000)],
      'sustain',
    ],
    [
      'the first of two exceeded windows resetting together',
      [state('a', 1, 2, 5_000), state('b', 1, 2, 5_000)],
      'a',
    ],
    [
      'an exceeded window, not a later-resetting one within its limit',
      [state('burst', 7, 8, 9_000), state('sustain', 50, 9, 90_000)],
      'burst',
    ],
  ])('picks %s', (_name, windows, expected) => {
    expect(limitingWindow(windows)?.window.name).toBe(expected);
  });
});
