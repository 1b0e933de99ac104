import { startTestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitesClient, type InvitesClientOptions } from '../src/client.js';
import {
  AuthenticationError,
  AuthorizationError,
  NetworkError,
  NotFoundError,
  RequestValidationError,
  ThrottledError,
} from '../src/errors.js';
import { instantClock } from './support/fake-clock.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const TITLE_ID = 1827805096;
const OTHER_TITLE_ID = 1234;
// Throttling counts per sender and title: each test sends as its own sender.
let nextSender = 2533274792693551n;
const sender = () => String(nextSender++);
const invitee = '2814613569642996';

describe('the client against the real server', () => {
  let server: TestServer;
  let credential: string;
  beforeAll(async () => {
    server = await startTestServer();
    credential = await server.serviceCredential([TITLE_ID]);
  });
  afterAll(async () => {
    await server?.close();
  });

  const clientFor = (options: Partial<InvitesClientOptions> = {}) =>
    createInvitesClient({ baseUrl: server.url, credentials: credential, ...options });

  it('sends an invite with every optional field and resolves', async () => {
    await expect(
      clientFor().sendServerInvite(TITLE_ID, {
        invitedUsers: [invitee, '2814654783556735'],
        sender: sender(),
        connectionString: 'server=203.0.113.10:3074;session=7f3a9c',
        platform: 'XboxOne',
      }),
    ).resolves.toBeUndefined();
  });

  it('retries a send whose response was lost, and the server delivers it once: the retry carries the same Idempotency-Key', async () => {
    const receiver = '2814613569649001';
    const device = await server.userCredential(receiver);
    const registered = await fetch(`${server.url}/users/${receiver}/endpoints/console`, {
      method: 'PUT',
      headers: { authorization: device, 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'Scarlett' }),
    });
    expect(registered.status).toBe(201);
    let attempts = 0;
    const client = clientFor({
      clock: instantClock(),
      timeoutMs: Number.POSITIVE_INFINITY,
      // The first attempt reaches the server, which sends the invite; its answer is lost on the way back.
      fetch: async (input, init) => {
        attempts += 1;
        const response = await fetch(input, init);
        if (attempts > 1) return response;
        await response.arrayBuffer();
        throw Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
        });
      },
    });

    await client.sendServerInvite(TITLE_ID, {
      invitedUsers: [receiver],
      sender: sender(),
      connectionString: 'sent once',
    });

    expect(attempts).toBe(2);
    const pending = await server.invites.pending(receiver, 'console');
    expect(pending?.map((invite) => invite.connectionString)).toEqual(['sent once']);
  });

  it('rejects an out-of-range sender XUID with a RequestValidationError carrying the request id it sent', async () => {
    const error = await clientFor()
      .sendServerInvite(
        TITLE_ID,
        { invitedUsers: [invitee], sender: '18446744073709551616' },
        { requestId: 'client-it-1' },
      )
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'RequestValidationError',
      requestId: 'client-it-1',
    });
    expect((error as RequestValidationError).debugMessage).toMatch(/sender/);
  });

  it('lets the server reject a misspelt field that untyped code sends', async () => {
    const untyped = JSON.parse(
      `{"invitedUsers":["${invitee}"],"sender":"${sender()}","conectionString":"x"}`,
    );

    const error = await clientFor()
      .sendServerInvite(TITLE_ID, untyped)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).debugMessage).toMatch(/conectionString/);
  });

  it('rejects a credential for another title with an AuthorizationError and a request id the server made', async () => {
    const client = clientFor({ credentials: await server.serviceCredential([OTHER_TITLE_ID]) });

    const error = await client
      .sendServerInvite(TITLE_ID, { invitedUsers: [invitee], sender: sender() })
      .catch((e) => e);

    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'AuthorizationError',
      requestId: expect.any(String),
    });
  });

  it('rejects a user credential with an AuthorizationError', async () => {
    const client = clientFor({ credentials: await server.userCredential(sender()) });

    await expect(
      client.sendServerInvite(TITLE_ID, { invitedUsers: [invitee], sender: sender() }),
    ).rejects.toBeInstanceOf(AuthorizationError);
  });

  it('rejects a malformed credential with an AuthenticationError and its challenge', async () => {
    const client = clientFor({ credentials: 'XBL3.0 x=-;not-a-jwt' });

    const error = await client
      .sendServerInvite(TITLE_ID, { invitedUsers: [invitee], sender: sender() })
      .catch((e) => e);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, wwwAuthenticate: expect.stringMatching(/^XBL3\.0/) });
  });

  it('recovers from an expired credential by asking the credentials function for a fresh one', async () => {
    const expired = await server.serviceCredential([TITLE_ID], -3600);
    const asked: boolean[] = [];
    const client = clientFor({
      credentials: ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return forceRefresh ? credential : expired;
      },
    });

    await client.sendServerInvite(TITLE_ID, { invitedUsers: [invitee], sender: sender() });

    expect(asked).toEqual([false, true]);
  });

  it('rejects a wrong base path with a NotFoundError', async () => {
    const error = await clientFor({ baseUrl: `${server.url}/v2` })
      .sendServerInvite(TITLE_ID, { invitedUsers: [invitee], sender: sender() })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, errorCode: 'NotFound' });
  });
});

describe('the client against a real server that throttles at one invite per second', () => {
  let server: TestServer;
  let credential: string;
  beforeAll(async () => {
    server = await startTestServer({ throttle: { burst: { limit: 1, windowSeconds: 1 } } });
    credential = await server.serviceCredential([TITLE_ID]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('rejects the second invite in the window with a ThrottledError carrying Retry-After and the ThrottledEntity', async () => {
    const client = createInvitesClient({
      baseUrl: server.url,
      credentials: credential,
      retry: { maxAttempts: 1 },
    });
    const invite = { invitedUsers: [invitee], sender: sender() };
    await client.sendServerInvite(TITLE_ID, invite);

    const error = await client.sendServerInvite(TITLE_ID, invite).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ThrottledError);
    const throttled = error as ThrottledError;
    expect(throttled).toMatchObject({ status: 429, requestId: expect.any(String) });
    expect(throttled.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(throttled.retryAfterMs).toBeLessThanOrEqual(2_000);
    expect(throttled.throttledEntity).toMatchObject({
      version: 1,
      limitType: 'Rate',
      maxRequests: 1,
      periodInSeconds: 1,
    });
  });

  it('waits for Retry-After in real time and then succeeds', async () => {
    const client = createInvitesClient({
      baseUrl: server.url,
      credentials: credential,
      retry: { maxAttempts: 2 },
    });
    const invite = { invitedUsers: [invitee], sender: sender() };
    await client.sendServerInvite(TITLE_ID, invite);
    const started = Date.now();

    await client.sendServerInvite(TITLE_ID, invite);

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});

describe('the client when nothing listens', () => {
  it('retries a refused connection, which proves the invite was not sent, then rejects with a NetworkError', async () => {
    const server = await startTestServer();
    const { url } = server;
    await server.close();
    const clock = instantClock();
    let calls = 0;
    const client = createInvitesClient({
      baseUrl: url,
      credentials: 'XBL3.0 x=-;unused',
      retry: { maxAttempts: 2 },
      clock,
      timeoutMs: Number.POSITIVE_INFINITY,
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
    });

    const error = await client
      .sendServerInvite(TITLE_ID, { invitedUsers: [invitee], sender: sender() })
      .catch((e) => e);

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveReachedServer: false });
    expect(calls).toBe(2);
    expect(clock.sleeps).toHaveLength(1);
  });
});
