// Decorators counting throttled requests, applied in composition.ts around the limiters, which
// know nothing of metrics.
import type { ConcurrencyLimiter } from '../throttling/concurrency-limiter.ts';
import { limitingWindow, type RateDecision, type RateLimiter } from '../throttling/rate-limiter.ts';
import type { Metrics } from './metrics.ts';

/**
 * Counts each refused request once, under the window that sets its wait (the exceeded window that
 * resets last, as the 429's ThrottledEntity reports), so the series sum to the requests refused.
 */
export function instrumentRateLimiter(limiter: RateLimiter, metrics: Metrics): RateLimiter {
  return {
    consume: (key) => limiter.consume(key).then(countRefusal),
  };

  function countRefusal(decision: RateDecision): RateDecision {
    if (!decision.allowed) {
      metrics.requestThrottled('Rate', limitingWindow(decision.windows)?.window.name ?? 'unknown');
    }
    return decision;
  }
}

export function instrumentConcurrencyLimiter(
  limiter: ConcurrencyLimiter,
  metrics: Metrics,
): ConcurrencyLimiter {
  return {
    tryAcquire(caller) {
      const admission = limiter.tryAcquire(caller);
      if (!admission.admitted) metrics.requestThrottled('Concurrency', 'in_flight');
      return admission;
    },
  };
}
