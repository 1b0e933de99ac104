// Throttling over HTTP: both rate windows with an injected clock, and the concurrency limit.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import { useFakeClock } from '../support/fake-clock.ts';
import { firstDeliveryHeld, gate } from '../support/gate.ts';
import { callInvite, TITLE_ID, validInvite } from '../support/invite-request.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.useRealTimers();
});

async function sendTimes(times: number, authorization: string, sender = validInvite.sender) {
  if (!server) throw new Error('start a server first');
  const responses = [];
  for (let i = 0; i < times; i++) {
    responses.push(await callInvite(server.url, { authorization, body: { ...validInvite, sender } }));
  }
  return responses;
}

describe('rate windows per sender and title', () => {
  it('answers the request over the burst limit with 429, Retry-After and a Rate ThrottledEntity', async () => {
    const clock = useFakeClock();
    server = await startTestServer({
      throttle: { burst: { limit: 2, windowSeconds: 15 }, sustain: { limit: 50, windowSeconds: 300 } },
      overrides: { clock },
    });
    const auth = await server.serviceCredential([TITLE_ID]);
    const [first, second] = await sendTimes(2, auth);
    expect([first?.status, second?.status]).toEqual([204, 204]);
    clock.advance(5_000);
    const [throttled] = await sendTimes(1, auth);
    expect(throttled?.status).toBe(429);
    expect(throttled?.headers.get('retry-after')).toBe('10');
    expect(throttled?.headers.get('ratelimit')).toBe('"burst";r=0;t=10, "sustain";r=47;t=295');
    expect(throttled?.headers.get('ratelimit-policy')).toBe('"burst";q=2;w=15, "sustain";q=50;w=300');
    expect(throttled?.body).toEqual({
      version: 1,
      currentRequests: 3,
      maxRequests: 2,
      periodInSeconds: 15,
      limitType: 'Rate',
      debugMessage: 'at most 2 invites per 15 seconds for this sender and title',
    });
  });

  it('accepts again once the burst window has passed', async () => {
    const clock = useFakeClock();
    server = await startTestServer({
      throttle: { burst: { limit: 1, windowSeconds: 15 }, sustain: { limit: 50, windowSeconds: 300 } },
      overrides: { clock },
    });
    const auth = await server.serviceCredential([TITLE_ID]);
    expect((await sendTimes(2, auth)).map((r) => r.status)).toEqual([204, 429]);
    clock.advance(15_000);
    expect((await sendTimes(1, auth)).map((r) => r.status)).toEqual([204]);
  });

  it('counts throttled requests toward the sustain window, and reports its longer wait', async () => {
    const clock = useFakeClock();
    server = await startTestServer({
      throttle: { burst: { limit: 2, windowSeconds: 15 }, sustain: { limit: 4, windowSeconds: 300 } },
      overrides: { clock },
    });
    const auth = await server.serviceCredential([TITLE_ID]);
    expect((await sendTimes(3, auth)).map((r) => r.status)).toEqual([204, 204, 429]);
    clock.advance(15_000);
    // One more fits the sustain window only because 4 = 2 accepted + 1 throttled + this one.
    const [accepted, throttled] = await sendTimes(2, auth);
    expect(accepted?.status).toBe(204);
    expect(throttled?.status).toBe(429);
    expect(throttled?.headers.get('retry-after')).toBe('285');
    expect(throttled?.body).toMatchObject({
      limitType: 'Rate',
      currentRequests: 5,
      maxRequests: 4,
      periodInSeconds: 300,
    });
  });

  it('counts each sender separately', async () => {
    useFakeClock();
    server = await startTestServer({
      throttle: { burst: { limit: 1, windowSeconds: 15 }, sustain: { limit: 50, windowSeconds: 300 } },
    });
    const auth = await server.serviceCredential([TITLE_ID]);
    expect((await sendTimes(2, auth, '1')).map((r) => r.status)).toEqual([204, 429]);
    expect((await sendTimes(1, auth, '2')).map((r) => r.status)).toEqual([204]);
  });
});

describe('concurrency per caller', () => {
  it('answers a request over the in-flight limit with 429 Concurrency, and admits again once one finishes', async () => {
    const held = gate();
    server = await startTestServer({
      throttle: { concurrencyPerCaller: 1 },
      overrides: { delivery: firstDeliveryHeld(held) },
    });
    const auth = await server.serviceCredential([TITLE_ID]);
    const first = callInvite(server.url, { authorization: auth, body: validInvite });
    await held.reached;
    const rejected = await callInvite(server.url, { authorization: auth, body: validInvite });
    expect(rejected.status).toBe(429);
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(rejected.body).toEqual({
      version: 1,
      currentRequests: 2,
      maxRequests: 1,
      periodInSeconds: 1,
      limitType: 'Concurrency',
      debugMessage: 'at most 1 requests in flight for this caller',
    });
    held.open();
    expect((await first).status).toBe(204);
    expect((await callInvite(server.url, { authorization: auth, body: validInvite })).status).toBe(204);
  });
});

describe('failures behind the delivery port', () => {
  it('answers an unexpected failure with 500 InternalServerError and no internals', async () => {
    server = await startTestServer({
      overrides: {
        delivery: { deliver: async () => Promise.reject(new Error('disk /var/lib/invites is full')) },
      },
    });
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
    });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      errorCode: 'InternalServerError',
      debugMessage: 'an unexpected error occurred; quote the X-Request-Id header when reporting it',
    });
    expect(response.text).not.toContain('disk');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers an unreachable store with 503 ServiceUnavailable', async () => {
    server = await startTestServer({
      overrides: {
        delivery: {
          deliver: async () =>
            Promise.reject(new ServiceError('ServiceUnavailable', 'the invite store is unavailable')),
        },
      },
    });
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
    });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      errorCode: 'ServiceUnavailable',
      debugMessage: 'the invite store is unavailable',
    });
  });

  it('sends Retry-After with a 503 when the store says when to retry', async () => {
    server = await startTestServer({
      overrides: {
        delivery: {
          deliver: async () =>
            Promise.reject(
              new ServiceError('ServiceUnavailable', 'the shared store is unavailable; retry shortly', {
                retryAfterSeconds: 1,
              }),
            ),
        },
      },
    });
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
    });
    expect([response.status, response.headers.get('retry-after')]).toEqual([503, '1']);
    expect(response.body).toMatchObject({ errorCode: 'ServiceUnavailable' });
  });
});
