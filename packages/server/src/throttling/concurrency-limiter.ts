import { ServiceError } from '../errors.ts';
// Caps the requests one caller has in flight at once, in this process. Concurrency is a property of
// one instance's resources, so unlike rate windows it is not shared between replicas.

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; inFlight: number; limit: number };

export interface ConcurrencyLimiter {
  tryAcquire(caller: string): Admission;
}

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter & { readonly callers: number } {
  const inFlight = new Map<string, number>();
  return {
    /** Callers with requests in flight: a caller whose last request ends is forgotten. */
    get callers() {
      return inFlight.size;
    },
    tryAcquire(caller) {
      const current = inFlight.get(caller) ?? 0;
      if (current >= limit) return { admitted: false, inFlight: current + 1, limit };
      inFlight.set(caller, current + 1);
      let released = false;
      return {
        admitted: true,
        release() {
          if (released) return;
          released = true;
          const remaining = (inFlight.get(caller) ?? 1) - 1;
          if (remaining === 0) inFlight.delete(caller);
          else inFlight.set(caller, remaining);
        },
      };
    },
  };
}

/** The 429 a caller gets when it has too many requests in flight. */
export function concurrencyExceeded(rejection: Extract<Admission, { admitted: false }>): ServiceError {
  return ServiceError.throttled({
    entity: {
      version: 1,
      currentRequests: rejection.inFlight,
      maxRequests: rejection.limit,
      periodInSeconds: 1,
      limitType: 'Concurrency',
      debugMessage: `at most ${rejection.limit} requests in flight for this caller`,
    },
    retryAfterSeconds: 1,
    windows: [],
  });
}
