// The HTTP layer under hostile or broken input (issue 12): Node's own protocol errors as JSON, the
// configured timeouts, early 413, documentation paths that leave their folder, request ids,
// echoed input, in-flight pools per title, and credentials checked before the body is read.
// Statuses and codes of these cases are the conformance corpus's; the messages are tested here.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { buildDependencies } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import { loadContract } from '../../src/contract.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import { firstDeliveryHeld, gate } from '../support/gate.ts';
import { callInvite, TITLE_ID, validInvite } from '../support/invite-request.ts';
import { raw } from '../support/raw-http.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, headers: string[], body = '') =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\n${headers.map((header) => `${header}\r\n`).join('')}\r\n${body}`;

describe("Node's own protocol errors, as JSON ErrorResponse", () => {
  it('answers headers over the limit (64 KiB) with 431, a JSON body and a request id of its own', async () => {
    server = await startTestServer();
    const reply = await raw(server.url, [
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(65_536)}\r\n\r\n`,
    ]);
    expect(reply.status).toBe(431);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.body).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'the request headers are too large',
    });
  });

  it('answers Content-Length together with Transfer-Encoding with 400 and a JSON body', async () => {
    server = await startTestServer();
    const reply = await raw(server.url, [
      post(
        '/healthz',
        ['Content-Length: 5', 'Transfer-Encoding: chunked', 'Content-Type: application/json'],
        '0\r\n\r\n',
      ),
    ]);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'the request is not valid HTTP/1.1',
    });
  });
});

describe('timeouts, as configured', () => {
  const timeouts = { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' };

  it('answers headers not finished within HEADERS_TIMEOUT_MS with 408 RequestTimeout, within a second or two', async () => {
    server = await startTestServer({ env: timeouts });
    // Node's default check interval (30 s) would hold this connection far past the 5 s limit.
    const reply = await raw(server.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n'], 5000);
    expect(reply.status).toBe(408);
    expect(reply.body).toEqual({
      errorCode: 'RequestTimeout',
      debugMessage: 'the request was not received in time',
    });
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(900);
  });

  it('cuts a body not finished within REQUEST_TIMEOUT_MS, within a second or two', async () => {
    server = await startTestServer({ env: timeouts });
    const auth = await server.serviceCredential([TITLE_ID]);
    const reply = await raw(
      server.url,
      [
        post(
          `/titles/${TITLE_ID}/invites/server`,
          [`Authorization: ${auth}`, 'Content-Type: application/json', 'Content-Length: 100'],
          '{"invited',
        ),
      ],
      5000,
    );
    expect(reply.status).toBe(408);
    expect(reply.body).toEqual({
      errorCode: 'RequestTimeout',
      debugMessage: 'the request was not received in time',
    });
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(1900);
  });
});

describe('a declared body over the limit', () => {
  it('is refused with 413 at once, without waiting for the body, and the connection closed', async () => {
    server = await startTestServer();
    // No body follows: before, the server waited for it until the request timeout (15 s).
    const reply = await raw(
      server.url,
      [
        post(`/titles/${TITLE_ID}/invites/server`, [
          'Content-Type: application/json',
          'Content-Length: 1048576',
        ]),
      ],
      3000,
    );
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    expect(reply.body).toEqual({
      errorCode: 'PayloadTooLarge',
      debugMessage: 'the request body exceeds 16384 bytes',
    });
  });
});

describe('documentation assets', () => {
  it.each([
    '/docs/assets/%2e%2e/x',
    '/docs/assets/%2e%2e/%2e%2e/package.json',
    '/docs/assets/..%2fpackage.json',
  ])('answers %s with 404 NotFound as JSON and logs no error', async (path) => {
    const lines: { level: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    server = await startTestServer({ overrides: { logger } });
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errorCode: 'NotFound', debugMessage: 'no such resource' });
    expect(lines.filter((line) => line.level >= 50)).toStrictEqual([]);
  });
});

describe('X-Request-Id', () => {
  it('replaces a malformed id with one the service makes, and answers the request', async () => {
    server = await startTestServer();
    const auth = await server.serviceCredential([TITLE_ID]);
    const response = await callInvite(server.url, {
      authorization: auth,
      body: validInvite,
      headers: { 'x-request-id': 'has spaces' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a well-formed id', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers.get('x-request-id')).toBe('abc-123');
  });
});

describe('debugMessage and input the caller chose', () => {
  it('names an unknown body property by a short escaped prefix, never the whole name', async () => {
    server = await startTestServer();
    const auth = await server.serviceCredential([TITLE_ID]);
    const name = `${'p'.repeat(40)}${'x'.repeat(960)}`;
    const response = await callInvite(server.url, {
      authorization: auth,
      body: { ...validInvite, [name]: 1 },
    });
    expect(response.status).toBe(400);
    const message = String(response.body?.debugMessage);
    expect(message).toBe(`request/body/"${'p'.repeat(32)}…" must NOT have additional properties`);
  });

  it('escapes non-ASCII and control characters of a name', async () => {
    server = await startTestServer();
    const auth = await server.serviceCredential([TITLE_ID]);
    const response = await callInvite(server.url, {
      authorization: auth,
      body: { ...validInvite, '邀请\n': 1 },
    });
    expect(response.body?.debugMessage).toBe(
      'request/body/"\\u9080\\u8bf7\\u000a" must NOT have additional properties',
    );
  });

  it('quotes an unknown query parameter short', async () => {
    server = await startTestServer();
    const auth = await server.serviceCredential([TITLE_ID]);
    const response = await fetch(`${server.url}/titles/${TITLE_ID}/invites/server?${'q'.repeat(500)}=1`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(validInvite),
    });
    const body = (await response.json()) as { debugMessage: string };
    expect(response.status).toBe(400);
    expect(body.debugMessage.length).toBeLessThan(120);
    expect(body.debugMessage).not.toContain('q'.repeat(33));
  });
});

describe('credentials before the body', () => {
  it('answers 401 to an unauthenticated request whose body is not even JSON: the body is never parsed', async () => {
    server = await startTestServer();
    const response = await callInvite(server.url, { rawBody: '{"invitedUsers": [' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ errorCode: 'AuthenticationError' });
  });
});

describe('in-flight pools', () => {
  it('are per title: one title at its limit does not refuse another title of the same game-server subject', async () => {
    const held = gate();
    server = await startTestServer({
      throttle: { concurrencyPerCaller: 1 },
      overrides: { delivery: firstDeliveryHeld(held) },
    });
    // Development game-server tokens all carry the subject "game-server".
    const titleA = await server.serviceCredential([TITLE_ID]);
    const titleB = await server.serviceCredential([7]);
    const first = callInvite(server.url, { authorization: titleA, body: validInvite });
    await held.reached;
    expect((await callInvite(server.url, { authorization: titleA, body: validInvite })).status).toBe(429);
    expect(
      (await callInvite(server.url, { authorization: titleB, titleId: 7, body: validInvite })).status,
    ).toBe(204);
    held.open();
    expect((await first).status).toBe(204);
  });
});

describe('start-up', () => {
  it('refuses to build the app when an operation of the contract has no handler, naming its operationId', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: ':memory:' });
    const real = loadContract();
    const health = real.operations.find((operation) => operation.operationId === 'getHealth');
    if (!health) throw new Error('the contract has no getHealth');
    const contract = {
      ...real,
      operations: [...real.operations, { ...health, operationId: 'getStatus', pathTemplate: '/status' }],
    };
    const deps = await buildDependencies(config, { contract });
    expect(() => createApp(deps)).toThrow(/getStatus \(GET \/status\)/);
    deps.store.close();
  });
});
