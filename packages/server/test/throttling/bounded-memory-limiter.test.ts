// The bounded in-memory limiter: the same results as rate-limiter-flexible's RateLimiterMemory on
// the same sequence of requests and times, expired windows dropped without a timer per key, and
// 300,000 distinct senders held well within the service's heap.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serviceNodeFlags } from '../../build.ts';
import {
  BoundedMemoryRateLimiter,
  boundedMemoryLimiters,
} from '../../src/throttling/bounded-memory-limiter.ts';
import { createRateLimiter } from '../../src/throttling/rate-limiter.ts';

type Op =
  | { kind: 'consume'; key: string; points: number; customDuration?: number }
  | { kind: 'penalty'; key: string; points: number }
  | { kind: 'reward'; key: string; points: number }
  | { kind: 'delete'; key: string }
  | { kind: 'get'; key: string }
  | { kind: 'set'; key: string; points: number; seconds: number }
  | { kind: 'block'; key: string; seconds: number }
  | { kind: 'advance'; ms: number };

const key = fc.constantFrom('a', 'b', 'c');
/** Durations in seconds for set, block and a consume's custom duration: none (-1), forever (0), short, long. */
const seconds = fc.constantFrom(-1, 0, 1, 5, 12);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      key,
      points: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('consume' as const),
      key,
      points: fc.integer({ min: 1, max: 3 }),
      customDuration: seconds,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), key }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      key,
      points: fc.integer({ min: 0, max: 7 }),
      seconds,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('block' as const), key, seconds }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('penalty' as const),
      key,
      points: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reward' as const),
      key,
      points: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  // From nothing to past the window (10 s) and the block (7 s), landing on its edges too.
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 25_000 }), fc.constantFrom(1, 999, 1000, 7000, 10_000)),
    }),
  },
);

type Limiter = Pick<RateLimiterMemory, 'consume' | 'penalty' | 'reward' | 'delete' | 'get' | 'set' | 'block'>;

/** What a limiter answered, rejections included (a RateLimiterRes when over the limit). */
async function outcome(limiter: Limiter, step: Exclude<Op, { kind: 'advance' }>) {
  const call = (): Promise<unknown> => {
    switch (step.kind) {
      case 'consume':
        return step.customDuration === undefined
          ? limiter.consume(step.key, step.points)
          : limiter.consume(step.key, step.points, { customDuration: step.customDuration });
      case 'penalty':
        return limiter.penalty(step.key, step.points);
      case 'reward':
        return limiter.reward(step.key, step.points);
      case 'delete':
        return limiter.delete(step.key);
      case 'get':
        return limiter.get(step.key);
      case 'set':
        return limiter.set(step.key, step.points, step.seconds);
      case 'block':
        return limiter.block(step.key, step.seconds);
    }
  };
  const describe = (value: unknown) =>
    value instanceof RateLimiterRes
      ? {
          remainingPoints: value.remainingPoints,
          msBeforeNext: value.msBeforeNext,
          consumedPoints: value.consumedPoints,
          isFirstInDuration: value.isFirstInDuration,
        }
      : value;
  return call().then(
    (value) => ({ resolved: describe(value) }),
    (value: unknown) => ({ rejected: describe(value) }),
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BoundedMemoryRateLimiter compared with RateLimiterMemory', () => {
  it.each([
    ['without a block', { points: 5, duration: 10 }],
    ['with a block of 7 s after the limit', { points: 5, duration: 10, blockDuration: 7 }],
    ['with windows that never expire (a duration of 0)', { points: 5, duration: 0 }],
  ])(
    'answers every request of a generated sequence exactly as RateLimiterMemory does, %s',
    async (_name, options) => {
      // RateLimiterMemory reads Date.now() and forgets a key when its timer fires: both read the same
      // faked Date, and the fake timers fire as the time advances, as they would in real time.
      vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
      const clock = { now: () => Date.now() };
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60 }), async (ops) => {
          vi.setSystemTime(Date.UTC(2026, 10, 26, 12, 0, 0));
          const reference = new RateLimiterMemory({ keyPrefix: 'w', ...options });
          const bounded = new BoundedMemoryRateLimiter({ keyPrefix: 'w', ...options }, clock);
          for (const step of ops) {
            if (step.kind === 'advance') {
              vi.advanceTimersByTime(step.ms);
              continue;
            }
            expect(await outcome(bounded, step), JSON.stringify(step)).toEqual(
              await outcome(reference, step),
            );
          }
        }),
        { numRuns: 300, seed: 12 },
      );
    },
  );

  it('answers get like RateLimiterMemory while the window lives, and null once it has expired', async () => {
    let now = 1_000_000;
    const limiter = new BoundedMemoryRateLimiter({ points: 2, duration: 10 }, { now: () => now });
    expect(await limiter.get('k')).toBeNull();
    await limiter.consume('k');
    now += 4000;
    expect(await limiter.get('k')).toMatchObject({
      consumedPoints: 1,
      remainingPoints: 1,
      msBeforeNext: 6000,
    });
    now += 6000;
    expect(await limiter.get('k')).toBeNull();
  });
});

describe('BoundedMemoryRateLimiter, what it does not support', () => {
  it('refuses execEvenly, which would delay each request with a timer of its own', () => {
    expect(() => new BoundedMemoryRateLimiter({ points: 5, duration: 10, execEvenly: true })).toThrow(
      'BoundedMemoryRateLimiter does not support execEvenly',
    );
  });

  it('refuses dump and restore', () => {
    const limiter = new BoundedMemoryRateLimiter({ points: 5, duration: 10 });
    expect(() => limiter.dump()).toThrow('BoundedMemoryRateLimiter does not support dump');
    expect(() => limiter.restore()).toThrow('BoundedMemoryRateLimiter does not support restore');
  });

  it('keeps keys as given, without the key prefix', () => {
    const limiter = new BoundedMemoryRateLimiter({ keyPrefix: 'burst', points: 5, duration: 10 });
    expect(limiter.getKey(42)).toBe('42');
    expect(limiter.parseKey('k')).toBe('k');
  });
});

describe('BoundedMemoryRateLimiter memory', () => {
  it('drops expired windows on a later request, with no timer per key', async () => {
    let now = Date.UTC(2026, 10, 26, 12, 0, 0);
    const limiter = new BoundedMemoryRateLimiter({ points: 7, duration: 15 }, { now: () => now });
    const timers = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 1000; i++) await limiter.consume(`sender-${i}`);
    expect(timers).not.toHaveBeenCalled();
    expect(limiter.size).toBe(1000);
    // A generation is dropped once all of it has expired: at most one window after the expiry.
    now += 30_000;
    await limiter.consume('another');
    expect(limiter.size).toBe(1);
  });

  it('keeps one count per key for every window of the service (burst and sustain), both consumed at once', async () => {
    let now = 0;
    const limiter = createRateLimiter(
      [
        { name: 'burst', limit: 1, windowSeconds: 15 },
        { name: 'sustain', limit: 2, windowSeconds: 300 },
      ],
      boundedMemoryLimiters({ now: () => now }),
    );
    expect((await limiter.consume('t:s')).allowed).toBe(true);
    const refused = await limiter.consume('t:s');
    expect(refused.allowed).toBe(false);
    expect(refused.windows.map((state) => state.consumed)).toEqual([2, 2]);
    now += 15_000;
    const sustainOnly = await limiter.consume('t:s');
    expect(sustainOnly.windows.map((state) => [state.consumed, state.resetMs])).toEqual([
      [1, 15_000],
      [3, 285_000],
    ]);
  });

  it('holds 300,000 distinct senders in both windows at once well under the service heap (128 MB old space)', async () => {
    const probe = fileURLToPath(new URL('../support/limiter-heap-probe.ts', import.meta.url));
    const child = spawn(process.execPath, [...serviceNodeFlags, '--expose-gc', probe, '300000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as {
      heapUsedBefore: number;
      heapUsedAfter: number;
      heapUsedAfterExpiry: number;
      keysHeld: number[];
      keysHeldAfterExpiry: number[];
    };
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    console.warn(
      `limiter heap: ${mb(report.heapUsedAfter)} MB with 300,000 senders in both windows ` +
        `(${Math.round((report.heapUsedAfter - report.heapUsedBefore) / 300_000)} B per sender; ` +
        `${mb(report.heapUsedBefore)} MB before, ${mb(report.heapUsedAfterExpiry)} MB once expired)`,
    );
    expect(report.keysHeld).toEqual([300_000, 300_000]);
    expect(report.heapUsedAfter).toBeLessThan(64 * 1024 * 1024);
    expect(report.keysHeldAfterExpiry).toEqual([1, 1]);
    expect(report.heapUsedAfterExpiry - report.heapUsedBefore).toBeLessThan(4 * 1024 * 1024);
  }, 60_000);
});
