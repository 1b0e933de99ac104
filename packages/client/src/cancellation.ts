import type { Clock } from './clock.js';

/**
 * One signal for everything a call does (requests, credential look-ups, waits), aborted by the
 * caller's signal or by the deadline. Built by hand rather than with `AbortSignal.any`, which
 * Node 20.0-20.2 and older browsers lack.
 */
export interface CallScope {
  readonly signal: AbortSignal;
  /** Milliseconds since the epoch after which the call has failed; `Infinity` without a timeout. */
  readonly deadline: number;
  /** Releases the timer and the listener on the caller's signal. */
  dispose(): void;
}

export function openCallScope(options: {
  clock: Clock;
  timeoutMs: number;
  callerSignal: AbortSignal | undefined;
  onTimeout: () => unknown;
}): CallScope {
  const { clock, timeoutMs, callerSignal, onTimeout } = options;
  const controller = new AbortController();
  const released = new AbortController();
  const deadline = clock.now() + timeoutMs;

  const forwardAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) forwardAbort();
  else callerSignal?.addEventListener('abort', forwardAbort, { once: true });

  if (Number.isFinite(timeoutMs) && !controller.signal.aborted) {
    clock.sleep(timeoutMs, released.signal).then(
      () => controller.abort(onTimeout()),
      () => {
        // Released: the call ended before its deadline.
      },
    );
  }

  return {
    signal: controller.signal,
    deadline,
    dispose() {
      callerSignal?.removeEventListener('abort', forwardAbort);
      released.abort();
    },
  };
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A signal aborted as soon as `a` or `b` is, with its reason: `AbortSignal.any`, which Node
 * 20.0-20.2 and older browsers lack.
 */
export function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (a.aborted) return a;
  if (b.aborted) return b;
  const controller = new AbortController();
  const forward = (signal: AbortSignal) => () => {
    a.removeEventListener('abort', fromA);
    b.removeEventListener('abort', fromB);
    controller.abort(signal.reason);
  };
  const fromA = forward(a);
  const fromB = forward(b);
  a.addEventListener('abort', fromA, { once: true });
  b.addEventListener('abort', fromB, { once: true });
  return controller.signal;
}
