// Decorators counting throttled and refused requests, applied in composition.ts around the
// limiters and the waiting room, which know nothing of metrics.
import type { WaitingRoom } from '../invites/waiting-room.ts';
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

/** Counts the waits the room refuses (it is full), and reports how many devices wait, and its cap. */
export function instrumentWaitingRoom(room: WaitingRoom, metrics: Metrics): WaitingRoom {
  metrics.holding('waiting_devices', () => room.size, room.capacity);
  return {
    get size() {
      return room.size;
    },
    capacity: room.capacity,
    enter(key, timeoutMs, departure) {
      const wait = room.enter(key, timeoutMs, departure);
      if (!wait) metrics.capacityRefused('waiting_devices');
      return wait;
    },
    admit(member) {
      const admitted = room.admit(member);
      if (!admitted) metrics.capacityRefused('waiting_devices');
      return admitted;
    },
    leave: (member) => room.leave(member),
    wake: (keys) => room.wake(keys),
    close: () => room.close(),
  };
}
