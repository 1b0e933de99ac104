// A send through the service on Redis costs a small, constant number of round trips to Redis,
// whatever the number of invitees: the rate windows in one, the delivery (one script per
// invitee, pipelined) in one, the wake-ups in one.
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
  it.each([1, 16])(
    'costs at most 3 round trips for a send to %i invitees with registered endpoints',
    async (count) => {
      const invitees = Array.from({ length: count }, (_, i) =>
        String(2_814_613_569_650_000 + count * 100 + i),
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
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({
            invitedUsers: invitees,
            sender: String(2_533_274_792_800_000 + count * 100 + i),
          }),
        });
        expect(response.status).toBe(204);
      }
      // A send's wake-ups go out after its 204, so the last ones may still be on their way through
      // the proxy: wait (bounded) until Redis has run them, then count exactly.
      const published = (calls: Map<string, number>) =>
        (calls.get('publish') ?? 0) - (before.get('publish') ?? 0);
      let after = await commandCalls();
      for (const deadline = Date.now() + 5000; published(after) < count * sends && Date.now() < deadline; ) {
        await new Promise((resolve) => setImmediate(resolve));
        after = await commandCalls();
      }
      const writes = proxy.writes;
      // The health check's PING (once a second) may land in the window: one extra write a second.
      const pings = Math.ceil((Date.now() - started) / 1000);
      expect(writes).toBeLessThanOrEqual(3 * sends + pings);
      // What the round trips carry, per send: a script per rate window and per invitee (EVAL the
      // first time a script meets this Redis, EVALSHA after), and a wake-up per invitee reached.
      const perSend = (...names: string[]) =>
        names.reduce((sum, name) => sum + (after.get(name) ?? 0) - (before.get(name) ?? 0), 0) / sends;
      expect(perSend('evalsha', 'eval')).toBe(2 + count);
      expect(perSend('publish')).toBe(count);
    },
  );
});
