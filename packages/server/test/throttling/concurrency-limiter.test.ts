import { describe, expect, it } from 'vitest';
import { concurrencyExceeded, createConcurrencyLimiter } from '../../src/throttling/concurrency-limiter.ts';

describe('concurrency limiter', () => {
  it('admits up to the limit per caller and refuses the next with the count', () => {
    const limiter = createConcurrencyLimiter(2);
    expect(limiter.tryAcquire('a').admitted).toBe(true);
    expect(limiter.tryAcquire('a').admitted).toBe(true);
    expect(limiter.tryAcquire('a')).toEqual({ admitted: false, inFlight: 3, limit: 2 });
    expect(limiter.tryAcquire('b').admitted).toBe(true);
  });

  it('admits again after a release, and ignores a second release of the same admission', () => {
    const limiter = createConcurrencyLimiter(1);
    const first = limiter.tryAcquire('a');
    if (!first.admitted) throw new Error('expected admission');
    first.release();
    first.release();
    const second = limiter.tryAcquire('a');
    expect(second.admitted).toBe(true);
    expect(limiter.tryAcquire('a').admitted).toBe(false);
  });

  it('counts each caller down one release at a time, and forgets a caller with nothing in flight', () => {
    const limiter = createConcurrencyLimiter(2);
    const first = limiter.tryAcquire('a');
    const second = limiter.tryAcquire('a');
    if (!first.admitted || !second.admitted) throw new Error('expected admissions');
    first.release();
    // One still in flight: one more is admitted, the one after is refused as the third.
    const third = limiter.tryAcquire('a');
    expect(third.admitted).toBe(true);
    expect(limiter.tryAcquire('a')).toEqual({ admitted: false, inFlight: 3, limit: 2 });
    second.release();
    if (third.admitted) third.release();
    // Nothing in flight: the caller is forgotten, and has the full limit again.
    expect(limiter.callers).toBe(0);
    expect(limiter.tryAcquire('a').admitted).toBe(true);
    expect(limiter.tryAcquire('a').admitted).toBe(true);
    expect(limiter.tryAcquire('a')).toEqual({ admitted: false, inFlight: 3, limit: 2 });
  });

  it('a second release of the same admission frees nothing another request holds', () => {
    const limiter = createConcurrencyLimiter(2);
    const first = limiter.tryAcquire('a');
    if (!first.admitted) throw new Error('expected admission');
    limiter.tryAcquire('a');
    first.release();
    first.release();
    expect(limiter.tryAcquire('a').admitted).toBe(true);
    expect(limiter.tryAcquire('a')).toEqual({ admitted: false, inFlight: 3, limit: 2 });
  });

  it('describes a refusal as a 429 Concurrency ThrottledEntity', () => {
    const error = concurrencyExceeded({ admitted: false, inFlight: 65, limit: 64 });
    expect(error.code).toBe('Throttled');
    expect(error.throttle).toMatchObject({
      retryAfterSeconds: 1,
      entity: {
        version: 1,
        limitType: 'Concurrency',
        currentRequests: 65,
        maxRequests: 64,
        periodInSeconds: 1,
        debugMessage: 'at most 64 requests in flight for this caller',
      },
      windows: [],
    });
  });
});
