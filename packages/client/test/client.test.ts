import { describe, expect, it } from 'vitest';
import { type CredentialsContext, createInvitesClient, type InvitesClientOptions } from '../src/client.js';
import {
  ApiError,
  AuthenticationError,
  AuthorizationError,
  IdempotencyKeyInProgressError,
  IdempotencyKeyReusedError,
  InvitesClientError,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RequestValidationError,
  ServerError,
  ThrottledError,
  TimeoutError,
  UnsupportedMediaTypeError,
} from '../src/errors.js';
import type { SendServerInviteRequest } from '../src/generated/models/index.js';
import { FakeClock } from './support/fake-clock.js';
import { type FakeFetch, fakeFetch, fetchFailure, type Reply, reply } from './support/fake-fetch.js';

const BASE_URL = 'https://invites.test';
const TITLE_ID = 1827805096;
const CREDENTIAL = 'XBL3.0 x=-;service-token';
const INVITE: SendServerInviteRequest = { invitedUsers: ['2814613569642996'], sender: '2533274792693551' };
const REQUEST_ID = 'req-42';

const throttled = (retryAfter?: string) =>
  reply.json(
    429,
    { version: 1, currentRequests: 8, maxRequests: 7, periodInSeconds: 15, limitType: 'Rate' },
    { 'X-Request-Id': REQUEST_ID, ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }) },
  );
const failed = (status: number, errorCode: string, headers: Record<string, string> = {}) =>
  reply.json(
    status,
    { errorCode, debugMessage: `${errorCode} happened` },
    { 'X-Request-Id': REQUEST_ID, ...headers },
  );

/** A client on a fake fetch and a fake clock, with jitter fixed at half its span and no deadline. */
function setup(replies: Reply[], options: Partial<InvitesClientOptions> = {}) {
  const fetch = fakeFetch(...replies);
  const clock = new FakeClock();
  const client = createInvitesClient({
    baseUrl: BASE_URL,
    credentials: CREDENTIAL,
    fetch,
    clock,
    random: () => 0.5,
    timeoutMs: Number.POSITIVE_INFINITY,
    ...options,
  });
  const send = (invite = INVITE, signal?: AbortSignal) =>
    clock.settle(client.sendServerInvite(TITLE_ID, invite, signal ? { signal } : {}));
  return { fetch, clock, client, send };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call resolved'),
    (error: unknown) => error,
  );
}

const authorizationsSent = (fetch: FakeFetch) => fetch.requests.map((r) => r.headers.get('Authorization'));
const keysSent = (fetch: FakeFetch) => fetch.requests.map((r) => r.headers.get('Idempotency-Key'));
/** A random UUID (version 4), quoted as the draft's Structured Field string. */
const KEY_HEADER = /^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$/;

describe('sendServerInvite, when a 2xx is not the documented 204 without a body', () => {
  it.each([
    [
      'a 200 with an HTML page (a proxy, or another server at a wrong baseUrl)',
      reply.text(200, '<html>portal</html>'),
      200,
      'HTTP 200 with an unexpected body: <html>portal</html>',
    ],
    ['a 200 with JSON', reply.json(200, { ok: true }), 200, 'HTTP 200 with an unexpected body: {"ok":true}'],
    [
      'a 200 without a body',
      reply.text(200, ''),
      200,
      'HTTP 200 without a body, which the contract does not document here',
    ],
    [
      'a 202 without a body',
      reply.text(202, ''),
      202,
      'HTTP 202 without a body, which the contract does not document here',
    ],
  ])('rejects %s with an ApiError UnexpectedResponse, sent once', async (_, answer, status, debugMessage) => {
    const { fetch, send } = setup([answer, reply.noContent()]);

    const error = await rejection(send());

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status, errorCode: 'UnexpectedResponse', debugMessage });
    // Not retried: the invite may have reached the service behind whatever answered.
    expect(fetch.requests).toHaveLength(1);
  });
});

describe('sendServerInvite, when the server accepts the invite', () => {
  it('resolves to undefined after one POST of the invite as JSON with the credential and the contract version', async () => {
    const { fetch, send } = setup([reply.noContent()]);

    await expect(send()).resolves.toBeUndefined();

    expect(fetch.requests).toHaveLength(1);
    const [request] = fetch.requests;
    expect(request).toMatchObject({
      url: `${BASE_URL}/titles/${TITLE_ID}/invites/server`,
      method: 'POST',
      body: INVITE,
    });
    expect(Object.fromEntries(request?.headers ?? [])).toEqual({
      authorization: CREDENTIAL,
      'content-type': 'application/json',
      'x-xbl-contract-version': '1',
      'idempotency-key': expect.stringMatching(KEY_HEADER),
    });
  });

  it('sends every optional field, and the platform as one of the contract values', async () => {
    const { fetch, send } = setup([reply.noContent()]);
    const full: SendServerInviteRequest = {
      ...INVITE,
      connectionString: 'server=203.0.113.10:3074',
      platform: 'XboxOne',
    };

    await send(full);

    expect(fetch.requests[0]?.body).toEqual(full);
  });

  it('sends the invite as given, so that the server can reject a misspelt field from untyped code', async () => {
    const { fetch, send } = setup([reply.noContent()]);
    const untyped = JSON.parse(
      '{"invitedUsers":["1"],"sender":"2","conectionString":"typo"}',
    ) as SendServerInviteRequest;

    await send(untyped);

    expect(fetch.requests[0]?.body).toEqual({ invitedUsers: ['1'], sender: '2', conectionString: 'typo' });
  });

  it('keeps a path prefix of baseUrl and ignores its trailing slashes', async () => {
    const { fetch, send } = setup([reply.noContent()], { baseUrl: `${BASE_URL}/multiplayer//` });

    await send();

    expect(fetch.requests[0]?.url).toBe(`${BASE_URL}/multiplayer/titles/${TITLE_ID}/invites/server`);
  });

  it('sends the caller-chosen request id with every attempt', async () => {
    const { fetch, clock, client } = setup([throttled('1'), reply.noContent()]);

    await clock.settle(client.sendServerInvite(TITLE_ID, INVITE, { requestId: REQUEST_ID }));

    expect(fetch.requests.map((r) => r.headers.get('X-Request-Id'))).toEqual([REQUEST_ID, REQUEST_ID]);
  });

  it('uses the global fetch when none is given', async () => {
    const client = createInvitesClient({
      baseUrl: 'http://127.0.0.1:1',
      credentials: CREDENTIAL,
      retry: { maxAttempts: 1 },
    });

    // Port 1 is one fetch refuses to contact: the failure proves the global fetch was called.
    const error = await rejection(client.sendServerInvite(TITLE_ID, INVITE));

    expect(error).toBeInstanceOf(NetworkError);
  });
});

describe('sendServerInvite, when the server answers an error', () => {
  it.each([
    {
      answer: '400 RequestValidationError',
      reply: failed(400, 'RequestValidationError'),
      type: RequestValidationError,
    },
    { answer: '400 AuthorizationError', reply: failed(400, 'AuthorizationError'), type: AuthorizationError },
    { answer: '401', reply: failed(401, 'AuthenticationError'), type: AuthenticationError },
    { answer: '404', reply: failed(404, 'NotFound'), type: NotFoundError },
    { answer: '405', reply: failed(405, 'MethodNotAllowed'), type: MethodNotAllowedError },
    { answer: '413', reply: failed(413, 'PayloadTooLarge'), type: PayloadTooLargeError },
    { answer: '415', reply: failed(415, 'UnsupportedMediaType'), type: UnsupportedMediaTypeError },
    { answer: '429', reply: throttled('12'), type: ThrottledError },
    { answer: '500', reply: failed(500, 'InternalServerError'), type: ServerError },
    { answer: '503', reply: failed(503, 'ServiceUnavailable'), type: ServerError },
  ])(
    'rejects a $answer as $type.name, carrying the response request id, after one request',
    async ({ reply: answer, type }) => {
      const { fetch, send } = setup([answer], { retry: { maxAttempts: 1 } });

      const error = await rejection(send());

      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ requestId: REQUEST_ID });
      expect(fetch.requests).toHaveLength(1);
    },
  );

  it.each([
    301, 400, 401, 402, 403, 404, 405, 408, 409, 413, 415, 418, 422, 429, 500, 501, 502, 503, 504, 599,
  ])(
    'never lets a raw Response escape: a %i with a garbled body rejects with an InvitesClientError',
    async (status) => {
      const { send } = setup([reply.text(status, '<<garbled>>')], { retry: { maxAttempts: 1 } });

      const error = await rejection(send());

      expect(error).toBeInstanceOf(InvitesClientError);
      expect(error).toMatchObject({
        status,
        debugMessage: `HTTP ${status} with an unexpected body: <<garbled>>`,
      });
      expect(Object.values(error as object).some((value) => value instanceof Response)).toBe(false);
    },
  );

  it('rejects a ThrottledError with the typed ThrottledEntity and the Retry-After wait', async () => {
    const { send } = setup([throttled('12')], { retry: { maxAttempts: 1 } });

    const error = await rejection(send());

    expect(error).toBeInstanceOf(ThrottledError);
    const { retryAfterMs, throttledEntity } = error as ThrottledError;
    expect({ retryAfterMs, limitType: throttledEntity?.limitType }).toEqual({
      retryAfterMs: 12_000,
      limitType: 'Rate',
    });
  });
});

describe('sendServerInvite retries', () => {
  it('waits Retry-After seconds plus jitter after a 429, then succeeds', async () => {
    const { fetch, clock, send } = setup([throttled('2'), reply.noContent()]);

    await send();

    expect(clock.sleeps).toEqual([2_500]);
    expect(fetch.requests).toHaveLength(2);
  });

  it('waits until a Retry-After HTTP date, plus jitter, after a 429', async () => {
    const inSevenSeconds = new Date(FakeClock.START + 7_000).toUTCString();
    const { fetch, clock, send } = setup([throttled(inSevenSeconds), reply.noContent()]);

    await send();

    expect(clock.sleeps).toEqual([7_500]);
    expect(fetch.requests).toHaveLength(2);
  });

  it('waits for the Retry-After of a 503, then succeeds', async () => {
    const { clock, send } = setup([
      failed(503, 'ServiceUnavailable', { 'Retry-After': '5' }),
      reply.noContent(),
    ]);

    await send();

    expect(clock.sleeps).toEqual([5_500]);
  });

  it('backs off exponentially with jitter, capped by maxDelayMs, when the server gives no Retry-After', async () => {
    const unavailable = failed(503, 'ServiceUnavailable');
    const { clock, send } = setup([unavailable, unavailable, unavailable, unavailable, reply.noContent()], {
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 300 },
    });

    await send();

    expect(clock.sleeps).toEqual([75, 150, 225, 225]);
  });

  it('does not retry early when Retry-After exceeds maxDelayMs: it rejects at once with the wait asked for', async () => {
    const { fetch, clock, send } = setup([throttled('300')], { retry: { maxDelayMs: 30_000 } });

    const error = await rejection(send());

    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ retryAfterMs: 300_000 });
    expect(fetch.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('never waits longer than maxDelayMs, even with jitter', async () => {
    const { clock, send } = setup([throttled('30'), reply.noContent()], {
      retry: { maxDelayMs: 30_000 },
      random: () => 0.99,
    });

    await send();

    expect(clock.sleeps).toEqual([30_000]);
  });

  it('rejects with the last ThrottledError after maxAttempts requests', async () => {
    const { fetch, clock, send } = setup([throttled('1'), throttled('1'), throttled('1')], {
      retry: { maxAttempts: 3 },
    });

    const error = await rejection(send());

    expect(error).toBeInstanceOf(ThrottledError);
    expect(fetch.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([1_500, 1_500]);
  });

  it('does not retry at all with maxAttempts 1', async () => {
    const { fetch, send } = setup([throttled('1')], { retry: { maxAttempts: 1 } });

    await expect(send()).rejects.toBeInstanceOf(ThrottledError);

    expect(fetch.requests).toHaveLength(1);
  });

  it.each([
    ['a 400', failed(400, 'RequestValidationError'), RequestValidationError],
    ['a 400 AuthorizationError', failed(400, 'AuthorizationError'), AuthorizationError],
    ['a 413', failed(413, 'PayloadTooLarge'), PayloadTooLargeError],
    ['a 404', failed(404, 'NotFound'), NotFoundError],
  ])('never retries %s, even when the caller opts in to unsafe retries', async (_, answer, type) => {
    const { fetch, send } = setup([answer], { retry: { retryWhenDeliveryUnknown: true } });

    await expect(send()).rejects.toBeInstanceOf(type);

    expect(fetch.requests).toHaveLength(1);
  });

  it.each([
    ['a 500', failed(500, 'InternalServerError')],
    ['a 502', reply.text(502, 'Bad Gateway')],
    ['a 504', reply.text(504, 'Gateway Timeout')],
    ['a reset connection', fetchFailure('ECONNRESET')],
    ["a browser's opaque network failure", new TypeError('Failed to fetch')],
  ])(
    'retries %s, after which the invite may have been sent, with the same Idempotency-Key',
    async (_, answer) => {
      const { fetch, send } = setup([answer, reply.noContent()]);

      await send();

      expect(fetch.requests).toHaveLength(2);
      const [first, second] = keysSent(fetch);
      expect(first).toMatch(KEY_HEADER);
      expect(second).toBe(first);
    },
  );

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])(
    'retries a network failure that proves the request was never sent (%s)',
    async (code) => {
      const { fetch, clock, send } = setup([fetchFailure(code), reply.noContent()]);

      await send();

      expect(fetch.requests).toHaveLength(2);
      expect(clock.sleeps).toEqual([375]);
    },
  );

  it('rejects with a NetworkError carrying the code, the cause and the request id once the attempts run out', async () => {
    const refused = fetchFailure('ECONNREFUSED');
    const { fetch, client, clock } = setup([refused, refused], { retry: { maxAttempts: 2 } });

    const error = await rejection(
      clock.settle(client.sendServerInvite(TITLE_ID, INVITE, { requestId: REQUEST_ID })),
    );

    expect(fetch.requests).toHaveLength(2);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      code: 'ECONNREFUSED',
      mayHaveReachedServer: false,
      requestId: REQUEST_ID,
      cause: refused,
    });
  });
});

describe('sendServerInvite with an Idempotency-Key', () => {
  it('sends a key of its own with every call, another for each call', async () => {
    const { fetch, send } = setup([reply.noContent(), reply.noContent()]);

    await send();
    await send();

    const [first, second] = keysSent(fetch);
    expect(first).toMatch(KEY_HEADER);
    expect(second).toMatch(KEY_HEADER);
    expect(second).not.toBe(first);
  });

  it("sends the caller's key, quoted, with every attempt", async () => {
    const { fetch, clock, client } = setup([failed(503, 'ServiceUnavailable'), reply.noContent()]);

    await clock.settle(
      client.sendServerInvite(TITLE_ID, INVITE, { idempotencyKey: 'match-7f3a9c:invite-1' }),
    );

    expect(keysSent(fetch)).toEqual(['"match-7f3a9c:invite-1"', '"match-7f3a9c:invite-1"']);
  });

  it.each([
    ['an empty key', ''],
    ['a key with a space', 'two words'],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a quoted key (the client quotes it)', '"quoted"'],
  ])('rejects %s with a TypeError, sending nothing', async (_, idempotencyKey) => {
    const { fetch, client } = setup([]);

    await expect(client.sendServerInvite(TITLE_ID, INVITE, { idempotencyKey })).rejects.toThrow(TypeError);

    expect(fetch.requests).toEqual([]);
  });

  it('waits Retry-After after a 409 (an earlier attempt still in flight), then gets its answer with the same key', async () => {
    const { fetch, clock, send } = setup([
      failed(409, 'IdempotencyKeyInProgress', { 'Retry-After': '2' }),
      reply.noContent(),
    ]);

    await send();

    expect(clock.sleeps).toEqual([2500]);
    const [first, second] = keysSent(fetch);
    expect(second).toBe(first);
  });

  it('rejects a 422 (the key was used for another invite) with an IdempotencyKeyReusedError, without retrying', async () => {
    const { fetch, send } = setup([failed(422, 'IdempotencyKeyReused'), reply.noContent()]);

    const error = await rejection(send());

    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect(error).toMatchObject({ status: 422, errorCode: 'IdempotencyKeyReused' });
    expect(fetch.requests).toHaveLength(1);
  });

  it('rejects a 409 that outlasts the attempts with an IdempotencyKeyInProgressError and its wait', async () => {
    const busy = failed(409, 'IdempotencyKeyInProgress', { 'Retry-After': '1' });
    const { send } = setup([busy, busy, busy]);

    const error = await rejection(send());

    expect(error).toBeInstanceOf(IdempotencyKeyInProgressError);
    expect(error).toMatchObject({ status: 409, retryAfterMs: 1000 });
  });
});

describe('sendServerInvite with a credentials function', () => {
  it('asks for a fresh credential after a 401 and retries once, without spending an attempt', async () => {
    const asked: boolean[] = [];
    const credentials = async ({ forceRefresh }: CredentialsContext) => {
      asked.push(forceRefresh);
      return forceRefresh ? 'XBL3.0 x=-;fresh' : 'XBL3.0 x=-;stale';
    };
    const { fetch, clock, send } = setup([failed(401, 'AuthenticationError'), reply.noContent()], {
      credentials,
      retry: { maxAttempts: 1 },
    });

    await send();

    expect(asked).toEqual([false, true]);
    expect(authorizationsSent(fetch)).toEqual(['XBL3.0 x=-;stale', 'XBL3.0 x=-;fresh']);
    expect(clock.sleeps).toEqual([]);
  });

  it('rejects with the AuthenticationError when the fresh credential is refused too', async () => {
    const { fetch, send } = setup([failed(401, 'AuthenticationError'), failed(401, 'AuthenticationError')], {
      credentials: () => 'XBL3.0 x=-;token',
      retry: { maxAttempts: 5 },
    });

    const error = await rejection(send());

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(fetch.requests).toHaveLength(2);
  });

  it('asks with forceRefresh only right after the 401, not on later retries', async () => {
    const asked: boolean[] = [];
    const { send } = setup([failed(401, 'AuthenticationError'), throttled('1'), reply.noContent()], {
      credentials: ({ forceRefresh }) => {
        asked.push(forceRefresh);
        return 'XBL3.0 x=-;token';
      },
    });

    await send();

    expect(asked).toEqual([false, true, false]);
  });

  it('rejects a 401 at once when the credential is a fixed string, which cannot be refreshed', async () => {
    const { fetch, send } = setup([failed(401, 'AuthenticationError'), reply.noContent()]);

    await expect(send()).rejects.toBeInstanceOf(AuthenticationError);

    expect(fetch.requests).toHaveLength(1);
  });

  it("rejects with the function's own error, without sending, when it fails", async () => {
    const failure = new Error('token service down');
    const { fetch, send } = setup([reply.noContent()], {
      credentials: () => {
        throw failure;
      },
    });

    await expect(send()).rejects.toBe(failure);

    expect(fetch.requests).toHaveLength(0);
  });
});

describe('sendServerInvite cancellation', () => {
  it('rejects with the abort reason when the signal aborts during a Retry-After wait, and sends no more', async () => {
    const { fetch, clock, client } = setup([throttled('10'), reply.noContent()]);
    const controller = new AbortController();
    const reason = new Error('player left');

    const call = client.sendServerInvite(TITLE_ID, INVITE, { signal: controller.signal });
    const settled = call.catch((error: unknown) => error);
    await clock.advance(5_000);
    expect(clock.pendingTimers).toBe(1);
    controller.abort(reason);

    expect(await settled).toBe(reason);
    expect(fetch.requests).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts the request in flight when the signal aborts', async () => {
    const { fetch, clock, client } = setup(['hang']);
    const controller = new AbortController();

    const call = client.sendServerInvite(TITLE_ID, INVITE, { signal: controller.signal });
    await clock.advance(0);
    expect(fetch.requests).toHaveLength(1);
    controller.abort();

    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(fetch.requests[0]?.signal?.aborted).toBe(true);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { fetch, send } = setup([reply.noContent()]);
    const reason = new Error('cancelled before');

    await expect(send(INVITE, AbortSignal.abort(reason))).rejects.toBe(reason);

    expect(fetch.requests).toHaveLength(0);
  });

  it('rejects when the signal aborts while a credentials function that ignores it is pending', async () => {
    const { fetch, client } = setup([reply.noContent()], {
      credentials: () => new Promise<string>(() => {}),
    });
    const controller = new AbortController();
    const reason = new Error('gone');

    const call = client.sendServerInvite(TITLE_ID, INVITE, { signal: controller.signal });
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(fetch.requests).toHaveLength(0);
  });
});

describe('sendServerInvite timeout', () => {
  it('rejects with a TimeoutError and aborts the request when the server does not answer in time', async () => {
    const { fetch, clock, send } = setup(['hang'], { timeoutMs: 5_000 });
    const started = clock.now();

    const error = await rejection(send());

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 5_000, errorCode: 'Timeout', status: undefined });
    expect(clock.now() - started).toBe(5_000);
    expect(fetch.requests[0]?.signal?.aborted).toBe(true);
  });

  it('counts the deadline across attempts and names the last failure as the cause', async () => {
    const { fetch, clock, send } = setup([throttled('2'), 'hang'], { timeoutMs: 10_000 });

    const error = await rejection(send());

    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).cause).toBeInstanceOf(ThrottledError);
    expect(fetch.requests).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the ThrottledError at once when the Retry-After wait would outlast the deadline', async () => {
    const { fetch, clock, send } = setup([throttled('8'), reply.noContent()], { timeoutMs: 5_000 });

    const error = await rejection(send());

    expect(error).toBeInstanceOf(ThrottledError);
    expect(fetch.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([5_000]);
  });

  it('releases its timer when the call ends before the deadline', async () => {
    const { clock, send } = setup([reply.noContent()], { timeoutMs: 5_000 });

    await send();

    expect(clock.pendingTimers).toBe(0);
  });
});

describe('createInvitesClient', () => {
  const valid = { baseUrl: BASE_URL, credentials: CREDENTIAL };

  it.each([
    ['a relative baseUrl', { ...valid, baseUrl: '/api' }, TypeError],
    ['a baseUrl that is not http(s)', { ...valid, baseUrl: 'ftp://invites.test' }, TypeError],
    ['a baseUrl with a query', { ...valid, baseUrl: `${BASE_URL}?x=1` }, TypeError],
    ['an empty credential', { ...valid, credentials: '' }, TypeError],
    ['a timeoutMs of 0', { ...valid, timeoutMs: 0 }, RangeError],
    ['maxAttempts of 0', { ...valid, retry: { maxAttempts: 0 } }, RangeError],
  ])('refuses %s at once', (_, options, type) => {
    expect(() => createInvitesClient(options)).toThrow(type);
  });

  it('returns a client whose errors all share one base class', () => {
    for (const type of [
      ApiError,
      RequestValidationError,
      AuthorizationError,
      AuthenticationError,
      ThrottledError,
      ServerError,
      NetworkError,
      TimeoutError,
    ]) {
      expect(type.prototype).toBeInstanceOf(InvitesClientError);
    }
  });
});
