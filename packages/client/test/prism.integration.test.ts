import { type PrismInstance, startMock } from '@server-invites/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvitesClient, type FetchLike, type InvitesClientOptions } from '../src/client.js';
import {
  AuthenticationError,
  AuthorizationError,
  PayloadTooLargeError,
  RequestValidationError,
  ServerError,
  ThrottledError,
  UnsupportedMediaTypeError,
} from '../src/errors.js';
import type { SendServerInviteRequest } from '../src/generated/models/index.js';
import { instantClock } from './support/fake-clock.js';

// The mock, as the service, answers with the caller's X-Request-Id (the client sends it).
const REQUEST_ID = 'client-against-prism-1';
const TITLE_ID = 1827805096;
const INVITE: SendServerInviteRequest = { invitedUsers: ['2814613569642996'], sender: '2533274792693551' };

let prism: PrismInstance;
beforeAll(async () => {
  prism = await startMock();
}, 40_000);
afterAll(async () => {
  await prism?.close();
});

/** The global fetch, with Prism's `Prefer` header (which picks the response) and a request count. */
function preferring(prefer: string | undefined): FetchLike & { calls: number } {
  const wrapped = async (url: string, init: RequestInit) => {
    wrapped.calls += 1;
    const headers = new Headers(init.headers);
    if (prefer !== undefined) headers.set('Prefer', prefer);
    return fetch(url, { ...init, headers });
  };
  wrapped.calls = 0;
  return wrapped;
}

function clientPreferring(prefer: string | undefined, options: Partial<InvitesClientOptions> = {}) {
  const fetch = preferring(prefer);
  const clock = instantClock();
  const client = createInvitesClient({
    baseUrl: prism.url,
    credentials: 'XBL3.0 x=-;any-token-prism-accepts',
    fetch,
    clock,
    timeoutMs: Number.POSITIVE_INFINITY,
    random: () => 0,
    ...options,
  });
  return { client, fetch, clock };
}

describe('the client against the Prism mock of the contract', () => {
  it('resolves when the mock accepts a valid invite with every optional field', async () => {
    const { client, fetch } = clientPreferring(undefined);

    await expect(
      client.sendServerInvite(TITLE_ID, {
        ...INVITE,
        connectionString: 'server=203.0.113.10:3074',
        platform: 'Win32',
      }),
    ).resolves.toBeUndefined();

    expect(fetch.calls).toBe(1);
  });

  it('rejects an invite that breaks the contract with a RequestValidationError, without retrying', async () => {
    const { client, fetch } = clientPreferring(undefined);

    const error = await client
      .sendServerInvite(TITLE_ID, { ...INVITE, invitedUsers: [] }, { requestId: REQUEST_ID })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error).toMatchObject({
      status: 400,
      errorCode: 'RequestValidationError',
      requestId: REQUEST_ID,
    });
    expect(fetch.calls).toBe(1);
  });

  it.each([
    [
      'code=400, example=AuthorizationError',
      AuthorizationError,
      { status: 400, errorCode: 'AuthorizationError' },
    ],
    [
      'code=401',
      AuthenticationError,
      { status: 401, errorCode: 'AuthenticationError', wwwAuthenticate: 'XBL3.0 error="invalid_token"' },
    ],
    ['code=413', PayloadTooLargeError, { status: 413, errorCode: 'PayloadTooLarge' }],
    ['code=415', UnsupportedMediaTypeError, { status: 415, errorCode: 'UnsupportedMediaType' }],
    ['code=500', ServerError, { status: 500, errorCode: 'InternalServerError' }],
  ])('maps the example picked by "Prefer: %s" to its typed error', async (prefer, type, fields) => {
    const { client } = clientPreferring(prefer, { retry: { maxAttempts: 1 } });

    const error = await client
      .sendServerInvite(TITLE_ID, INVITE, { requestId: REQUEST_ID })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ ...fields, requestId: REQUEST_ID });
  });

  it('retries a 429 after its Retry-After and then rejects with a ThrottledError carrying the ThrottledEntity', async () => {
    const { client, fetch, clock } = clientPreferring('code=429', { retry: { maxAttempts: 2 } });

    const error = await client
      .sendServerInvite(TITLE_ID, INVITE, { requestId: REQUEST_ID })
      .catch((e: unknown) => e);

    expect(fetch.calls).toBe(2);
    expect(clock.sleeps).toEqual([12_000]);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 12_000,
      requestId: REQUEST_ID,
      throttledEntity: {
        version: 1,
        currentRequests: 8,
        maxRequests: 7,
        periodInSeconds: 15,
        limitType: 'Rate',
        debugMessage: 'at most 7 invites per 15 seconds for this sender and title',
      },
    });
  });

  it('reads the concurrency variant of the ThrottledEntity, and its Retry-After of 1 s', async () => {
    const { client } = clientPreferring('code=429, example=Concurrency', { retry: { maxAttempts: 1 } });

    const error = await client.sendServerInvite(TITLE_ID, INVITE).catch((e: unknown) => e);

    expect(error).toMatchObject({
      retryAfterMs: 1_000,
      throttledEntity: { limitType: 'Concurrency', maxRequests: 64 },
    });
  });

  it('retries a 503 after its Retry-After until maxAttempts, then rejects with a ServerError', async () => {
    const { client, fetch, clock } = clientPreferring('code=503', { retry: { maxAttempts: 3 } });

    const error = await client.sendServerInvite(TITLE_ID, INVITE).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, errorCode: 'ServiceUnavailable', retryAfterMs: 5_000 });
    expect(fetch.calls).toBe(3);
    expect(clock.sleeps).toEqual([5_000, 5_000]);
  });
});
