// What a send through the service on Redis (one server) costs Redis, whatever the number of
// invitees: two round trips in a row (the rate windows, then the delivery: one script per invitee,
// pipelined, which also indexes the invitee for the sweep and publishes the wake-up), and for a
// send with an Idempotency-Key, its record read first (so that a retry answered from it costs no
// quota) and marked done after. And the commands Redis runs for it, those inside the scripts
// included, counted from INFO commandstats: at most 12, in 2 script calls, for one invitee with
// one endpoint.
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

describe('What a send costs Redis', () => {
  it.each([
    { count: 1, keyed: false, most: 2, with: 'without' },
    { count: 16, keyed: false, most: 2, with: 'without' },
    { count: 1, keyed: true, most: 4, with: 'with' },
    { count: 16, keyed: true, most: 4, with: 'with' },
  ])(
    'costs at most $most round trips for a send to $count invitees with an endpoint each, $with an Idempotency-Key',
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
            ...(keyed && { 'idempotency-key': `"send-cost-${count}-${i}"` }),
          },
          body: JSON.stringify({
            invitedUsers: invitees,
            sender: String(2_533_274_792_800_000 + count * 100 + (keyed ? 50 : 0) + i),
          }),
        });
        expect(response.status).toBe(204);
      }
      // A keyed send's record is marked done after its 204, so the last one may still be on its
      // way through the proxy: wait (bounded) until Redis has run it, then count exactly.
      const delta = (calls: Map<string, number>, name: string) =>
        (calls.get(name) ?? 0) - (before.get(name) ?? 0);
      const settled = (calls: Map<string, number>) => delta(calls, 'set') >= (keyed ? 3 : 1) * sends;
      let after = await commandCalls();
      for (const deadline = Date.now() + 5000; !settled(after) && Date.now() < deadline; ) {
        await new Promise((resolve) => setImmediate(resolve));
        after = await commandCalls();
      }
      const writes = proxy.writes;
      // The health check (INFO, once a second) may land in the window: one extra write a second.
      const probes = Math.ceil((Date.now() - started) / 1000);
      expect(writes).toBeLessThanOrEqual(most * sends + probes);
      // What the round trips carry, per send: one script for the rate windows and one per invitee
      // (EVAL the first time a script meets this Redis, EVALSHA after), a wake-up per invitee
      // reached (published by its script), the rate windows' SET, and for a keyed send its record
      // claimed (SET NX GET) and marked done (SET XX).
      const perSend = (...names: string[]) =>
        names.reduce((sum, name) => sum + delta(after, name), 0) / sends;
      const scripts = perSend('evalsha', 'eval');
      expect(scripts).toBe(1 + count);
      expect(perSend('publish')).toBe(count);
      expect(perSend('set')).toBe(1 + (keyed ? 2 : 0));
      // Every command Redis ran (those inside the scripts included), but the probes'.
      const all = [...after.keys()].filter((name) => name !== 'info' && !name.startsWith('cluster'));
      const commands = perSend(...all);
      // Per invitee: its script, HGETALL (endpoints), HSETNX (the invite), INCR (its sequence),
      // ZADD on its order, its expiry and its endpoint's queue, ZADD in the sweep index, PUBLISH.
      // Per send: the rate windows' script, GET and SET; a keyed send's two SETs.
      expect(commands).toBe(3 + 9 * count + (keyed ? 2 : 0));
      if (count === 1 && !keyed) {
        expect(commands).toBeLessThanOrEqual(12);
        expect(scripts).toBeLessThanOrEqual(2);
      }
      console.warn(
        `a send to ${count} invitee(s)${keyed ? ' with an Idempotency-Key' : ''}: ${commands} Redis commands, ${scripts} script calls`,
      );
    },
  );
});
