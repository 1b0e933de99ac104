// The edges of HTTP and of the contract that outside testers found (issue 23): bytes after a
// request, numbers that overflow, bodies that are not UTF-8, bodies sent where no operation is,
// query strings on probes, HEAD, requests Node's parser passes on or refuses without a word
// (no Host, an unsupported Expect, CONNECT, a transfer coding other than chunked), charsets, and
// endpoint ids URL resolution removes. Statuses and codes are also in the conformance corpus
// (packages/conformance/cases/hostile.ts); the messages, the log lines and what is stored are
// tested here.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing.ts';
import { callInvite, INVITEE, SENDER, TITLE_ID, validInvite } from '../support/invite-request.ts';
import { raw } from '../support/raw-http.ts';
import { trackedTestServers } from '../support/test-servers.ts';

const start = trackedTestServers();
const INVITE_PATH = `/titles/${TITLE_ID}/invites/server`;
const validJson = JSON.stringify(validInvite);

interface LogLine {
  level: number;
  msg: string;
  req?: { id?: string; method?: string };
  res?: { statusCode?: number };
}

/** A server whose log lines the test reads. */
async function startLogged(): Promise<{ server: TestServer; lines: LogLine[] }> {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { server: await start({ overrides: { logger } }), lines };
}

/** Registers an endpoint of the invitee, so that a sent invite is stored (and can be counted). */
async function inviteeEndpoint(server: TestServer): Promise<() => Promise<number>> {
  const authorization = await server.userCredential(INVITEE);
  const registered = await fetch(`${server.url}/users/${INVITEE}/endpoints/console`, {
    method: 'PUT',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'Scarlett' }),
  });
  expect(registered.status).toBe(201);
  return async () => (await server.invites.pendingFor(INVITEE)).length;
}

const sendHead = (authorization: string, lines: string[]) =>
  `POST ${INVITE_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\n` +
  'Content-Type: application/json\r\n' +
  lines.map((line) => `${line}\r\n`).join('') +
  '\r\n';

describe('bytes after a request the service answers', () => {
  it.each([
    ['after a request sent with Connection: close', 'HTTP/1.1', ['Connection: close'], 'XYZ'],
    ['after an HTTP/1.0 request without keep-alive', 'HTTP/1.0', [], 'X'],
    ['that are a malformed request pipelined behind a keep-alive one', 'HTTP/1.1', [], 'NOT HTTP\r\n\r\n'],
  ])(
    'never change its answer: bytes %s leave the 204 of the delivered invite, then the connection closes',
    async (_name, version, lines, trailing) => {
      const server = await start();
      const pending = await inviteeEndpoint(server);
      const authorization = await server.serviceCredential([TITLE_ID]);
      const head = sendHead(authorization, [...lines, `Content-Length: ${validJson.length}`]).replace(
        'HTTP/1.1',
        version,
      );

      const reply = await raw(server.url, [`${head}${validJson}${trailing}`]);

      expect(reply.status).toBe(204);
      expect(reply.headers['x-request-id']).toBeTruthy();
      expect(await pending()).toBe(1);
    },
  );

  it('still answers a malformed request on its own with 400 as JSON', async () => {
    const server = await start();
    const reply = await raw(server.url, ['NOT HTTP\r\n\r\n']);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'the request is not valid HTTP/1.1',
    });
  });
});

describe('integer parameters beyond any bound', () => {
  const digits = '9'.repeat(400);

  it('refuses a title id of 400 digits with the range error, not as title Infinity', async () => {
    const server = await start();
    const response = await callInvite(server.url, {
      titleId: digits,
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'request/params/titleId must be <= 4294967295',
    });
  });

  it('refuses an x-xbl-contract-version of 400 digits (only 1 exists)', async () => {
    const server = await start();
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
      headers: { 'x-xbl-contract-version': '1'.repeat(400) },
    });
    expect(response.status).toBe(400);
    expect(response.body?.debugMessage).toBe('request/headers/x-xbl-contract-version must be <= 1');
  });

  it('refuses a waitSeconds of 400 digits at once, instead of an immediate answer and a TimeoutOverflowWarning', async () => {
    const server = await start();
    const authorization = await server.userCredential(INVITEE);
    await inviteeEndpoint(server);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const response = await fetch(
        `${server.url}/users/${INVITEE}/endpoints/console/invites?waitSeconds=${digits}`,
        { headers: { authorization } },
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errorCode: 'RequestValidationError',
        debugMessage: 'request/query/waitSeconds must be <= 30',
      });
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
  });

  it.each([
    ['titleId', { titleId: '-0' }, 'request/params/titleId'],
    [
      'x-xbl-contract-version',
      { headers: { 'x-xbl-contract-version': '-0' } },
      'request/headers/x-xbl-contract-version',
    ],
  ])('refuses -0 as %s: zero is written 0', async (_name, call, where) => {
    const server = await start();
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([0, TITLE_ID]),
      body: validInvite,
      ...call,
    });
    expect(response.status).toBe(400);
    expect(response.body?.debugMessage).toBe(`${where} must be an integer written in base 10`);
  });

  it('refuses waitSeconds=-0', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/users/${INVITEE}/endpoints/console/invites?waitSeconds=-0`, {
      headers: { authorization: await server.userCredential(INVITEE) },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { debugMessage: string }).debugMessage).toBe(
      'request/query/waitSeconds must be an integer written in base 10',
    );
  });
});

describe('bodies that are not UTF-8', () => {
  it('refuses a connection string holding invalid UTF-8 bytes with 415, and delivers nothing altered', async () => {
    const server = await start();
    const pending = await inviteeEndpoint(server);
    const body = Buffer.concat([
      Buffer.from(`{"invitedUsers":["${INVITEE}"],"sender":"${SENDER}","connectionString":"a`),
      Buffer.from([0xc3, 0x28, 0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    const response = await fetch(`${server.url}${INVITE_PATH}`, {
      method: 'POST',
      headers: {
        authorization: await server.serviceCredential([TITLE_ID]),
        'content-type': 'application/json',
      },
      body,
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      errorCode: 'UnsupportedMediaType',
      debugMessage: 'the request body is not valid UTF-8',
    });
    expect(await pending()).toBe(0);
  });

  it.each(['utf-8', 'utf8', 'UTF-8', 'UTF8', '"utf-8"'])('accepts charset=%s', async (charset) => {
    const server = await start();
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
      headers: { 'content-type': `application/json; charset=${charset}` },
    });
    expect(response.status).toBe(204);
  });

  it.each(['latin1', 'utf-16', 'utf-8x'])('refuses charset=%s with 415', async (charset) => {
    const server = await start();
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
      headers: { 'content-type': `application/json; charset=${charset}` },
    });
    expect(response.status).toBe(415);
    expect(response.body?.debugMessage).toBe('the request body must be encoded in UTF-8');
  });
});

describe('requests that name no operation', () => {
  it.each([
    ['POST /nope with a broken JSON body', 'POST', '/nope', 'application/json', '{', 404],
    ['POST /nope with an XML body', 'POST', '/nope', 'application/xml', '<x/>', 404],
    ['PUT on the send path with a broken JSON body', 'PUT', INVITE_PATH, 'application/json', '{', 405],
  ])(
    'answer %s by their path and method, without reading the body, and close the connection',
    async (_name, method, path, type, body, status) => {
      const server = await start();
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': type },
        body,
      });
      expect(response.status).toBe(status);
      expect(((await response.json()) as { errorCode: string }).errorCode).toBe(
        status === 404 ? 'NotFound' : 'MethodNotAllowed',
      );
      expect(response.headers.get('connection')).toBe('close');
    },
  );
});

describe('probes and documentation', () => {
  it.each(['/healthz', '/readyz', '/metrics', '/openapi.yaml', '/docs'])(
    'ignore a query string: %s?x=1 answers 200',
    async (path) => {
      const server = await start();
      const response = await fetch(`${server.url}${path}?x=1&cache-buster=${'b'.repeat(100)}`);
      expect(response.status).toBe(200);
    },
  );

  it('an operation with parameters of its own still refuses one it does not declare', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/users/${INVITEE}/endpoints/console/invites?x=1`, {
      headers: { authorization: await server.userCredential(INVITEE) },
    });
    expect(response.status).toBe(400);
  });
});

describe('HEAD', () => {
  it.each(['/healthz', '/readyz', '/metrics', '/openapi.yaml', '/docs'])(
    'answers HEAD %s as its GET, without the body',
    async (path) => {
      const server = await start();
      const get = await fetch(`${server.url}${path}`);
      const getBody = await get.arrayBuffer();
      const head = await fetch(`${server.url}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
      expect(head.headers.get('x-request-id')).toBeTruthy();
      // /metrics changes between two scrapes; the others are the same document.
      if (path !== '/metrics') expect(head.headers.get('content-length')).toBe(String(getBody.byteLength));
    },
  );

  it('answers HEAD on receiveInvites with its credential checked, as its GET', async () => {
    const server = await start();
    await inviteeEndpoint(server);
    const path = `${server.url}/users/${INVITEE}/endpoints/console/invites`;
    const head = await fetch(path, {
      method: 'HEAD',
      headers: { authorization: await server.userCredential(INVITEE) },
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(path, { method: 'HEAD' })).status).toBe(401);
  });

  it('is not allowed where GET is not (405, Allow: POST), and Allow lists it where GET is', async () => {
    const server = await start();
    const head = await fetch(`${server.url}${INVITE_PATH}`, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
    const put = await fetch(`${server.url}/healthz`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('what HTTP refuses, as JSON with a request id and one log line', () => {
  it.each([
    [
      'an HTTP/1.1 request without Host',
      'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n',
      400,
      { errorCode: 'RequestValidationError', debugMessage: 'an HTTP/1.1 request needs a Host header' },
    ],
    [
      'Expect: 200-ok',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n',
      417,
      {
        errorCode: 'RequestValidationError',
        debugMessage: 'the only expectation this service meets is 100-continue',
      },
    ],
    [
      'CONNECT',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      501,
      {
        errorCode: 'RequestValidationError',
        debugMessage: 'CONNECT is not supported: this service is not a proxy',
      },
    ],
  ])('answers %s', async (_name, request, status, body) => {
    const { server, lines } = await startLogged();
    const reply = await raw(server.url, [request]);
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toEqual(body);
    const id = reply.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => lines.filter((line) => line.req?.id === id)).toHaveLength(1);
    expect(lines.find((line) => line.req?.id === id)).toMatchObject({
      level: 30,
      res: { statusCode: status },
    });
  });

  it('answers an HTTP/1.0 request without Host as usual (Host is HTTP/1.1)', async () => {
    const server = await start();
    const reply = await raw(server.url, ['GET /healthz HTTP/1.0\r\n\r\n']);
    expect(reply.status).toBe(200);
  });

  it('refuses Transfer-Encoding: gzip, chunked with 501, stores nothing, and logs it as a refusal, not an error', async () => {
    const { server, lines } = await startLogged();
    const pending = await inviteeEndpoint(server);
    const authorization = await server.serviceCredential([TITLE_ID]);
    const reply = await raw(server.url, [
      sendHead(authorization, ['Transfer-Encoding: gzip, chunked']) +
        `${validJson.length.toString(16)}\r\n${validJson}\r\n0\r\n\r\n`,
    ]);
    expect(reply.status).toBe(501);
    expect(reply.body).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'the only transfer coding this service reads is chunked',
    });
    expect(await pending()).toBe(0);
    const line = lines.find((entry) => entry.req?.id === reply.headers['x-request-id']);
    expect(line).toMatchObject({ level: 30, msg: 'request completed' });
  });
});

describe('endpoint ids that URL resolution removes', () => {
  it.each(['.', '..', '%2e', '%2E%2e'])(
    'refuses %s (sent raw: fetch would resolve it away) with 400',
    async (id) => {
      const server = await start();
      const authorization = await server.userCredential(INVITEE);
      const body = '{"platform":"Android"}';
      const reply = await raw(server.url, [
        `PUT /users/${INVITEE}/endpoints/${id} HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      ]);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ errorCode: 'RequestValidationError' });
    },
  );

  it.each(['...', '.a', '..a', 'a.', '...a'])('accepts %s, which no URL resolution changes', async (id) => {
    const server = await start();
    const response = await fetch(`${server.url}/users/${INVITEE}/endpoints/${id}`, {
      method: 'PUT',
      headers: { authorization: await server.userCredential(INVITEE), 'content-type': 'application/json' },
      body: '{"platform":"Android"}',
    });
    expect(response.status).toBe(201);
  });
});
