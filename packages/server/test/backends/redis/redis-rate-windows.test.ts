// The rate windows in Redis (redis-rate-windows.ts): the rate windows' contract on one server and
// on a Cluster, and what they hold and cost there.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUnavailable } from '../../../src/backends/redis/connection.ts';
import { createRedisRateLimiter, rateWindowsKey } from '../../../src/backends/redis/redis-rate-windows.ts';
import { type RedisPair, startRedisPair } from '../../support/redis-pair.ts';
import { describeRateLimiterContract, windows } from '../../throttling/rate-limiter-contract.ts';

let redis: RedisPair;
let server: RedisPair['server'];
let standalone: RedisPair['standalone'];
let clusterClient: RedisPair['clustered'];

beforeAll(async () => {
  redis = await startRedisPair({ enableAutoPipelining: true });
  ({ server, standalone, clustered: clusterClient } = redis);
}, 30_000);

afterAll(() => redis?.remove());

describeRateLimiterContract('in Redis, one server', (given, clock) =>
  createRedisRateLimiter({ client: standalone, windows: given, clock, failure: redisUnavailable }),
);

describeRateLimiterContract('in a Redis Cluster', (given, clock) =>
  createRedisRateLimiter({ client: clusterClient, windows: given, clock, failure: redisUnavailable }),
);

describe('rate windows in Redis', () => {
  const clock = { now: () => Date.now() };

  it('keeps every window of a key in one key, until its longest window is over', async () => {
    const limiter = createRedisRateLimiter({ client: standalone, windows, clock, failure: redisUnavailable });
    const key = `1827805096:2533274790000001:${Date.now()}`;
    const before = Date.now();
    await limiter.consume(key);
    await limiter.consume(key);
    const value = await standalone.get(rateWindowsKey(key));
    const [burstStart, burstCount, sustainStart, sustainCount] = (value ?? '').split(',').map(Number);
    expect([burstCount, sustainCount]).toEqual([2, 2]);
    expect(burstStart).toBe(sustainStart);
    expect(burstStart).toBeGreaterThanOrEqual(before);
    const ttl = await standalone.pttl(rateWindowsKey(key));
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    expect(await standalone.keys(`si:rw:{${key}}*`)).toHaveLength(1);
  });

  it('costs Redis one script call, a GET and a SET, whatever the number of windows', async () => {
    const limiter = createRedisRateLimiter({ client: standalone, windows, clock, failure: redisUnavailable });
    const key = `1827805096:2533274790000002:${Date.now()}`;
    await limiter.consume(key);
    const calls = async () => {
      const stats = await server.cli('info', 'commandstats');
      const count = (name: string) =>
        Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
      return { scripts: count('evalsha') + count('eval'), get: count('get'), set: count('set') };
    };
    const before = await calls();
    for (let i = 0; i < 10; i++) await limiter.consume(key);
    const after = await calls();
    expect({
      scripts: after.scripts - before.scripts,
      get: after.get - before.get,
      set: after.set - before.set,
    }).toEqual({ scripts: 10, get: 10, set: 10 });
  });

  it('answers ServiceUnavailable (retry in a second) when Redis cannot be reached, never a refusal', async () => {
    const gone = new Redis(server.url, { enableOfflineQueue: false, lazyConnect: true });
    const limiter = createRedisRateLimiter({ client: gone, windows, clock, failure: redisUnavailable });
    await expect(limiter.consume('1827805096:2533274790000003')).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      retryAfterSeconds: 1,
    });
    gone.disconnect();
  });
});
