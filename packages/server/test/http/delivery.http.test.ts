// The whole delivery path over HTTP: devices register, a game server sends, devices receive,
// acknowledge, and nothing is delivered twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import type { TestServer } from '../../src/testing.ts';
import { useFakeClock } from '../support/fake-clock.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';
import { trackedTestServers } from '../support/test-servers.ts';
import { devicesWaiting } from '../support/waiting.ts';

const A = '2814613569642996';
const B = '2814654783556735';

const start = trackedTestServers();

function deviceOf(server: TestServer, xuid: string, authorization: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}/users/${xuid}/endpoints/${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    register: (endpointId: string, body: unknown) => call('PUT', endpointId, body),
    unregister: (endpointId: string) => call('DELETE', endpointId),
    receive: (endpointId: string, waitSeconds = 0) =>
      call('GET', `${endpointId}/invites?waitSeconds=${waitSeconds}`),
    acknowledge: (endpointId: string, inviteId: string) =>
      call('DELETE', `${endpointId}/invites/${inviteId}`),
  };
}

async function sendInvite(server: TestServer, body: Record<string, unknown>) {
  const response = await callInvite(server.url, {
    authorization: await server.serviceCredential([TITLE_ID]),
    body,
  });
  expect(response.status, response.text).toBe(204);
}

describe('delivery to registered endpoints', () => {
  it('reaches each endpoint of A exactly once, across platforms, and nothing for B who has none', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    const b = deviceOf(server, B, await server.userCredential(B));
    expect((await a.register('console', { platform: 'Scarlett' })).status).toBe(201);
    expect((await a.register('phone', { platform: 'Android', ttlSeconds: 86_400 })).status).toBe(201);

    await sendInvite(server, {
      invitedUsers: [A, B, A],
      sender: SENDER,
      connectionString: 'server=203.0.113.10:3074; mode=ranked',
      platform: 'XboxOne',
    });

    for (const endpointId of ['console', 'phone']) {
      const received = await a.receive(endpointId);
      expect(received.status).toBe(200);
      expect(received.body.invites).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          titleId: TITLE_ID,
          sender: SENDER,
          invitedUser: A,
          connectionString: 'server=203.0.113.10:3074; mode=ranked',
          platform: 'XboxOne',
          createdAt: expect.any(String),
          expiresAt: expect.any(String),
          activationUri: `ms-xbl-6cf217a8://inviteAccept?invitedUser=${A}&sender=${SENDER}&connectionString=server%3D203.0.113.10%3A3074%3B%20mode%3Dranked`,
        },
      ]);
    }
    expect((await b.register('laptop', { platform: 'Win32' })).status).toBe(201);
    expect((await b.receive('laptop')).body).toEqual({ invites: [] });
  });

  it('does not deliver an acknowledged invite again, and answers a second acknowledgement with 404', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    await sendInvite(server, { invitedUsers: [A], sender: SENDER });
    const [invite] = (await a.receive('console')).body.invites;
    expect((await a.acknowledge('console', invite.id)).status).toBe(204);
    expect((await a.receive('console')).body).toEqual({ invites: [] });
    const again = await a.acknowledge('console', invite.id);
    expect(again).toEqual({
      status: 404,
      body: { errorCode: 'NotFound', debugMessage: `invite ${invite.id} is not pending for this endpoint` },
    });
  });

  it('answers a refresh with 200, and an unregistered endpoint with 404 until it registers again', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    const refreshed = await a.register('console', { platform: 'Scarlett' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ xuid: A, endpointId: 'console', platform: 'Scarlett' });
    expect((await a.unregister('console')).status).toBe(204);
    expect((await a.unregister('console')).status).toBe(204);
    expect(await a.receive('console')).toEqual({
      status: 404,
      body: { errorCode: 'NotFound', debugMessage: 'endpoint console is not registered' },
    });
  });

  it('lets expired invites and registrations disappear', async () => {
    const clock = useFakeClock();
    const server = await start({ overrides: { clock }, env: { INVITE_TTL_SECONDS: '60' } });
    const a = deviceOf(server, A, await server.userCredential(A, 86_400));
    await a.register('console', { platform: 'Scarlett', ttlSeconds: 120 });
    await sendInvite(server, { invitedUsers: [A], sender: SENDER });
    expect((await a.receive('console')).body.invites).toHaveLength(1);
    clock.advance(60_000);
    expect((await a.receive('console')).body.invites).toEqual([]);
    clock.advance(60_000);
    expect((await a.receive('console')).status).toBe(404);
  });

  it("does not let user B register, read or acknowledge on A's endpoints, nor a game server", async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    for (const authorization of [
      await server.userCredential(B),
      await server.serviceCredential([TITLE_ID]),
    ]) {
      const intruder = deviceOf(server, A, authorization);
      const forbidden = {
        errorCode: 'AuthorizationError',
        debugMessage: `the credential may not act for user ${A}`,
      };
      expect(await intruder.register('console', { platform: 'Win32' })).toEqual({
        status: 400,
        body: forbidden,
      });
      expect(await intruder.receive('console')).toEqual({ status: 400, body: forbidden });
      expect(await intruder.acknowledge('console', '5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a')).toEqual({
        status: 400,
        body: forbidden,
      });
      expect(await intruder.unregister('console')).toEqual({ status: 400, body: forbidden });
    }
  });

  it.each([
    ['an unknown platform', { platform: 'Dreamcast' }, /platform must be equal to one of the allowed values/],
    ['a TTL under a minute', { platform: 'Win32', ttlSeconds: 59 }, /ttlSeconds must be >= 60/],
    ['an unknown property', { platform: 'Win32', pushToken: 'x' }, /must NOT have additional properties/],
  ])('rejects a registration with %s', async (_name, body, message) => {
    const server = await start();
    const response = await deviceOf(server, A, await server.userCredential(A)).register('console', body);
    expect(response).toEqual({
      status: 400,
      body: { errorCode: 'RequestValidationError', debugMessage: expect.stringMatching(message) },
    });
  });

  it('rejects a wait over 30 seconds and a malformed endpoint id', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    expect((await a.receive('console', 31)).body.debugMessage).toMatch(/waitSeconds must be <= 30/);
    const hex = await fetch(`${server.url}/users/${A}/endpoints/console/invites?waitSeconds=0x1`, {
      headers: { authorization: await server.userCredential(A) },
    });
    expect(await hex.json()).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'request/query/waitSeconds must be an integer written in base 10',
    });
    expect((await a.receive('bad%20id')).body.debugMessage).toMatch(/endpointId must be 1 to 64 letters/);
  });
});

describe('long polling', () => {
  it('wakes a waiting poll as soon as an invite arrives, long before the wait is over', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    const poll = a.receive('console', 30).then((response) => ({ response, at: performance.now() }));
    await devicesWaiting(server, 1);
    const sentAt = performance.now();
    await sendInvite(server, { invitedUsers: [A], sender: SENDER });
    const { response, at } = await poll;
    expect(response.body.invites).toHaveLength(1);
    // Generous bound (the target is 50 ms): it proves a wake-up, not the 30 s timeout.
    expect(at - sentAt).toBeLessThan(5_000);
  });

  it('answers a waiting poll at once when the instance starts draining', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    const poll = a.receive('console', 30);
    await devicesWaiting(server, 1);
    const stopped = server.close();
    expect(await poll).toEqual({ status: 200, body: { invites: [] } });
    await stopped;
  });

  it('gives every poll of one endpoint, concurrent or later, what is pending until it is acknowledged (at least once)', async () => {
    const server = await start();
    const a = deviceOf(server, A, await server.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    // Waiting or not when the invite arrives, each poll answers with it.
    const polls = [a.receive('console', 30), a.receive('console', 30)];
    await sendInvite(server, { invitedUsers: [A], sender: SENDER, connectionString: 'twice' });
    const answers = await Promise.all([...polls, a.receive('console')]);
    const [first] = answers;
    const [pending] = first?.body.invites ?? [];
    expect(pending).toMatchObject({ connectionString: 'twice' });
    expect(answers.map((answer) => answer.body)).toEqual([first?.body, first?.body, first?.body]);
    expect((await a.acknowledge('console', pending.id)).status).toBe(204);
    expect((await a.receive('console')).body).toEqual({ invites: [] });
  });

  it('wakes 1000 concurrent polls of one user with one invite', async () => {
    const server = await start({
      throttle: { concurrencyPerCaller: 2000 },
      env: { MAX_ENDPOINTS_PER_USER: '1000' },
    });
    const a = deviceOf(server, A, await server.userCredential(A));
    const endpoints = Array.from({ length: 1000 }, (_, i) => `device-${i}`);
    for (const endpointId of endpoints) await a.register(endpointId, { platform: 'Win32' });
    const polls = endpoints.map((endpointId) => a.receive(endpointId, 30));
    await sendInvite(server, { invitedUsers: [A], sender: SENDER });
    const responses = await Promise.all(polls);
    expect(responses.every((r) => r.status === 200 && r.body.invites.length === 1)).toBe(true);
  }, 30_000);
});

describe('the embedded store', () => {
  it('loses nothing across a restart with a data directory', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'server-invites-data-')), 'invites.sqlite');
    const makeStore = () =>
      createSqliteInviteStore({ path, clock: { now: () => Date.now() }, maxPendingPerUser: 100 });

    const before = await start({ overrides: { store: makeStore() } });
    const a = deviceOf(before, A, await before.userCredential(A));
    await a.register('console', { platform: 'Scarlett' });
    await sendInvite(before, { invitedUsers: [A], sender: SENDER });
    await before.close();

    const after = await start({ overrides: { store: makeStore() } });
    const received = await deviceOf(after, A, await after.userCredential(A)).receive('console');
    expect(received.body.invites).toHaveLength(1);
  });
});
