// A deadline for a request's work on a shared store (Redis): however many calls it makes one
// after another (the idempotency record, the rate windows, the delivery), the request answers or
// fails within one limit. Each call also has its own timeout (the client's), but sequential calls
// added up: a send took up to 2 s to fail with a 1 s command timeout, 2.9 s on a Cluster.
import { ServiceError } from '../errors.ts';

/** Starts a timer; returns what cancels it. Injected so that tests never really wait. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export const realTimer: SetTimer = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

export interface StoreDeadline {
  /**
   * Runs `work`, rejecting with a 503 once the limit has passed (the work's calls are not undone:
   * whatever it already sent may still complete). `work` calls `check()` before each further call,
   * which throws once the limit has passed, so that a request that has given up sends no more.
   */
  run<T>(work: (check: () => void) => Promise<T>): Promise<T>;
}

/** A store with no shared dependency (the embedded SQLite file): its calls are bounded already. */
export const noStoreDeadline: StoreDeadline = { run: (work) => work(() => {}) };

/** Seconds a caller should wait before retrying a request whose store did not answer in time. */
const RETRY_AFTER_SECONDS = 1;

export function storeDeadline(limitMs: number, setTimer: SetTimer = realTimer): StoreDeadline {
  const timedOut = () =>
    new ServiceError('ServiceUnavailable', 'the shared store did not answer in time; retry shortly', {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  return {
    run(work) {
      return new Promise((resolve, reject) => {
        let expired = false;
        const cancel = setTimer(() => {
          expired = true;
          reject(timedOut());
        }, limitMs);
        const check = () => {
          if (expired) throw timedOut();
        };
        work(check).then(
          (value) => {
            cancel();
            resolve(value);
          },
          (error: unknown) => {
            cancel();
            reject(error);
          },
        );
      });
    },
  };
}
