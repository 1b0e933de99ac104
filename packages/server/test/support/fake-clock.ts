import { vi } from 'vitest';
import type { Clock } from '../../src/clock.ts';

/**
 * A clock the test moves by hand. rate-limiter-flexible's in-memory store reads Date.now(), so
 * the fake also sets vitest's fake system time (Date only: real timers keep HTTP working).
 */
export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function useFakeClock(startMs = Date.UTC(2026, 10, 26, 12, 0, 0)): FakeClock {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(startMs);
  return {
    now: () => Date.now(),
    advance(ms) {
      vi.setSystemTime(Date.now() + ms);
    },
  };
}
