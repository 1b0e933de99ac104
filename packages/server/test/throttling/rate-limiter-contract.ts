// The rate windows' contract, one suite for every store behind them: in the process
// (rate-limiter-flexible's semantics, bounded-memory-limiter.ts) and in Redis, one server or a
// Cluster (redis-rate-windows.ts), both on the clock the test moves.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import type { RateLimiter, RateWindow } from '../../src/throttling/rate-limiter.ts';
import { useFakeClock } from '../support/fake-clock.ts';

export const windows: RateWindow[] = [
  { name: 'burst', limit: 3, windowSeconds: 15 },
  { name: 'sustain', limit: 5, windowSeconds: 300 },
];

/** Builds a limiter over `windows` on this clock. */
export type LimiterMaker = (windows: readonly RateWindow[], clock: Clock) => RateLimiter;

async function consumeTimes(limiter: RateLimiter, key: string, times: number) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.consume(key));
  return decisions;
}

let keys = 0;
/** A key no earlier test used (a shared Redis keeps what they counted). */
const freshKey = () => `1827805096:${2_533_274_790_000_000 + ++keys}:${Date.now()}`;

export function describeRateLimiterContract(name: string, make: LimiterMaker): void {
  describe(`rate windows (burst and sustain) ${name}`, () => {
    afterEach(() => vi.useRealTimers());

    it('allows up to the burst limit, then refuses with the time until the burst window resets', async () => {
      const clock = useFakeClock();
      const limiter = make(windows, clock);
      const key = freshKey();
      const decisions = await consumeTimes(limiter, key, 3);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true]);
      expect(decisions[0]?.windows).toEqual([
        { window: windows[0], consumed: 1, remaining: 2, resetMs: 15_000 },
        { window: windows[1], consumed: 1, remaining: 4, resetMs: 300_000 },
      ]);
      clock.advance(4_000);
      const refused = await limiter.consume(key);
      expect(refused.allowed).toBe(false);
      expect(refused.windows[0]).toMatchObject({ consumed: 4, remaining: 0, resetMs: 11_000 });
      expect(refused.windows[1]).toMatchObject({ consumed: 4, remaining: 1, resetMs: 296_000 });
    });

    it('allows again once the burst window has passed, in a window that starts then', async () => {
      const clock = useFakeClock();
      const limiter = make(windows, clock);
      const key = freshKey();
      await consumeTimes(limiter, key, 4);
      clock.advance(15_000);
      const again = await limiter.consume(key);
      expect(again.allowed).toBe(true);
      expect(again.windows[0]).toMatchObject({ consumed: 1, resetMs: 15_000 });
      expect(again.windows[1]).toMatchObject({ consumed: 5, resetMs: 285_000 });
      clock.advance(14_999);
      expect((await limiter.consume(key)).windows[0]).toMatchObject({ consumed: 2, resetMs: 1 });
    });

    it('counts refused requests toward the sustain window', async () => {
      const clock = useFakeClock();
      const limiter = make(windows, clock);
      const key = freshKey();
      await consumeTimes(limiter, key, 4); // 3 allowed, 1 refused by burst
      clock.advance(15_000);
      const [allowed, refused] = await consumeTimes(limiter, key, 2);
      // The refused request counted: the sustain window is at 5 after one more, and refuses the 6th.
      expect(allowed?.allowed).toBe(true);
      expect(allowed?.windows[1]).toMatchObject({ consumed: 5, remaining: 0 });
      expect(refused?.allowed).toBe(false);
      expect(refused?.windows[0]?.consumed).toBe(2);
      expect(refused?.windows[1]).toMatchObject({ consumed: 6, resetMs: 285_000 });
    });

    it('keeps separate counts per key', async () => {
      const clock = useFakeClock();
      const limiter = make(windows, clock);
      const [a, b] = [freshKey(), freshKey()];
      await consumeTimes(limiter, a, 4);
      expect((await limiter.consume(b)).allowed).toBe(true);
    });

    it('counts a key of the widest characters and the longest sender like any other', async () => {
      const clock = useFakeClock();
      const limiter = make(windows, clock);
      const key = `${'9'.repeat(10)}:${'😀漢'.repeat(40)}:${freshKey()}`;
      const decisions = await consumeTimes(limiter, key, 4);
      expect(decisions.map((d) => d.windows[0]?.consumed)).toEqual([1, 2, 3, 4]);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    });
  });
}
