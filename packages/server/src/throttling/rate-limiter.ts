// Rate limiting over several fixed windows at once (the vendor's burst and sustain windows), with
// rate-limiter-flexible. Every request counts toward every window, throttled or not: that is how
// the vendor counts throttled requests toward the sustain window.
import {
  type IRateLimiterOptions,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { ServiceError } from '../errors.ts';

export interface RateWindow {
  /** A token: it names the policy in the RateLimit headers. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface WindowState {
  window: RateWindow;
  /** Requests counted in the current window, this one included. */
  consumed: number;
  remaining: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

export interface RateDecision {
  allowed: boolean;
  windows: WindowState[];
}

/** Async so that a shared store (Redis) can stand behind it for several replicas. */
export interface RateLimiter {
  consume(key: string): Promise<RateDecision>;
}

export type LimiterFactory = (options: IRateLimiterOptions) => RateLimiterAbstract;

/** The in-process store; pass a factory building RateLimiterRedis to share counts between replicas. */
export const inMemoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

/** A store failure as the caller sees it: a dependency outage (503), not the caller's fault. */
const storeUnavailable = (cause: unknown) =>
  new ServiceError('ServiceUnavailable', 'the rate-limit store is unavailable; retry shortly', {
    cause,
    retryAfterSeconds: 1,
  });

export function createRateLimiter(
  windows: readonly RateWindow[],
  makeLimiter: LimiterFactory = inMemoryLimiters,
  failure: (cause: unknown) => ServiceError = storeUnavailable,
): RateLimiter {
  const limiters = windows.map((window) => ({
    window,
    limiter: makeLimiter({ keyPrefix: window.name, points: window.limit, duration: window.windowSeconds }),
  }));
  const decide = (states: WindowState[]): RateDecision => ({
    allowed: states.every((state) => state.consumed <= state.window.limit),
    windows: states,
  });
  return {
    // One promise per window, and one for the decision: this runs on every send.
    consume: (key) =>
      Promise.all(
        limiters.map(({ window, limiter }) =>
          limiter.consume(key).then(
            (res) => windowState(window, res),
            (rejection: unknown) => {
              // The limiter rejects with its result when over the limit, and with an Error when
              // its store fails.
              if (rejection instanceof RateLimiterRes) return windowState(window, rejection);
              throw failure(rejection);
            },
          ),
        ),
      ).then(decide),
  };
}

/**
 * The window that sets a refused request's wait: of the exceeded ones, the one that resets last
 * (the first of them on a tie). Undefined when no window is exceeded.
 */
export function limitingWindow(windows: readonly WindowState[]): WindowState | undefined {
  let limiting: WindowState | undefined;
  for (const state of windows) {
    if (state.consumed > state.window.limit && (limiting === undefined || state.resetMs > limiting.resetMs)) {
      limiting = state;
    }
  }
  return limiting;
}

function windowState(window: RateWindow, res: RateLimiterRes): WindowState {
  return {
    window,
    consumed: res.consumedPoints,
    remaining: Math.max(0, window.limit - res.consumedPoints),
    resetMs: Math.max(0, res.msBeforeNext),
  };
}
