import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter, limitingWindow, type WindowState } from '../../src/throttling/rate-limiter.ts';
import { useFakeClock } from '../support/fake-clock.ts';

const windows = [
  { name: 'burst', limit: 3, windowSeconds: 15 },
  { name: 'sustain', limit: 5, windowSeconds: 300 },
];

async function consumeTimes(limiter: ReturnType<typeof createRateLimiter>, key: string, times: number) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.consume(key));
  return decisions;
}

describe('rate limiter over burst and sustain windows', () => {
  afterEach(() => vi.useRealTimers());

  it('allows up to the burst limit, then refuses with the time until the burst window resets', async () => {
    const clock = useFakeClock();
    const limiter = createRateLimiter(windows);
    const decisions = await consumeTimes(limiter, 'k', 3);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true]);
    clock.advance(4_000);
    const refused = await limiter.consume('k');
    expect(refused.allowed).toBe(false);
    expect(refused.windows[0]).toMatchObject({ consumed: 4, remaining: 0, resetMs: 11_000 });
  });

  it('allows again once the burst window has passed', async () => {
    const clock = useFakeClock();
    const limiter = createRateLimiter(windows);
    await consumeTimes(limiter, 'k', 4);
    clock.advance(15_000);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });

  it('counts refused requests toward the sustain window', async () => {
    const clock = useFakeClock();
    const limiter = createRateLimiter(windows);
    await consumeTimes(limiter, 'k', 4); // 3 allowed, 1 refused by burst
    clock.advance(15_000);
    const [allowed, refused] = await consumeTimes(limiter, 'k', 2);
    // The refused request counted: the sustain window is at 5 after one more, and refuses the 6th.
    expect(allowed?.allowed).toBe(true);
    expect(allowed?.windows[1]).toMatchObject({ consumed: 5, remaining: 0 });
    expect(refused?.allowed).toBe(false);
    expect(refused?.windows[0]?.consumed).toBe(2);
    expect(refused?.windows[1]).toMatchObject({ consumed: 6, resetMs: 285_000 });
  });

  it('keeps separate counts per key', async () => {
    useFakeClock();
    const limiter = createRateLimiter(windows);
    await consumeTimes(limiter, 'a', 4);
    expect((await limiter.consume('b')).allowed).toBe(true);
  });

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
