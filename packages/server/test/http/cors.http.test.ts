// CORS on the service: preflights answered with the contract's methods and headers, responses
// readable by the page's script, credentials never allowed, nothing when CORS_ORIGINS is unset.
import { afterEach, describe, expect, it } from 'vitest';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS, CORS_MAX_AGE_SECONDS } from '../../src/http/cors.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../../src/testing.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';

const ORIGIN = 'https://portal.example.com';
const INVITE_PATH = `/titles/${TITLE_ID}/invites/server`;

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function start(corsOrigins?: string, throttle?: TestServerOptions['throttle']) {
  const server = await startTestServer({
    ...(corsOrigins !== undefined && { env: { CORS_ORIGINS: corsOrigins } }),
    ...(throttle && { throttle }),
  });
  servers.push(server);
  return server;
}

const preflight = (server: TestServer, path: string, method: string, origin = ORIGIN) =>
  fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers':
        'authorization,content-type,x-request-id,x-xbl-contract-version,idempotency-key',
    },
  });

describe('CORS_ORIGINS listing the page origin', () => {
  it('answers a preflight 204 with the origin, the methods, the headers and a max age, and no credentials', async () => {
    const server = await start(ORIGIN);

    const response = await preflight(server, INVITE_PATH, 'POST');

    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,DELETE');
    expect(response.headers.get('access-control-allow-headers')).toBe(CORS_ALLOWED_HEADERS.join(','));
    expect(response.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/Origin/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('exposes the throttling headers and the request id on a real answer, errors included', async () => {
    const server = await start(ORIGIN, { burst: { limit: 1, windowSeconds: 60 } });
    const authorization = await server.serviceCredential([TITLE_ID]);
    const headers = { origin: ORIGIN };

    const sent = await callInvite(server.url, {
      authorization,
      headers,
      body: { invitedUsers: [SENDER], sender: SENDER },
    });
    const throttled = await callInvite(server.url, {
      authorization,
      headers,
      body: { invitedUsers: [SENDER], sender: SENDER },
    });
    const invalid = await callInvite(server.url, {
      authorization,
      headers,
      body: { invitedUsers: [], sender: SENDER },
    });

    expect([sent.status, throttled.status, invalid.status]).toEqual([204, 429, 400]);
    for (const response of [sent, throttled, invalid]) {
      expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(response.headers.get('access-control-expose-headers')).toBe(CORS_EXPOSED_HEADERS.join(','));
    }
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('still answers an OPTIONS that is not a preflight 405 MethodNotAllowed', async () => {
    const server = await start(ORIGIN);

    const response = await fetch(`${server.url}${INVITE_PATH}`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN },
    });

    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ errorCode: 'MethodNotAllowed' });
  });
});

describe('CORS_ORIGINS=*', () => {
  it('allows any origin with `*`, and still never allows credentials', async () => {
    const server = await start('*');

    const response = await preflight(
      server,
      '/users/2814613569642996/endpoints/phone',
      'PUT',
      'http://anything.test',
    );

    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    // `*` in Allow-Headers would not cover Authorization: it is named.
    expect(response.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
