// Sends with an Idempotency-Key, over HTTP, on both stores: a retry with the same key and body
// gets the first answer and delivers nothing twice, another body gets 422, a retry while the first
// is in flight gets 409, and a retry after a failed (on Redis, partial) send completes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userKeys } from '../../src/backends/redis/redis-invite-store.ts';
import { type RedisServer, startRedisServer } from '../../src/backends/redis/test-servers.ts';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import { ServiceError } from '../../src/errors.ts';
import type { InviteDelivery } from '../../src/invites/delivery.ts';
import { useFakeClock } from '../support/fake-clock.ts';
import { firstDeliveryHeld, gate } from '../support/gate.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';
import { trackedTestServers } from '../support/test-servers.ts';

const A = '2814613569642996';
const B = '2814654783556735';
const KEY = '8e03978e-40d5-43e8-bc93-6894a57f9324';

const start = trackedTestServers();
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterAll(async () => {
  await redis?.remove();
});

/** A server whose invitees A and B have a console each (Redis, when it runs on it, emptied first). */
async function serverWithDevices(options: Parameters<typeof start>[0] = {}) {
  if (options.env?.REDIS_URL) await redis.cli('flushall');
  const server = await start(options);
  for (const xuid of [A, B]) {
    const response = await fetch(`${server.url}/users/${xuid}/endpoints/console`, {
      method: 'PUT',
      headers: { authorization: await server.userCredential(xuid), 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'Scarlett' }),
    });
    expect(response.status).toBe(201);
  }
  const game = await server.serviceCredential([TITLE_ID, TITLE_ID + 1]);
  /** `key`: the Idempotency-Key header as sent; null: none. */
  const send = (body: Record<string, unknown>, key: string | null = `"${KEY}"`, titleId = TITLE_ID) =>
    callInvite(server.url, {
      titleId,
      authorization: game,
      body: { sender: SENDER, ...body },
      headers: key === null ? {} : { 'idempotency-key': key },
    });
  /** The connection strings of what an invitee's console has pending. */
  const pending = async (xuid: string) =>
    (await server.invites.pending(xuid, 'console'))?.map((invite) => invite.connectionString);
  return { server, send, pending };
}

describe.each([
  ['SQLite', () => ({})],
  ['Redis', () => ({ REDIS_URL: redis.url })],
])('sends with an Idempotency-Key, on %s', (_store, env) => {
  it('answers a retry with the same key and body 204, as the first, without RateLimit headers, and delivers nothing twice', async () => {
    const { send, pending } = await serverWithDevices({ env: env() });
    const first = await send({ invitedUsers: [A, B], connectionString: 'once' });
    expect(first.status).toBe(204);
    expect(first.headers.get('ratelimit')).toMatch(/^"burst";r=6/);
    // Bare or quoted, invitees in any order and repeated: the same key, the same body.
    for (const retry of [
      await send({ invitedUsers: [A, B], connectionString: 'once' }, KEY),
      await send({ invitedUsers: [B, A, B], connectionString: 'once' }),
    ]) {
      expect(retry.status).toBe(204);
      expect(retry.text).toBe('');
      expect(retry.headers.get('ratelimit')).toBeNull();
    }
    expect(await pending(A)).toEqual(['once']);
    expect(await pending(B)).toEqual(['once']);
    // Without a key, a retry is a new send, as the vendor's is.
    expect((await send({ invitedUsers: [A], connectionString: 'once' }, null)).status).toBe(204);
    expect(await pending(A)).toEqual(['once', 'once']);
  });

  it('answers the same key with another body 422 IdempotencyKeyReused, and the same key for another title as another send', async () => {
    const { send, pending } = await serverWithDevices({ env: env() });
    expect((await send({ invitedUsers: [A], connectionString: 'first' })).status).toBe(204);
    for (const other of [
      { invitedUsers: [A], connectionString: 'second' },
      { invitedUsers: [A, B], connectionString: 'first' },
      { invitedUsers: [A], connectionString: 'first', platform: 'XboxOne' },
      { invitedUsers: [A], connectionString: 'first', sender: '2533274792693552' },
    ]) {
      const reused = await send(other);
      expect(reused.status).toBe(422);
      expect(reused.body).toEqual({
        errorCode: 'IdempotencyKeyReused',
        debugMessage: expect.stringMatching(/another body/),
      });
    }
    expect((await send({ invitedUsers: [A], connectionString: 'first' }, KEY, TITLE_ID + 1)).status).toBe(
      204,
    );
    expect(await pending(A)).toEqual(['first', 'first']);
    expect(await pending(B)).toEqual([]);
  });

  it('answers a retry while the first request is in flight 409 IdempotencyKeyInProgress with Retry-After', async () => {
    const held = gate();
    const { send } = await serverWithDevices({
      env: env(),
      overrides: { delivery: firstDeliveryHeld(held) },
    });
    const first = send({ invitedUsers: [A] });
    await held.reached;
    const retry = await send({ invitedUsers: [A] });
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual({
      errorCode: 'IdempotencyKeyInProgress',
      debugMessage: expect.stringMatching(/still in progress/),
    });
    expect(Number(retry.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another body is refused as such even while the first is in flight.
    expect((await send({ invitedUsers: [B] })).status).toBe(422);
    held.open();
    expect((await first).status).toBe(204);
  });
});

describe('a retry with the same Idempotency-Key after a failed send', () => {
  it('on SQLite, where a failed send stored nothing, delivers the whole send, once', async () => {
    const store = createSqliteInviteStore({
      path: ':memory:',
      clock: { now: () => Date.now() },
      maxPendingPerUser: 100,
    });
    let failures = 1;
    const delivery: InviteDelivery = {
      deliver: (invites, keyed) =>
        failures-- > 0
          ? Promise.reject(new ServiceError('ServiceUnavailable', 'the invite store is unavailable'))
          : store.deliver(invites, keyed),
    };
    const { send, pending } = await serverWithDevices({ overrides: { store, delivery } });
    const failed = await send({ invitedUsers: [A, B], connectionString: 'again' });
    expect(failed.status).toBe(503);
    expect(await pending(A)).toEqual([]);
    expect((await send({ invitedUsers: [A, B], connectionString: 'again' })).status).toBe(204);
    expect((await send({ invitedUsers: [A, B], connectionString: 'again' })).status).toBe(204);
    expect(await pending(A)).toEqual(['again']);
    expect(await pending(B)).toEqual(['again']);
  });

  it('on Redis, after a partial send (one invitee stored, the other refused), delivers only what is missing, with the same invite', async () => {
    const { server, send, pending } = await serverWithDevices({ env: { REDIS_URL: redis.url } });
    // B's registrations become unreadable (another type): B's script fails, A's succeeds.
    const bEndpoints = userKeys(B).endpoints;
    await redis.cli('del', bEndpoints);
    await redis.cli('set', bEndpoints, 'not-a-hash');
    const partial = await send({ invitedUsers: [A, B], connectionString: 'partial' });
    expect(partial.status).toBe(503);
    expect(await pending(A)).toEqual(['partial']);
    const [stored] = (await server.invites.pending(A, 'console')) ?? [];
    // Repaired; the retry completes the send.
    await redis.cli('del', bEndpoints);
    await server.invites.register({ xuid: B, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    expect((await send({ invitedUsers: [A, B], connectionString: 'partial' })).status).toBe(204);
    expect(await server.invites.pending(A, 'console')).toEqual([stored]);
    expect(await pending(B)).toEqual(['partial']);
    const [toB] = (await server.invites.pending(B, 'console')) ?? [];
    expect(toB?.createdAtMs).toBe(stored?.createdAtMs);
    expect((await send({ invitedUsers: [A, B], connectionString: 'partial' })).status).toBe(204);
    expect(await pending(A)).toEqual(['partial']);
    expect(await pending(B)).toEqual(['partial']);
  });

  it('after a throttled one (429), sends afresh once the window allows: a refusal stored nothing to resume', async () => {
    const clock = useFakeClock();
    const { send, pending } = await serverWithDevices({
      overrides: { clock },
      throttle: { burst: { limit: 1, windowSeconds: 15 } },
    });
    expect((await send({ invitedUsers: [A], connectionString: 'first' }, 'first-key')).status).toBe(204);
    const throttled = await send({ invitedUsers: [A], connectionString: 'second' }, 'second-key');
    expect(throttled.status).toBe(429);
    clock.advance(15_000);
    expect((await send({ invitedUsers: [A], connectionString: 'second' }, 'second-key')).status).toBe(204);
    expect(await pending(A)).toEqual(['first', 'second']);
  });
});
