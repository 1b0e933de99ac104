import { describe, expect, it } from 'vitest';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import type { Credential } from '../../src/credentials/claims.ts';
import { ServiceError } from '../../src/errors.ts';
import { createSendServerInvite } from '../../src/invites/send-server-invite.ts';
import { inProcessWakeUps } from '../../src/invites/wake-ups.ts';
import type { RateDecision, RateLimiter } from '../../src/throttling/rate-limiter.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const service: Credential = {
  kind: 'service',
  subject: 'gs',
  titleIds: new Set([42]),
  expiresAtMs: NOW + 60_000,
};
const user: Credential = { ...service, kind: 'user', xuid: '5', userHash: 'h' };

const burst = { name: 'burst', limit: 7, windowSeconds: 15 };
const sustain = { name: 'sustain', limit: 50, windowSeconds: 300 };
const allow: RateDecision = {
  allowed: true,
  windows: [
    { window: burst, consumed: 1, remaining: 6, resetMs: 15_000 },
    { window: sustain, consumed: 1, remaining: 49, resetMs: 300_000 },
  ],
};

/** The invitees '1' and '2' have a live endpoint each: invites for users without one are not stored. */
async function setup(decision: RateDecision = allow) {
  let now = NOW;
  const clock = { now: () => now };
  const consumed: string[] = [];
  const rateLimiter: RateLimiter = {
    consume: async (key) => {
      consumed.push(key);
      return decision;
    },
  };
  const store = createSqliteInviteStore({ path: ':memory:', clock, maxPendingPerUser: 3 });
  for (const xuid of ['1', '2']) {
    await store.register({ xuid, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 3600 });
  }
  let ids = 0;
  const send = createSendServerInvite({
    rateLimiter,
    delivery: store,
    wakeUps: inProcessWakeUps(),
    clock,
    inviteTtlSeconds: 600,
    newId: () => `invite-${++ids}`,
  });
  const advance = (ms: number) => {
    now += ms;
  };
  return { send, store, consumed, advance };
}

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('sendServerInvite', () => {
  it('delivers one invite per distinct invitee, with the sender, title, connection string and platform', async () => {
    const { send, store } = await setup();
    const result = await send({
      credential: service,
      titleId: 42,
      request: {
        invitedUsers: ['1', '2', '1'],
        sender: '9',
        connectionString: 'ip=1.2.3.4',
        platform: 'Win32',
      },
    });
    expect(result.invited).toBe(2);
    expect(await store.pendingFor('1')).toEqual([
      {
        id: 'invite-1',
        titleId: 42,
        sender: '9',
        invitedUser: '1',
        connectionString: 'ip=1.2.3.4',
        platform: 'Win32',
        createdAtMs: NOW,
        expiresAtMs: NOW + 600_000,
      },
    ]);
    expect(await store.pendingFor('2')).toHaveLength(1);
  });

  it('delivers an empty connection string and no platform when the sender gave none', async () => {
    const { send, store } = await setup();
    await send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender: '9' } });
    const [invite] = await store.pendingFor('1');
    expect(invite?.connectionString).toBe('');
    expect(invite).not.toHaveProperty('platform');
  });

  it('counts the request against the sender and title', async () => {
    const { send, consumed } = await setup();
    await send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender: '9' } });
    expect(consumed).toEqual(['42:9']);
  });

  it('refuses a user credential with AuthorizationError and delivers nothing', async () => {
    const { send, store, consumed } = await setup();
    const error = await rejection(
      send({ credential: user, titleId: 42, request: { invitedUsers: ['1'], sender: '9' } }),
    );
    expect(error.code).toBe('AuthorizationError');
    expect(consumed).toEqual([]);
    expect(await store.pendingFor('1')).toEqual([]);
  });

  it('refuses a title the credential does not cover with AuthorizationError', async () => {
    const { send } = await setup();
    const error = await rejection(
      send({ credential: service, titleId: 43, request: { invitedUsers: ['1'], sender: '9' } }),
    );
    expect(error).toMatchObject({
      code: 'AuthorizationError',
      message: 'the credential may not act for title 43',
    });
  });

  it.each([0, 42, 4_294_967_295])(
    'refuses a service credential covering no title (an empty tid) for title %i, and delivers nothing',
    async (titleId) => {
      const { send, store, consumed } = await setup();
      const noTitle: Credential = { ...service, titleIds: new Set() };
      const error = await rejection(
        send({ credential: noTitle, titleId, request: { invitedUsers: ['1'], sender: '9' } }),
      );
      expect(error).toMatchObject({
        code: 'AuthorizationError',
        message: `the credential may not act for title ${titleId}`,
      });
      expect(consumed).toEqual([]);
      expect(await store.pendingFor('1')).toEqual([]);
    },
  );

  it('when throttled, reports the exceeded window with the longest wait, and delivers nothing', async () => {
    const { send, store } = await setup({
      allowed: false,
      windows: [
        { window: burst, consumed: 8, remaining: 0, resetMs: 4_200 },
        { window: sustain, consumed: 51, remaining: 0, resetMs: 120_001 },
      ],
    });
    const error = await rejection(
      send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender: '9' } }),
    );
    expect(error.code).toBe('Throttled');
    expect(error.throttle?.retryAfterSeconds).toBe(121);
    expect(error.throttle?.entity).toEqual({
      version: 1,
      currentRequests: 51,
      maxRequests: 50,
      periodInSeconds: 300,
      limitType: 'Rate',
      debugMessage: 'at most 50 invites per 300 seconds for this sender and title',
    });
    expect(await store.pendingFor('1')).toEqual([]);
  });

  it('reports a Retry-After of at least one second', async () => {
    const { send } = await setup({
      allowed: false,
      windows: [{ window: burst, consumed: 8, remaining: 0, resetMs: 10 }],
    });
    const error = await rejection(
      send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender: '9' } }),
    );
    expect(error.throttle?.retryAfterSeconds).toBe(1);
  });
});

describe('invite records per user', () => {
  it('drops expired invites', async () => {
    const { send, store, advance } = await setup();
    await send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender: '9' } });
    advance(600_000);
    expect(await store.pendingFor('1')).toEqual([]);
  });

  it('keeps at most the newest invites per user, dropping the oldest', async () => {
    const { send, store } = await setup();
    for (const sender of ['a', 'b', 'c', 'd']) {
      await send({ credential: service, titleId: 42, request: { invitedUsers: ['1'], sender } });
    }
    expect((await store.pendingFor('1')).map((invite) => invite.sender)).toEqual(['b', 'c', 'd']);
  });
});
