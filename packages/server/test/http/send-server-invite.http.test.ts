// POST /titles/{titleId}/invites/server over real HTTP, against the service on a free port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_SECRET } from '../../src/config.ts';
import { mintCredential } from '../../src/credentials/mint.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import {
  callInvite,
  INVITEE,
  type InviteCall,
  SENDER,
  TITLE_ID,
  validInvite,
} from '../support/invite-request.ts';

const MAX_UINT32 = 4294967295;
const xuids = (count: number) => Array.from({ length: count }, (_, i) => String(2814613569642996 + i));

let server: TestServer;
let serviceAuth: string;

beforeAll(async () => {
  server = await startTestServer({
    throttle: { burst: { limit: 10_000, windowSeconds: 15 }, sustain: { limit: 10_000, windowSeconds: 300 } },
  });
  serviceAuth = await server.serviceCredential([TITLE_ID, 0, MAX_UINT32]);
});
afterAll(() => server.close());

const send = (call: InviteCall) => callInvite(server.url, { authorization: serviceAuth, ...call });

// Which requests are accepted and which refused, with which status and code, is the conformance
// suite's (packages/conformance/cases, run against this server); this file owns the messages,
// the headers' values and what is delivered.
describe('accepted invites (204)', () => {
  it('answers 204 with an empty body and RateLimit headers describing both windows', async () => {
    const response = await send({ body: validInvite });
    expect(response.status, response.text).toBe(204);
    expect(response.text).toBe('');
    expect(response.headers.get('ratelimit')).toMatch(/^"burst";r=\d+;t=\d+, "sustain";r=\d+;t=\d+$/);
    expect(response.headers.get('ratelimit-policy')).toBe('"burst";q=10000;w=15, "sustain";q=10000;w=300');
  });

  it('delivers one invite per distinct invitee, with what the sender sent', async () => {
    const invitedUsers = ['3000000000000001', '3000000000000002', '3000000000000001'];
    // Only invitees with a live endpoint get invites stored.
    for (const xuid of ['3000000000000001', '3000000000000002']) {
      await server.invites.register({ xuid, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 3600 });
    }
    const response = await send({
      body: { invitedUsers, sender: SENDER, connectionString: 'session=7f3a', platform: 'Scarlett' },
    });
    expect(response.status).toBe(204);
    for (const xuid of ['3000000000000001', '3000000000000002']) {
      expect(await server.invites.pendingFor(xuid)).toEqual([
        expect.objectContaining({
          titleId: TITLE_ID,
          sender: SENDER,
          invitedUser: xuid,
          connectionString: 'session=7f3a',
          platform: 'Scarlett',
        }),
      ]);
    }
  });

  it("returns the caller's X-Request-Id, and makes one when none is sent", async () => {
    const echoed = await send({ body: validInvite, headers: { 'x-request-id': 'trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42');
    const made = await send({ body: validInvite });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('invalid requests (400 RequestValidationError)', () => {
  it.each<[string, InviteCall, RegExp]>([
    [
      'no invitees',
      { body: { ...validInvite, invitedUsers: [] } },
      /invitedUsers must NOT have fewer than 1 items/,
    ],
    [
      '17 invitees',
      { body: { ...validInvite, invitedUsers: xuids(17) } },
      /invitedUsers must NOT have more than 16 items/,
    ],
    [
      'invitedUsers that is not an array',
      { body: { ...validInvite, invitedUsers: INVITEE } },
      /invitedUsers must be array/,
    ],
    ['a missing invitedUsers', { body: { sender: SENDER } }, /required property 'invitedUsers'/],
    ['a missing sender', { body: { invitedUsers: [INVITEE] } }, /required property 'sender'/],
    ['a numeric sender', { body: { ...validInvite, sender: 2533274792693551 } }, /sender must be string/],
    [
      'a XUID above uint64',
      { body: { ...validInvite, invitedUsers: ['18446744073709551616'] } },
      /invitedUsers\/0 must be an Xbox user id/,
    ],
    [
      'a 21-digit XUID',
      { body: { ...validInvite, sender: '100000000000000000000' } },
      /sender must NOT have more than 20 characters/,
    ],
    [
      'a XUID with a leading zero',
      { body: { ...validInvite, sender: '0123' } },
      /sender must be an Xbox user id/,
    ],
    ['a hexadecimal XUID', { body: { ...validInvite, sender: '0x1f' } }, /sender must be an Xbox user id/],
    [
      'a 513-character connection string',
      { body: { ...validInvite, connectionString: 'c'.repeat(513) } },
      /connectionString must NOT have more than 512 characters/,
    ],
    [
      'an unknown platform',
      { body: { ...validInvite, platform: 'Xbox360' } },
      /platform must be equal to one of the allowed values/,
    ],
    [
      'an unknown property',
      { body: { ...validInvite, sendr: SENDER } },
      /must NOT have additional properties/,
    ],
    [
      'title id 4294967296 (above uint32)',
      { titleId: 4294967296, body: validInvite },
      /titleId must be <= 4294967295/,
    ],
    ['title id -1', { titleId: -1, body: validInvite }, /titleId must be >= 0/],
    [
      'a non-numeric title id',
      { titleId: 'halo', body: validInvite },
      /titleId must be an integer written in base 10/,
    ],
    ...['0x6CF217A8', '1e3', '+5', '%2012', '1.0', '012', '0b1'].map(
      (titleId): [string, InviteCall, RegExp] => [
        `title id ${titleId} (not base 10)`,
        { titleId, body: validInvite },
        /request\/params\/titleId must be an integer written in base 10/,
      ],
    ),
    ...['0x1', '+1', '01', '1.0'].map((version): [string, InviteCall, RegExp] => [
      `contract version ${version} (not base 10)`,
      { body: validInvite, headers: { 'x-xbl-contract-version': version } },
      /request\/headers\/x-xbl-contract-version must be an integer written in base 10/,
    ]),
    ['malformed JSON', { rawBody: '{"invitedUsers": [' }, /not valid JSON/],
    ['a JSON string body', { rawBody: '"invite"' }, /must be a JSON object/],
    ['a JSON null body', { rawBody: 'null' }, /must be a JSON object/],
    ['a JSON array body', { rawBody: '[]' }, /must be object/],
    ['an empty body', { rawBody: '' }, /required property 'invitedUsers'/],
    [
      'contract version 2',
      { body: validInvite, headers: { 'x-xbl-contract-version': '2' } },
      /x-xbl-contract-version must be <= 1/,
    ],
  ])('rejects %s', async (_name, call, message) => {
    const response = await send(call);
    expect(response.status, response.text).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: expect.stringMatching(message),
    });
  });

  it('names the rule without echoing large input', async () => {
    const response = await send({ body: { ...validInvite, connectionString: 'A'.repeat(10_000) } });
    expect(response.status).toBe(400);
    expect(String(response.body?.debugMessage)).not.toContain('AAAA');
    expect(String(response.body?.debugMessage).length).toBeLessThanOrEqual(1024);
  });

  it('delivers nothing for a rejected request', async () => {
    await send({ body: { invitedUsers: ['4000000000000001'], sender: SENDER, platform: 'Xbox360' } });
    expect(await server.invites.pendingFor('4000000000000001')).toEqual([]);
  });
});

describe('credentials', () => {
  const mint = (options: Partial<Parameters<typeof mintCredential>[0]>) =>
    mintCredential({
      secret: DEVELOPMENT_SECRET,
      issuer: 'server-invites-dev',
      audience: 'server-invites',
      subject: { kind: 'service', titleIds: [TITLE_ID] },
      ttlSeconds: 600,
      nowMs: Date.now(),
      ...options,
    });

  it.each<[string, () => Promise<string | undefined>, RegExp]>([
    ['a missing Authorization header', async () => undefined, /Authorization/],
    ['another scheme', async () => 'Bearer abc.def.ghi', /XBL3\.0 scheme/],
    ['garbage after the user hash', async () => 'XBL3.0 x=-;garbage', /not a valid JWT/],
    ['an expired token', () => mint({ nowMs: Date.now() - 3_600_000 }), /expired/],
    ['a token not valid yet', () => mint({ notBeforeSeconds: 120 }), /not valid yet/],
    [
      'a badly signed token',
      () => mint({ secret: 'not-the-secret-but-long-enough-to-sign' }),
      /signature is invalid/,
    ],
    [
      'a user hash that does not match uhs',
      async () => (await mint({ subject: { kind: 'user', xuid: '7' } })).replace('x=uhs7;', 'x=uhs8;'),
      /does not match/,
    ],
  ])(
    'rejects %s with 401 AuthenticationError and WWW-Authenticate',
    async (_name, authorization, message) => {
      const response = await callInvite(server.url, {
        authorization: await authorization(),
        body: validInvite,
      });
      expect(response.status, response.text).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^XBL3\.0/);
      expect(response.body).toEqual({
        errorCode: 'AuthenticationError',
        debugMessage: expect.stringMatching(message),
      });
    },
  );

  it('rejects a valid credential for another title with 400 AuthorizationError', async () => {
    const response = await callInvite(server.url, {
      authorization: await server.serviceCredential([1]),
      body: validInvite,
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errorCode: 'AuthorizationError',
      debugMessage: `the credential may not act for title ${TITLE_ID}`,
    });
  });

  it('rejects a user credential on this server-only route with 400 AuthorizationError', async () => {
    const response = await callInvite(server.url, {
      authorization: await server.userCredential(SENDER),
      body: validInvite,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      errorCode: 'AuthorizationError',
      debugMessage: expect.stringMatching(/service credential/),
    });
  });
});

describe('transport errors', () => {
  it('rejects a body over 16 KiB with 413 PayloadTooLarge', async () => {
    const response = await send({
      rawBody: JSON.stringify({ ...validInvite, connectionString: 'x'.repeat(17_000) }),
    });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      errorCode: 'PayloadTooLarge',
      debugMessage: 'the request body exceeds 16384 bytes',
    });
  });

  it.each([
    ['text/plain', 'text/plain', 'the request body must be application/json'],
    ['form data', 'application/x-www-form-urlencoded', 'the request body must be application/json'],
    [
      'JSON in another charset',
      'application/json; charset=latin1',
      'the request body must be encoded in UTF-8',
    ],
  ])('explains why a %s body is refused (415)', async (_name, contentType, message) => {
    const response = await send({
      rawBody: JSON.stringify(validInvite),
      headers: { 'content-type': contentType },
    });
    expect(response.body).toEqual({ errorCode: 'UnsupportedMediaType', debugMessage: message });
  });

  it('answers an unknown path with 404 NotFound as JSON', async () => {
    const response = await fetch(`${server.url}/titles/1/invites/client`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errorCode: 'NotFound', debugMessage: 'no such resource' });
  });

  it('answers a wrong method with 405 MethodNotAllowed and Allow', async () => {
    const response = await send({ method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.body).toEqual({
      errorCode: 'MethodNotAllowed',
      debugMessage: 'the method is not allowed on this resource',
    });
  });
});
