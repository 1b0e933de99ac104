// Decorators counting throttled requests and held long polls, applied in composition.ts around
// the limiters and the notifier, which know nothing of metrics.
import type { InviteNotifier } from '../invites/invite-notifier.ts';
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

/** Counts the long polls waiting: from the start of a wait to its end, however it ends. */
export function instrumentNotifier(notifier: InviteNotifier, metrics: Metrics): InviteNotifier {
  return {
    subscribe(key) {
      const subscription = notifier.subscribe(key);
      return {
        cancel: () => subscription.cancel(),
        ready: () => subscription.ready(),
        async wait(timeoutMs, signal) {
          const ended = metrics.longPollStarted();
          try {
            await subscription.wait(timeoutMs, signal);
          } finally {
            ended();
          }
        },
      };
    },
    notify: (keys) => notifier.notify(keys),
    close: () => notifier.close(),
  };
}
