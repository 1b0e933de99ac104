// Wake-ups across replicas: two replicas' wake-ups on their own connections, on one Redis server
// (pub/sub) and on a Redis Cluster (sharded pub/sub).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis, type RedisConnection } from '../../../src/backends/redis/connection.ts';
import { createRedisInviteStore } from '../../../src/backends/redis/redis-invite-store.ts';
import {
  createRedisWakeUps,
  type RedisWakeUps,
  WAKE_BUCKETS,
  wakeBucket,
  wakeChannel,
} from '../../../src/backends/redis/redis-wake-ups.ts';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../../../src/backends/redis/test-servers.ts';
import type { RedisTarget } from '../../../src/config.ts';

const logger = pino({ level: 'silent' });
let server: RedisServer;
let cluster: RedisCluster;
const connections: RedisConnection[] = [];

beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
}, 30_000);

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()));
  await Promise.all([server?.remove(), cluster?.remove()]);
});

/** A replica's wake-ups, with what its listener heard. */
function replica(target: RedisTarget) {
  const connection = connectRedis(target, logger);
  connections.push(connection);
  const wakeUps = createRedisWakeUps({
    publisher: connection.client,
    subscriber: connection.subscriber,
    sharded: connection.kind === 'cluster',
  });
  const heard: string[] = [];
  wakeUps.listen((keys) => heard.push(...keys));
  return { wakeUps, heard, connection };
}

const standalone = (): RedisTarget => ({ kind: 'standalone', url: server.url, commandTimeoutMs: 1000 });
const clustered = (): RedisTarget => ({
  kind: 'cluster',
  nodes: cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
  commandTimeoutMs: 1000,
});

/** How many connections subscribe to a bucket's channel, over every node of the target. */
async function subscribers(kind: 'standalone' | 'cluster', bucket: number): Promise<number> {
  if (kind === 'standalone') {
    return Number((await server.cli('pubsub', 'numsub', wakeChannel(bucket))).split('\n')[1]);
  }
  let total = 0;
  for (const node of cluster.nodes) {
    const reply = await node.cli('pubsub', 'shardnumsub', wakeChannel(bucket));
    total += Number(reply.trim().split('\n')[1] ?? 0);
  }
  return total;
}

const subscribed = (wakeUps: RedisWakeUps) => wakeUps.subscribed;

describe.each([
  ['one Redis server (PUBLISH/SUBSCRIBE)', 'standalone', standalone],
  ['a Redis Cluster (SPUBLISH/SSUBSCRIBE)', 'cluster', clustered],
] as const)('Redis wake-ups on %s', (_name, kind, target) => {
  const A = '1000000000000001';
  const B = '1000000000000002';

  it('carries the endpoints one replica publishes to every replica, and nothing else', async () => {
    const [holder, sender] = [replica(target()), replica(target())];
    await Promise.all([subscribed(holder.wakeUps), subscribed(sender.wakeUps)]);
    sender.wakeUps.publish([`${A}/phone`, `${B}/console`]);
    await vi.waitFor(() => expect(holder.heard.sort()).toEqual([`${A}/phone`, `${B}/console`]));
    await vi.waitFor(() => expect(sender.heard.sort()).toEqual([`${A}/phone`, `${B}/console`]));
  });

  it('subscribes each replica to every bucket once, whatever waits: waiting sends Redis nothing', async () => {
    const before = await subscribers(kind, wakeBucket(A));
    const holder = replica(target());
    await subscribed(holder.wakeUps);
    for (const bucket of [0, wakeBucket(A), WAKE_BUCKETS - 1]) {
      expect(await subscribers(kind, bucket)).toBe(before + 1);
    }
  });
});

describe('Redis wake-ups published by the store on one server', () => {
  it('carries the endpoints a delivery reached to every replica, from the delivery itself, and nothing for one that reached none', async () => {
    const [holder, sender] = [replica(standalone()), replica(standalone())];
    await Promise.all([subscribed(holder.wakeUps), subscribed(sender.wakeUps)]);
    const clock = { now: () => Date.now() };
    const store = createRedisInviteStore({ client: sender.connection.client, clock, maxPendingPerUser: 100 });
    const A = '1000000000000011';
    const B = '1000000000000012';
    for (const endpointId of ['phone', 'console'])
      await store.register({ xuid: A, endpointId, platform: 'Android', ttlSeconds: 60 });
    const at = clock.now();
    const invite = (invitedUser: string, n: number) => ({
      id: `00000000-0000-4000-8000-0000000000${n}`,
      titleId: 42,
      sender: '9',
      invitedUser,
      connectionString: 'cs',
      createdAtMs: at,
      expiresAtMs: at + 60_000,
    });
    // B has no endpoint: its invite reaches nothing, and wakes nothing.
    const receipt = await store.deliver([invite(B, 10), invite(A, 11)]);
    expect(receipt).toMatchObject({ woken: true });
    expect(receipt.reached.sort()).toEqual([`${A}/console`, `${A}/phone`]);
    await vi.waitFor(() => expect(holder.heard.sort()).toEqual([`${A}/console`, `${A}/phone`]));
    await vi.waitFor(() => expect(sender.heard.sort()).toEqual([`${A}/console`, `${A}/phone`]));
    // Published once: a later wake-up arrives alone.
    sender.wakeUps.publish([`${B}/tablet`]);
    await vi.waitFor(() => expect(holder.heard).toHaveLength(3));
    expect(holder.heard.at(-1)).toBe(`${B}/tablet`);
  });
});

describe('Redis wake-ups across a Redis restart', () => {
  it('subscribes again when Redis returns, so that wake-ups flow again without a restart of the replica', async () => {
    const own = await startRedisServer();
    try {
      const target: RedisTarget = { kind: 'standalone', url: own.url, commandTimeoutMs: 1000 };
      const holder = replica(target);
      await subscribed(holder.wakeUps);
      await own.stop();
      await own.start();
      await vi.waitFor(async () => expect(await subscribers0(own)).toBe(1), {
        timeout: 10_000,
        interval: 50,
      });
      await expectWakeUpsReach(holder, target);
    } finally {
      await own.remove();
    }
  });

  it('subscribes once Redis is there, for a replica started while it was not', async () => {
    const own = await startRedisServer();
    try {
      await own.stop();
      const target: RedisTarget = { kind: 'standalone', url: own.url, commandTimeoutMs: 200 };
      const holder = replica(target);
      await own.start();
      await subscribed(holder.wakeUps);
      await expectWakeUpsReach(holder, target);
    } finally {
      await own.remove();
    }
  });
});

/** A wake-up another replica publishes on `target` reaches `holder`. */
async function expectWakeUpsReach(holder: ReturnType<typeof replica>, target: RedisTarget): Promise<void> {
  const sender = replica(target);
  await subscribed(sender.wakeUps);
  sender.wakeUps.publish(['1000000000000001/console']);
  await vi.waitFor(() => expect(holder.heard).toEqual(['1000000000000001/console']));
}

/** Subscribers of bucket 0's channel (every replica subscribes to every bucket). */
async function subscribers0(own: RedisServer): Promise<number> {
  return Number((await own.cli('pubsub', 'numsub', wakeChannel(0))).split('\n')[1]);
}
