// CORS on the service: preflights answered with the contract's methods and headers, responses
// readable by the page's script, credentials never allowed, nothing when CORS_ORIGINS is unset.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from '../../src/testing.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';

const ORIGIN = 'https://portal.example.com';
// The contract's request headers, and Prefer (the mock's, which a page written against it sends).
const ALLOWED_HEADERS =
  'Authorization,Content-Type,x-xbl-contract-version,X-Request-Id,Idempotency-Key,Last-Event-ID,Prefer';
// Every response header the contract documents, and Allow (405).
const EXPOSED_HEADERS =
  'X-Request-Id,RateLimit,RateLimit-Policy,WWW-Authenticate,Retry-After,Cache-Control,Allow';
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
    expect(response.headers.get('access-control-allow-headers')).toBe(ALLOWED_HEADERS);
    expect(response.headers.get('access-control-max-age')).toBe('600');
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
      expect(response.headers.get('access-control-expose-headers')).toBe(EXPOSED_HEADERS);
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

describe('Vary: Origin, with a list of origins', () => {
  it.each<[string, string, Record<string, string>, number]>([
    [
      'a refused preflight',
      'OPTIONS',
      { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'GET' },
      405,
    ],
    ['a request from a refused origin', 'GET', { Origin: 'https://evil.example.com' }, 200],
    ['a request without Origin', 'GET', {}, 200],
    ['a request from the listed origin', 'GET', { Origin: ORIGIN }, 200],
  ])(
    'is on %s, whose answer a cache must not give another origin',
    async (_name, method, headers, status) => {
      const server = await start(ORIGIN);

      const response = await fetch(`${server.url}/healthz`, { method, headers });

      expect(response.status).toBe(status);
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/);
      expect(response.headers.get('access-control-allow-origin')).toBe(
        headers.Origin === ORIGIN ? ORIGIN : null,
      );
    },
  );
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
