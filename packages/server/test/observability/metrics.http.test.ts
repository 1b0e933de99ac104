// GET /metrics as Prometheus sees it: the counters move with the traffic a test sends, on the
// service's port by default, on METRICS_PORT alone when it is set, and nowhere when turned off.
import { describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import type { InviteDelivery } from '../../src/invites/delivery.ts';
import type { TestServer } from '../../src/testing.ts';
import { useFakeClock } from '../support/fake-clock.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';
import { sample, scrape } from '../support/prometheus.ts';
import { trackedTestServers } from '../support/test-servers.ts';

const A = '2814613569642996';
const B = '2814654783556735';

const start = trackedTestServers();

async function call(
  server: TestServer,
  method: string,
  path: string,
  authorization?: string,
  body?: unknown,
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(authorization && { authorization }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

async function send(server: TestServer, invitedUsers: string[]) {
  return callInvite(server.url, {
    authorization: await server.serviceCredential([TITLE_ID]),
    body: { invitedUsers, sender: SENDER },
  });
}

describe('GET /metrics on the service port (the default)', () => {
  it('answers Prometheus text whose request, invite and store counters move with the traffic sent', async () => {
    const server = await start();
    const user = await server.userCredential(A);
    const before = await scrape(server.url);

    expect(
      await call(server, 'PUT', `/users/${A}/endpoints/console`, user, { platform: 'Scarlett' }),
    ).toMatchObject({ status: 201 });
    expect(
      await call(server, 'PUT', `/users/${A}/endpoints/phone`, user, { platform: 'Android' }),
    ).toMatchObject({ status: 201 });
    // A has two endpoints; B has none, so B's invite is accepted but reaches nothing.
    expect((await send(server, [A, B])).status).toBe(204);
    const received = await call(server, 'GET', `/users/${A}/endpoints/phone/invites`, user);
    const inviteId = received.json.invites[0].id as string;
    expect(
      (await call(server, 'DELETE', `/users/${A}/endpoints/phone/invites/${inviteId}`, user)).status,
    ).toBe(204);
    expect(
      (await call(server, 'DELETE', `/users/${A}/endpoints/phone/invites/${inviteId}`, user)).status,
    ).toBe(404);
    expect((await call(server, 'GET', '/no/such/path/7f3a9c')).status).toBe(404);
    expect((await call(server, 'POST', `/users/${A}/endpoints/phone`, user)).status).toBe(405);
    const response = await fetch(`${server.url}/metrics`);
    const after = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved('http_requests_total', { operation: 'registerEndpoint', status_class: '2xx' })).toBe(2);
    expect(moved('http_requests_total', { operation: 'sendServerInvite', status_class: '2xx' })).toBe(1);
    expect(moved('http_requests_total', { operation: 'receiveInvites', status_class: '2xx' })).toBe(1);
    expect(moved('http_requests_total', { operation: 'acknowledgeInvite', status_class: '2xx' })).toBe(1);
    expect(moved('http_requests_total', { operation: 'acknowledgeInvite', status_class: '4xx' })).toBe(1);
    // The unknown path and the unsupported method are labelled by a fixed word, not their URL.
    expect(moved('http_requests_total', { operation: 'unmatched', status_class: '4xx' })).toBe(2);
    expect(after).not.toContain('7f3a9c');
    expect(
      moved('http_request_duration_seconds_count', { operation: 'sendServerInvite', status_class: '2xx' }),
    ).toBe(1);
    expect(moved('invites_sent_total')).toBe(2);
    expect(moved('invites_delivered_total')).toBe(2);
    expect(moved('invites_acknowledged_total')).toBe(1);
    expect(moved('invites_dropped_total')).toBe(0);
    expect(moved('store_operation_duration_seconds_count', { store: 'sqlite', operation: 'deliver' })).toBe(
      1,
    );
    expect(moved('store_operation_duration_seconds_count', { store: 'sqlite', operation: 'register' })).toBe(
      2,
    );
    expect(moved('store_operation_errors_total', { store: 'sqlite', operation: 'deliver' })).toBe(0);
    // Process metrics: heap, RSS, event-loop lag, GC.
    for (const name of [
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(sample(after, name)).toBeGreaterThan(0);
    }
    expect(after).toContain('# TYPE nodejs_gc_duration_seconds histogram');
  });

  it('counts a throttled send under its rate window, and a caller over its in-flight limit under Concurrency', async () => {
    const server = await start({
      throttle: { burst: { limit: 1, windowSeconds: 60 }, concurrencyPerCaller: 1 },
    });
    const user = await server.userCredential(A);
    expect(
      (await call(server, 'PUT', `/users/${A}/endpoints/console`, user, { platform: 'Scarlett' })).status,
    ).toBe(201);

    expect((await send(server, [B])).status).toBe(204);
    expect((await send(server, [B])).status).toBe(429);
    // A long poll holds the user's one in-flight slot; the user's next request is refused.
    const polling = call(server, 'GET', `/users/${A}/endpoints/console/invites?waitSeconds=30`, user);
    await vi.waitFor(async () => expect(sample(await scrape(server.url), 'long_polls_waiting')).toBe(1));
    expect((await call(server, 'GET', `/users/${A}/endpoints/console/invites`, user)).status).toBe(429);
    await server.running.shutdown();
    expect((await polling).status).toBe(200);

    const text = (await server.deps.metrics.exposition?.text()) ?? '';
    expect(sample(text, 'throttled_requests_total', { limit_type: 'Rate', window: 'burst' })).toBe(1);
    expect(sample(text, 'throttled_requests_total', { limit_type: 'Concurrency', window: 'in_flight' })).toBe(
      1,
    );
    expect(sample(text, 'http_requests_total', { operation: 'sendServerInvite', status_class: '4xx' })).toBe(
      1,
    );
    expect(sample(text, 'long_polls_waiting')).toBe(0);
  });

  it('counts invites dropped by the per-user bound and invites the sweep finds expired', async () => {
    const clock = useFakeClock();
    const server = await start({
      env: { INVITE_MAX_PENDING_PER_USER: '1', INVITE_TTL_SECONDS: '60' },
      overrides: { clock },
    });
    const user = await server.userCredential(A);
    expect(
      (await call(server, 'PUT', `/users/${A}/endpoints/console`, user, { platform: 'Scarlett' })).status,
    ).toBe(201);

    expect((await send(server, [A])).status).toBe(204);
    expect((await send(server, [A])).status).toBe(204);
    clock.advance(61_000);
    await server.deps.store.sweep();

    const text = await scrape(server.url);
    expect(sample(text, 'invites_sent_total')).toBe(2);
    expect(sample(text, 'invites_dropped_total')).toBe(1);
    expect(sample(text, 'invites_expired_total')).toBe(1);
    expect(
      sample(text, 'store_operation_duration_seconds_count', { store: 'sqlite', operation: 'sweep' }),
    ).toBe(1);
  });

  it('counts a store failure as a store error and the 503 it causes as a 5xx of the operation', async () => {
    const failing: InviteDelivery = {
      deliver: async () => {
        throw new ServiceError('ServiceUnavailable', 'the invite store is unavailable');
      },
    };
    const server = await start({ overrides: { delivery: failing } });

    expect((await send(server, [A])).status).toBe(503);

    const text = await scrape(server.url);
    expect(sample(text, 'store_operation_errors_total', { store: 'injected', operation: 'deliver' })).toBe(1);
    expect(sample(text, 'http_requests_total', { operation: 'sendServerInvite', status_class: '5xx' })).toBe(
      1,
    );
    expect(sample(text, 'invites_sent_total')).toBe(0);
  });

  it('labels a long poll its client gave up on `aborted`, and a CORS preflight `preflight`', async () => {
    const server = await start({ env: { CORS_ORIGINS: 'https://portal.example.com' } });
    const user = await server.userCredential(A);
    expect(
      (await call(server, 'PUT', `/users/${A}/endpoints/console`, user, { platform: 'Scarlett' })).status,
    ).toBe(201);
    const gaveUp = new AbortController();

    const polling = fetch(`${server.url}/users/${A}/endpoints/console/invites?waitSeconds=30`, {
      headers: { authorization: user },
      signal: gaveUp.signal,
    });
    await vi.waitFor(async () => expect(sample(await scrape(server.url), 'long_polls_waiting')).toBe(1));
    gaveUp.abort();
    await expect(polling).rejects.toThrow();
    await fetch(`${server.url}/healthz`, {
      method: 'OPTIONS',
      headers: { origin: 'https://portal.example.com', 'access-control-request-method': 'GET' },
    });

    await vi.waitFor(async () => {
      const text = await scrape(server.url);
      expect(
        sample(text, 'http_requests_total', { operation: 'receiveInvites', status_class: 'aborted' }),
      ).toBe(1);
      expect(sample(text, 'long_polls_waiting')).toBe(0);
      expect(sample(text, 'http_requests_total', { operation: 'preflight', status_class: '2xx' })).toBe(1);
    });
  });

  it('leaves the start-up warm-up requests out of the request counts', async () => {
    const server = await start();

    const text = await scrape(server.url);

    // The scrape itself is answered before its own request is counted.
    expect(sample(text, 'http_requests_total', { operation: 'sendServerInvite', status_class: '2xx' })).toBe(
      0,
    );
    expect(text).not.toMatch(/^http_requests_total\{/m);
  });
});

describe('METRICS_PORT', () => {
  it('serves GET /metrics on that port only; the service port answers 404 NotFound', async () => {
    const server = await start({ env: { METRICS_PORT: '0' } });
    const metricsUrl = server.running.metricsUrl;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(server.url);
    expect((await send(server, [A])).status).toBe(204);

    const onServicePort = await call(server, 'GET', '/metrics');
    const text = await scrape(metricsUrl as string);

    expect(onServicePort.status).toBe(404);
    expect(onServicePort.json).toEqual({ errorCode: 'NotFound', debugMessage: 'no such resource' });
    expect(sample(text, 'http_requests_total', { operation: 'sendServerInvite', status_class: '2xx' })).toBe(
      1,
    );
    expect(sample(text, 'http_requests_total', { operation: 'getMetrics', status_class: '4xx' })).toBe(1);
    const elsewhere = await fetch(`${metricsUrl}/healthz`);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ errorCode: 'NotFound' });
    const post = await fetch(`${metricsUrl}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('closes with the service', async () => {
    const server = await start({ env: { METRICS_PORT: '0' } });
    const metricsUrl = server.running.metricsUrl as string;

    await server.running.shutdown();

    await expect(fetch(`${metricsUrl}/metrics`)).rejects.toThrow();
  });
});

describe('METRICS_ENABLED=false', () => {
  it('measures nothing and answers GET /metrics 404', async () => {
    const server = await start({ env: { METRICS_ENABLED: 'false' } });

    const response = await call(server, 'GET', '/metrics');

    expect(server.deps.metrics.enabled).toBe(false);
    expect(server.deps.metrics.exposition).toBeUndefined();
    // Nothing is wrapped: the store the service uses is the store itself.
    expect(server.deps.store).toBe(server.invites);
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ errorCode: 'NotFound' });
  });
});
