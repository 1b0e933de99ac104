import { describe, expect, it } from 'vitest';
import type { CredentialsContext } from '../src/call.js';
import {
  ApiError,
  AuthenticationError,
  AuthorizationError,
  NetworkError,
  NotFoundError,
  RequestValidationError,
  ServerError,
  ThrottledError,
  TimeoutError,
} from '../src/errors.js';
import type { ReceivedInvite } from '../src/invite-iterator.js';
import { createInviteReceiver, type InviteReceiver } from '../src/receiver.js';
import { fetchFailure, type Reply, reply } from './support/fake-fetch.js';
import {
  A,
  ack,
  acknowledged,
  B,
  BASE_URL,
  C,
  CREDENTIAL,
  ENDPOINT_ID,
  ENDPOINT_URL,
  failed,
  REQUEST_ID,
  received,
  rejection,
  setup,
  tooManyInFlight,
  traffic,
  XUID,
} from './support/receiver.js';

const invites = (...list: unknown[]) => reply.json(200, { invites: list });
const endpointJson = {
  xuid: XUID,
  endpointId: ENDPOINT_ID,
  platform: 'Scarlett',
  expiresAt: '2026-01-31T00:00:00.000Z',
};
const poll = (waitSeconds = 30) =>
  `GET /users/${XUID}/endpoints/${ENDPOINT_ID}/invites?waitSeconds=${waitSeconds}`;

describe('registerEndpoint', () => {
  it('PUTs the registration as JSON with the credential and resolves to the endpoint, created on a 201', async () => {
    const { fetch, clock, receiver } = setup([reply.json(201, endpointJson)]);

    const endpoint = await clock.settle(
      receiver.registerEndpoint(XUID, ENDPOINT_ID, { platform: 'Scarlett', ttlSeconds: 86_400 }),
    );

    expect(endpoint).toEqual({
      xuid: XUID,
      endpointId: ENDPOINT_ID,
      platform: 'Scarlett',
      expiresAt: new Date('2026-01-31T00:00:00.000Z'),
      created: true,
    });
    expect(fetch.requests).toHaveLength(1);
    const [request] = fetch.requests;
    expect(request).toMatchObject({
      url: ENDPOINT_URL,
      method: 'PUT',
      body: { platform: 'Scarlett', ttlSeconds: 86_400 },
    });
    expect(Object.fromEntries(request?.headers ?? [])).toEqual({
      authorization: CREDENTIAL,
      'content-type': 'application/json',
    });
  });

  it('resolves with created false when the server refreshed a live registration (200)', async () => {
    const { clock, receiver } = setup([reply.json(200, endpointJson)]);

    const endpoint = await clock.settle(
      receiver.registerEndpoint(XUID, ENDPOINT_ID, { platform: 'Scarlett' }),
    );

    expect(endpoint.created).toBe(false);
  });

  it('sends the registration as given, so that the server can reject a misspelt field', async () => {
    const { fetch, clock, receiver } = setup([failed(400, 'RequestValidationError')]);
    const untyped = JSON.parse('{"platform":"Scarlett","ttlSecond":60}');

    await expect(clock.settle(receiver.registerEndpoint(XUID, ENDPOINT_ID, untyped))).rejects.toBeInstanceOf(
      RequestValidationError,
    );

    expect(fetch.requests[0]?.body).toEqual({ platform: 'Scarlett', ttlSecond: 60 });
  });

  it('encodes the path parameters and sends the caller-chosen request id', async () => {
    const { fetch, clock, receiver } = setup([reply.json(201, { ...endpointJson, endpointId: 'a b' })]);

    await clock.settle(
      receiver.registerEndpoint(XUID, 'a b', { platform: 'Scarlett' }, { requestId: REQUEST_ID }),
    );

    expect(fetch.requests[0]?.url).toBe(`${BASE_URL}/users/${XUID}/endpoints/a%20b`);
    expect(fetch.requests[0]?.headers.get('X-Request-Id')).toBe(REQUEST_ID);
  });

  it.each([
    ['an HTML page', reply.text(200, '<html>proxy</html>')],
    ['an endpoint without expiresAt', reply.json(201, { ...endpointJson, expiresAt: undefined })],
    ['an endpoint whose expiresAt is no date', reply.json(201, { ...endpointJson, expiresAt: 'soon' })],
  ])('rejects a success answer carrying %s with an ApiError UnexpectedResponse', async (_, answer) => {
    const { clock, receiver } = setup([answer]);

    const error = await rejection(
      clock.settle(receiver.registerEndpoint(XUID, ENDPOINT_ID, { platform: 'Win32' })),
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ errorCode: 'UnexpectedResponse', status: expect.any(Number) });
  });
});

describe('unregisterEndpoint and acknowledgeInvite, when a 2xx is not the documented 204 without a body', () => {
  it.each([
    ['unregisterEndpoint', (receiver: InviteReceiver) => receiver.unregisterEndpoint(XUID, ENDPOINT_ID)],
    [
      'acknowledgeInvite',
      (receiver: InviteReceiver) => receiver.acknowledgeInvite(XUID, ENDPOINT_ID, 'invite-1'),
    ],
  ])('%s rejects a 200 with a page with an ApiError UnexpectedResponse', async (_, act) => {
    const { clock, receiver } = setup([reply.text(200, '<html>portal</html>')]);

    const error = await rejection(clock.settle(act(receiver)));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, errorCode: 'UnexpectedResponse' });
  });
});

describe('unregisterEndpoint', () => {
  it('DELETEs the endpoint and resolves to undefined on a 204', async () => {
    const { fetch, clock, receiver } = setup([reply.noContent()]);

    await expect(clock.settle(receiver.unregisterEndpoint(XUID, ENDPOINT_ID))).resolves.toBeUndefined();

    expect(traffic(fetch)).toEqual([`DELETE /users/${XUID}/endpoints/${ENDPOINT_ID}`]);
    expect(fetch.requests[0]?.headers.get('Authorization')).toBe(CREDENTIAL);
  });
});

describe('acknowledgeInvite', () => {
  it('DELETEs the invite from the endpoint and resolves to undefined on a 204', async () => {
    const { fetch, clock, receiver } = setup([acknowledged]);

    await expect(clock.settle(receiver.acknowledgeInvite(XUID, ENDPOINT_ID, A.id))).resolves.toBeUndefined();

    expect(traffic(fetch)).toEqual([ack(A)]);
  });

  it('rejects with a NotFoundError when the invite is not pending', async () => {
    const { clock, receiver } = setup([failed(404, 'NotFound')]);

    await expect(clock.settle(receiver.acknowledgeInvite(XUID, ENDPOINT_ID, A.id))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('resolves when the retry after a reset connection finds the invite gone: the first attempt went through', async () => {
    const { fetch, clock, receiver } = setup([fetchFailure('ECONNRESET'), failed(404, 'NotFound')]);

    await expect(clock.settle(receiver.acknowledgeInvite(XUID, ENDPOINT_ID, A.id))).resolves.toBeUndefined();

    expect(fetch.requests).toHaveLength(2);
  });

  it('still rejects the 404 of a retry after a failure that proves the server did nothing', async () => {
    const { clock, receiver } = setup([tooManyInFlight, failed(404, 'NotFound')]);

    await expect(clock.settle(receiver.acknowledgeInvite(XUID, ENDPOINT_ID, A.id))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

// Every operation of the receiver, so that each error case runs against all four.
const operations: [string, (receiver: InviteReceiver) => Promise<unknown>][] = [
  ['registerEndpoint', (r) => r.registerEndpoint(XUID, ENDPOINT_ID, { platform: 'Android' })],
  ['unregisterEndpoint', (r) => r.unregisterEndpoint(XUID, ENDPOINT_ID)],
  ['acknowledgeInvite', (r) => r.acknowledgeInvite(XUID, ENDPOINT_ID, A.id)],
  ['receiveInvites', (r) => r.receiveInvites(XUID, ENDPOINT_ID, { waitSeconds: 0 }).next()],
];
const successFor: Record<string, Reply> = {
  registerEndpoint: reply.json(201, endpointJson),
  unregisterEndpoint: reply.noContent(),
  acknowledgeInvite: acknowledged,
  receiveInvites: invites(A),
};

describe.each(operations)('%s, when the server answers an error', (name, operation) => {
  it.each([
    ['400 RequestValidationError', failed(400, 'RequestValidationError'), RequestValidationError],
    ["400 AuthorizationError (another user's XUID)", failed(400, 'AuthorizationError'), AuthorizationError],
    ['401', failed(401, 'AuthenticationError', { 'WWW-Authenticate': 'XBL3.0' }), AuthenticationError],
    ['429 Concurrency', tooManyInFlight, ThrottledError],
    ['500', failed(500, 'InternalServerError'), ServerError],
    ['503', failed(503, 'ServiceUnavailable'), ServerError],
  ])('rejects a %s as %O, carrying the response request id', async (_, answer, type) => {
    const { fetch, clock, receiver } = setup([answer], { retry: { maxAttempts: 1 } });

    const error = await rejection(clock.settle(operation(receiver)));

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ requestId: REQUEST_ID });
    expect(fetch.requests).toHaveLength(1);
  });

  it('is idempotent: retried after a failure that leaves unknown whether the server acted', async () => {
    const { fetch, clock, receiver } = setup([
      fetchFailure('ECONNRESET'),
      failed(502, 'x'),
      successFor[name] as Reply,
    ]);

    await clock.settle(operation(receiver));

    expect(fetch.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([375, 750]);
  });

  it('asks a credentials function for a fresh credential after a 401 and retries once', async () => {
    const asked: boolean[] = [];
    const credentials = ({ forceRefresh }: CredentialsContext) => {
      asked.push(forceRefresh);
      return forceRefresh ? 'XBL3.0 x=3456;fresh' : 'XBL3.0 x=3456;stale';
    };
    const { fetch, clock, receiver } = setup(
      [failed(401, 'AuthenticationError'), successFor[name] as Reply],
      {
        credentials,
        retry: { maxAttempts: 1 },
      },
    );

    await clock.settle(operation(receiver));

    expect(asked).toEqual([false, true]);
    expect(fetch.requests.map((r) => r.headers.get('Authorization'))).toEqual([
      'XBL3.0 x=3456;stale',
      'XBL3.0 x=3456;fresh',
    ]);
  });

  it('rejects with the NetworkError once the attempts run out', async () => {
    const reset = fetchFailure('ECONNRESET');
    const { fetch, clock, receiver } = setup([reset, reset], { retry: { maxAttempts: 2 } });

    const error = await rejection(clock.settle(operation(receiver)));

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'ECONNRESET', mayHaveReachedServer: true });
    expect(fetch.requests).toHaveLength(2);
  });
});

// The two iterators of an endpoint's invites, for what they do alike whatever they read.
const iterators: [
  string,
  (receiver: InviteReceiver, signal?: AbortSignal) => AsyncIterator<ReceivedInvite>,
][] = [
  ['receiveInvites', (receiver, signal) => receiver.receiveInvites(XUID, ENDPOINT_ID, { signal })],
  ['streamInvites', (receiver, signal) => receiver.streamInvites(XUID, ENDPOINT_ID, { signal })],
];

describe.each(iterators)('%s', (_, iterate) => {
  it('sends nothing until the first invite is asked for', () => {
    const { fetch, receiver } = setup([]);

    iterate(receiver);

    expect(fetch.requests).toHaveLength(0);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { fetch, receiver } = setup([]);
    const reason = new Error('before');

    await expect(iterate(receiver, AbortSignal.abort(reason)).next()).rejects.toBe(reason);

    expect(fetch.requests).toHaveLength(0);
  });
});

describe('receiveInvites', () => {
  it('long polls with waitSeconds 30 by default and yields the invites with their dates as Date', async () => {
    const { fetch, clock, receiver } = setup([invites(A)]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);

    const first = await clock.settle(iterator.next());

    expect(traffic(fetch)).toEqual([poll(30)]);
    expect(fetch.requests[0]?.headers.get('Authorization')).toBe(CREDENTIAL);
    expect(first).toEqual({ done: false, value: received(A) });
    await iterator.return();
  });

  it('yields every invite across several polls, oldest first, acknowledging each before the next', async () => {
    const { fetch, clock, receiver } = setup((clock) => [
      invites(A, B),
      acknowledged,
      acknowledged,
      // No invite for the whole wait: polled again at once.
      reply.after(clock, 30_000, invites()),
      invites(C),
      acknowledged,
    ]);
    const received: string[] = [];

    await clock.settle(
      (async () => {
        for await (const invite of receiver.receiveInvites(XUID, ENDPOINT_ID)) {
          received.push(invite.id);
          if (received.length === 3) {
            // Acknowledged by hand, as a loop that breaks must: breaking acknowledges nothing.
            await receiver.acknowledgeInvite(XUID, ENDPOINT_ID, invite.id);
            break;
          }
        }
      })(),
    );

    expect(received).toEqual([A.id, B.id, C.id]);
    expect(traffic(fetch)).toEqual([poll(), ack(A), ack(B), poll(), poll(), ack(C)]);
    // The 30 s are the fake server's long poll: no backoff after an empty answer that took the whole wait.
    expect(clock.sleeps).toEqual([30_000]);
  });

  it('acknowledges an invite only once the consumer asks for the next one', async () => {
    const { fetch, clock, receiver } = setup([invites(A, B), acknowledged, acknowledged, invites()]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID, { waitSeconds: 0 });

    expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: A.id } });
    // The consumer is processing A: nothing acknowledged yet.
    expect(traffic(fetch)).toEqual([poll(0)]);

    expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: B.id } });
    // A acknowledged; B came from the same answer, so no poll.
    expect(traffic(fetch)).toEqual([poll(0), ack(A)]);

    expect(await clock.settle(iterator.next())).toEqual({ done: true, value: undefined });
    expect(traffic(fetch)).toEqual([poll(0), ack(A), ack(B), poll(0)]);
  });

  it('with waitSeconds 0, delivers what is pending and ends', async () => {
    const { fetch, clock, receiver } = setup([invites(A), acknowledged, invites()]);
    const received: string[] = [];

    await clock.settle(
      (async () => {
        for await (const invite of receiver.receiveInvites(XUID, ENDPOINT_ID, { waitSeconds: 0 })) {
          received.push(invite.id);
        }
      })(),
    );

    expect(received).toEqual([A.id]);
    expect(traffic(fetch)).toEqual([poll(0), ack(A), poll(0)]);
  });

  it('does not acknowledge an invite whose processing throws: the error ends the loop and the invite is delivered again', async () => {
    const { fetch, clock, receiver } = setup([invites(A, B), invites(A, B), acknowledged]);
    const failure = new Error('could not show the invite');

    const error = await rejection(
      clock.settle(
        (async () => {
          for await (const _ of receiver.receiveInvites(XUID, ENDPOINT_ID)) throw failure;
        })(),
      ),
    );

    expect(error).toBe(failure);
    expect(traffic(fetch)).toEqual([poll()]);

    // The next receive loop gets it again.
    const again = receiver.receiveInvites(XUID, ENDPOINT_ID);
    expect(await clock.settle(again.next())).toMatchObject({ value: { id: A.id } });
    expect(await clock.settle(again.next())).toMatchObject({ value: { id: B.id } });
    expect(traffic(fetch)).toEqual([poll(), poll(), ack(A)]);
    await again.return();
  });

  it('stops on break, acknowledging nothing and sending nothing more', async () => {
    const { fetch, clock, receiver } = setup([invites(A, B)]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);

    await clock.settle(
      (async () => {
        for await (const _ of iterator) break;
      })(),
    );

    expect(traffic(fetch)).toEqual([poll()]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(fetch.requests).toHaveLength(1);
  });

  it('stops when return() is called during a long poll: the request is aborted and next() resolves done', async () => {
    const { fetch, clock, receiver } = setup((clock) => [reply.after(clock, 30_000, invites(A))]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);

    const pending = iterator.next();
    await clock.advance(10_000);
    expect(fetch.requests).toHaveLength(1);

    await expect(iterator.return()).resolves.toEqual({ done: true, value: undefined });

    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(fetch.requests[0]?.signal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with the abort reason when the signal aborts during a long poll, and then ends', async () => {
    const { fetch, clock, receiver } = setup((clock) => [reply.after(clock, 30_000, invites(A))]);
    const controller = new AbortController();
    const reason = new Error('the player signed out');
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID, { signal: controller.signal });

    const pending = iterator.next().catch((error: unknown) => error);
    await clock.advance(10_000);
    controller.abort(reason);

    expect(await pending).toBe(reason);
    expect(fetch.requests[0]?.signal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects with the abort reason, acknowledging nothing, when the signal aborts while an invite is processed', async () => {
    const { fetch, clock, receiver } = setup([invites(A)]);
    const controller = new AbortController();
    const reason = new Error('closing');

    const error = await rejection(
      clock.settle(
        (async () => {
          for await (const _ of receiver.receiveInvites(XUID, ENDPOINT_ID, { signal: controller.signal })) {
            controller.abort(reason);
          }
        })(),
      ),
    );

    expect(error).toBe(reason);
    expect(traffic(fetch)).toEqual([poll()]);
  });

  it('ends with a NotFoundError when the endpoint is not registered', async () => {
    const { clock, receiver } = setup([failed(404, 'NotFound')]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);

    const error = await rejection(clock.settle(iterator.next()));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, errorCode: 'NotFound', requestId: REQUEST_ID });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('retries a poll after a reset connection, as it is idempotent', async () => {
    const { fetch, clock, receiver } = setup([fetchFailure('ECONNRESET'), invites(A)]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);

    expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: A.id } });

    expect(traffic(fetch)).toEqual([poll(), poll()]);
    await iterator.return();
  });

  it('goes on when an invite is no longer pending by the time it is acknowledged (404)', async () => {
    const { fetch, clock, receiver } = setup([
      invites(A, B),
      failed(404, 'NotFound'),
      acknowledged,
      invites(),
    ]);

    const received: string[] = [];
    await clock.settle(
      (async () => {
        for await (const invite of receiver.receiveInvites(XUID, ENDPOINT_ID, { waitSeconds: 0 })) {
          received.push(invite.id);
        }
      })(),
    );

    expect(received).toEqual([A.id, B.id]);
    expect(traffic(fetch)).toEqual([poll(0), ack(A), ack(B), poll(0)]);
  });

  it('ends with the typed error when an acknowledgement fails for good; the invite stays pending', async () => {
    const { clock, receiver } = setup([invites(A), failed(400, 'AuthorizationError')]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);
    await clock.settle(iterator.next());

    await expect(clock.settle(iterator.next())).rejects.toBeInstanceOf(AuthorizationError);

    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('ends with an ApiError UnexpectedResponse when a poll answers a body that breaks the contract', async () => {
    const { clock, receiver } = setup([reply.json(200, { invites: [{ ...A, createdAt: 'yesterday' }] })]);

    const error = await rejection(clock.settle(receiver.receiveInvites(XUID, ENDPOINT_ID).next()));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, errorCode: 'UnexpectedResponse' });
  });

  it('backs off when empty answers come back long before the wait is over (an instance shutting down)', async () => {
    const { fetch, clock, receiver } = setup([invites(), invites(), invites(A)]);
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID);

    expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: A.id } });

    expect(fetch.requests).toHaveLength(3);
    // The retry backoff from baseDelayMs (500), with the jitter at half its span.
    expect(clock.sleeps).toEqual([375, 750]);
    await iterator.return();
  });

  it("gives each poll the server's wait on top of timeoutMs, and rejects with a TimeoutError past both", async () => {
    const { fetch, clock, receiver } = setup(['hang'], { timeoutMs: 5_000 });
    const iterator = receiver.receiveInvites(XUID, ENDPOINT_ID, { waitSeconds: 20 });
    const started = clock.now();

    const error = await rejection(clock.settle(iterator.next()));

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 25_000 });
    expect(clock.now() - started).toBe(25_000);
    expect(fetch.requests[0]?.signal?.aborted).toBe(true);
  });

  it.each([-1, 31, 1.5, Number.NaN])('refuses a waitSeconds of %d at once', (waitSeconds) => {
    const { receiver } = setup([]);

    expect(() => receiver.receiveInvites(XUID, ENDPOINT_ID, { waitSeconds })).toThrow(RangeError);
  });
});

describe('createInviteReceiver', () => {
  it.each([
    ['a relative baseUrl', { baseUrl: '/api' }, TypeError],
    ['an empty credential', { credentials: '' }, TypeError],
    ['a timeoutMs of 0', { timeoutMs: 0 }, RangeError],
  ])('refuses %s at once', (_, options, type) => {
    expect(() => createInviteReceiver({ baseUrl: BASE_URL, credentials: CREDENTIAL, ...options })).toThrow(
      type,
    );
  });
});
