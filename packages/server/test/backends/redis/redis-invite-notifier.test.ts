// Wake-ups across replicas: two notifiers on their own connections, as two replicas have, on one
// Redis server (pub/sub) and on a Redis Cluster (sharded pub/sub).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../../../src/backends/redis/connection.ts';
import { createRedisInviteNotifier } from '../../../src/backends/redis/redis-invite-notifier.ts';
import {
  freePort,
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../../../src/backends/redis/test-servers.ts';
import type { RedisTarget } from '../../../src/config.ts';
import { ServiceError } from '../../../src/errors.ts';
import type { InviteNotifier } from '../../../src/invites/invite-notifier.ts';

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

async function replica(target: RedisTarget, wait = true): Promise<InviteNotifier> {
  const connection = connectRedis(target, logger);
  connections.push(connection);
  if (wait) expect(await connection.firstAttempt(10_000)).toBe(true);
  return createRedisInviteNotifier({
    publisher: connection.client,
    subscriber: connection.subscriber,
    sharded: connection.kind === 'cluster',
  });
}

/** Resolves true if the promise settles before the other one. */
const first = (promise: Promise<unknown>, other: Promise<unknown>) =>
  Promise.race([promise.then(() => true), other.then(() => false)]);

const targets: [string, () => RedisTarget, () => Promise<number>][] = [
  [
    'one Redis server (PUBLISH/SUBSCRIBE)',
    () => ({ kind: 'standalone', url: server.url, commandTimeoutMs: 1000 }),
    async () => Number((await server.cli('pubsub', 'numsub', 'si:{1000000000000001}:wake')).split('\n')[1]),
  ],
  [
    'a Redis Cluster (SPUBLISH/SSUBSCRIBE)',
    () => ({
      kind: 'cluster',
      nodes: cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      commandTimeoutMs: 1000,
    }),
    async () => {
      let total = 0;
      for (const node of cluster.nodes) {
        const reply = await node.cli('pubsub', 'shardnumsub', 'si:{1000000000000001}:wake');
        total += Number(reply.trim().split('\n')[1] ?? 0);
      }
      return total;
    },
  ],
];

describe.each(targets)('Redis invite notifier on %s', (_name, target, subscribers) => {
  const A = '1000000000000001';

  it('wakes a long poll held by one replica when another replica notifies its endpoint, and only that endpoint', async () => {
    const [holder, sender] = await Promise.all([replica(target()), replica(target())]);
    const console_ = holder.subscribe(`${A}/console`);
    const phone = holder.subscribe(`${A}/phone`);
    await Promise.all([console_.ready(), phone.ready()]);
    const consoleWoken = console_.wait(10_000);
    const phoneWoken = phone.wait(10_000);
    sender.notify([`${A}/phone`]);
    // Messages on one channel arrive in order: had the phone's wake-up woken the console, it
    // would have settled by the time the phone's wait did.
    expect(await first(phoneWoken, consoleWoken)).toBe(true);
    sender.notify([`${A}/console`]);
    expect(await first(consoleWoken, new Promise((resolve) => setTimeout(resolve, 5000)))).toBe(true);
    console_.cancel();
    phone.cancel();
  });

  it('subscribes once per user however many polls wait on it, and unsubscribes after the last', async () => {
    const holder = await replica(target());
    const polls = ['a', 'b', 'c'].map((endpointId) => holder.subscribe(`${A}/${endpointId}`));
    await Promise.all(polls.map((poll) => poll.ready()));
    expect(await subscribers()).toBe(1);
    for (const poll of polls) poll.cancel();
    // The unsubscribe is sent after the last cancel; a ready() on the same connection orders after it.
    const probe = holder.subscribe('1000000000000009/x');
    await probe.ready();
    probe.cancel();
    expect(await subscribers()).toBe(0);
  });
});

describe('Redis invite notifier without Redis', () => {
  it('refuses a long poll with ServiceUnavailable (Retry-After 1) within the command timeout', async () => {
    const port = await freePort();
    const holder = await replica(
      { kind: 'standalone', url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 200 },
      false,
    );
    const poll = holder.subscribe('1000000000000001/console');
    const error = await poll.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: 'ServiceUnavailable', retryAfterSeconds: 1 });
    poll.cancel();
  });
});
