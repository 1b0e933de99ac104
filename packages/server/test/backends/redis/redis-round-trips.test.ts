// A send through the service on Redis costs a small, constant number of round trips to Redis,
// whatever the number of invitees: the rate windows in one, the delivery (one script per
// invitee, pipelined) in one, the wake-ups in one; with an Idempotency-Key, its record read first
// in one more (so that a retry answered from it costs no quota), and marked done with the
// wake-ups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../src/backends/redis/test-servers.ts';
import { startTestServer, type TestServer } from '../../../src/testing.ts';
import { type CountingProxy, startCountingProxy } from '../../support/counting-proxy.ts';

const TITLE = 1827805096;
let redis: RedisServer;
let proxy: CountingProxy;
let service: TestServer;

beforeAll(async () => {
  redis = await startRedisServer();
  proxy = await startCountingProxy(redis.port);
  service = await startTestServer({ env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` } });
}, 30_000);

afterAll(async () => {
  await service?.close();
  await proxy?.close();
  await redis?.remove();
});

/** Redis commands executed so far, by name, from INFO commandstats. */
async function commandCalls(): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await redis.cli('info', 'commandstats')).matchAll(
    /^cmdstat_([a-z|]+):calls=(\d+)/gm,
  )) {
    calls.set(match[1] as string, Number(match[2]));
  }
  return calls;
}

describe('Redis round trips per send', () => {
  it.each([
    { count: 1, keyed: false, most: 3, with: 'without' },
    { count: 16, keyed: false, most: 3, with: 'without' },
    { count: 1, keyed: true, most: 4, with: 'with' },
    { count: 16, keyed: true, most: 4, with: 'with' },
  ])(
    'costs at most $most round trips for a send to $count invitees with registered endpoints, $with an Idempotency-Key',
    async ({ count, keyed, most }) => {
      const invitees = Array.from({ length: count }, (_, i) =>
        String(2_814_613_569_650_000 + count * 100 + (keyed ? 50 : 0) + i),
      );
      for (const xuid of invitees) {
        const authorization = await service.userCredential(xuid);
        const registered = await fetch(`${service.url}/users/${xuid}/endpoints/console`, {
          method: 'PUT',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ platform: 'Scarlett' }),
        });
        expect(registered.status).toBe(201);
      }
      const authorization = await service.serviceCredential([TITLE]);
      const sends = 10;
      const before = await commandCalls();
      proxy.reset();
      const started = Date.now();
      for (let i = 0; i < sends; i++) {
        const response = await fetch(`${service.url}/titles/${TITLE}/invites/server`, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/json',
            ...(keyed && { 'idempotency-key': `"round-trips-${count}-${i}"` }),
          },
          body: JSON.stringify({
            invitedUsers: invitees,
            sender: String(2_533_274_792_800_000 + count * 100 + (keyed ? 50 : 0) + i),
          }),
        });
        expect(response.status).toBe(204);
      }
      // A send's wake-ups (and a keyed send's record, marked done) go out after its 204, so the
      // last ones may still be on their way through the proxy: wait (bounded) until Redis has run
      // them, then count exactly.
      const delta = (calls: Map<string, number>, name: string) =>
        (calls.get(name) ?? 0) - (before.get(name) ?? 0);
      const settled = (calls: Map<string, number>) =>
        delta(calls, 'publish') >= count * sends && delta(calls, 'set') >= (keyed ? 4 : 2) * sends;
      let after = await commandCalls();
      for (const deadline = Date.now() + 5000; !settled(after) && Date.now() < deadline; ) {
        await new Promise((resolve) => setImmediate(resolve));
        after = await commandCalls();
      }
      const writes = proxy.writes;
      // The health check (INFO, once a second) may land in the window: one extra write a second.
      const probes = Math.ceil((Date.now() - started) / 1000);
      expect(writes).toBeLessThanOrEqual(most * sends + probes);
      // What the round trips carry, per send: a script per rate window and per invitee (EVAL the
      // first time a script meets this Redis, EVALSHA after), a wake-up per invitee reached, a SET
      // in each rate window's script, and for a keyed send its record claimed (SET NX GET) and
      // marked done (SET XX).
      const perSend = (...names: string[]) =>
        names.reduce((sum, name) => sum + delta(after, name), 0) / sends;
      expect(perSend('evalsha', 'eval')).toBe(2 + count);
      expect(perSend('publish')).toBe(count);
      expect(perSend('set')).toBe(2 + (keyed ? 2 : 0));
      // Every command Redis ran (those inside the scripts included), but the probes'.
      const all = [...after.keys()].filter((name) => name !== 'info' && !name.startsWith('cluster'));
      console.warn(
        `a send to ${count} invitee(s)${keyed ? ' with an Idempotency-Key' : ''}: ${perSend(...all)} Redis commands, ${perSend('evalsha', 'eval')} script calls`,
      );
    },
  );
});
