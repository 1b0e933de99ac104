// Rate windows shared by every replica: every window of a key counted in Redis by one script call
// on one key, so burst and sustain hold for the whole fleet exactly.
//
// rate-limiter-flexible (which counts the windows in process, throttling/) keeps one key and one
// script call per window: on Redis a send paid two calls and eight commands for its two windows
// (SET NX, INCRBY and PTTL inside each), a third of what a send cost Redis and a fifth of the
// replica's work for it. Here the windows of a key are one string, `<start>,<count>` per window,
// read and written by one script: GET and SET, whatever the number of windows. The windows keep
// rate-limiter-flexible's fixed-window semantics (a window starts with its first request; every
// request counts, throttled or not) and its answers (consumed points, time to reset).
//
// Time is the replica's clock (the injected one, as for invite expiry), not Redis's: a window
// starts when the replica that opened it says, and the replicas' clocks differ by milliseconds
// (NTP), which moves a reset by as much. Redis's own expiry (PX) only reclaims a key once its
// longest window is over.
import type { Clock } from '../../clock.ts';
import type { ServiceError } from '../../errors.ts';
import type { RateLimiter, RateWindow, WindowState } from '../../throttling/rate-limiter.ts';
import type { RedisClient } from './connection.ts';
import { defineScripts, type Scripted } from './scripts.ts';

/** The key holding every window of one rate key: in a Cluster slot of its own. */
export const rateWindowsKey = (key: string) => `si:rw:{${key}}`;

export interface RedisRateWindowsOptions {
  client: RedisClient;
  windows: readonly RateWindow[];
  clock: Clock;
  /** Turns a failed command into the caller's error (a 503). */
  failure: (error: unknown) => ServiceError;
}

export function createRedisRateLimiter(options: RedisRateWindowsOptions): RateLimiter {
  const { windows, clock, failure } = options;
  const redis: Scripted = defineScripts(options.client);
  const durations = windows.map((window) => window.windowSeconds * 1000);
  return {
    async consume(key) {
      let reply: number[];
      try {
        reply = (await redis.invites_rateWindows(rateWindowsKey(key), clock.now(), ...durations)) as number[];
      } catch (error) {
        throw failure(error);
      }
      const states: WindowState[] = [];
      let allowed = true;
      for (const [i, window] of windows.entries()) {
        const consumed = reply[2 * i] as number;
        if (consumed > window.limit) allowed = false;
        states.push({
          window,
          consumed,
          remaining: Math.max(0, window.limit - consumed),
          resetMs: reply[2 * i + 1] as number,
        });
      }
      return { allowed, windows: states };
    },
  };
}
