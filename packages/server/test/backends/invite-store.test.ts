// One store contract (invite-store-contract.ts), three implementations: the embedded SQLite
// store, the Redis store on one server, and the Redis store on a 3-node Redis Cluster.
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { createRedisInviteStore } from '../../src/backends/redis/redis-invite-store.ts';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../../src/backends/redis/test-servers.ts';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import { describeInviteStoreContract } from './invite-store-contract.ts';

describeInviteStoreContract('SQLite', {
  create: ({ clock, maxPendingPerUser, maxEndpointsPerUser }) =>
    createSqliteInviteStore({ path: ':memory:', clock, maxPendingPerUser, maxEndpointsPerUser }),
});

let server: RedisServer;
let standalone: Redis;
let cluster: RedisCluster;
let clusterClient: Cluster;

beforeAll(async () => {
  [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  standalone = new Redis(server.url, { enableAutoPipelining: true });
  clusterClient = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]?.port ?? 0 }], {
    enableAutoPipelining: true,
  });
}, 30_000);

afterAll(async () => {
  standalone?.disconnect();
  clusterClient?.disconnect();
  await Promise.all([server?.remove(), cluster?.remove()]);
});

describeInviteStoreContract('Redis', {
  create: ({ clock, maxPendingPerUser, maxEndpointsPerUser }) =>
    createRedisInviteStore({ client: standalone, clock, maxPendingPerUser, maxEndpointsPerUser }),
  reset: async () => {
    await standalone.flushall();
  },
  // On one server the delivery script publishes the wake-ups (redis-wake-ups.test.ts hears them).
  wakes: true,
});

describeInviteStoreContract('Redis Cluster', {
  create: ({ clock, maxPendingPerUser, maxEndpointsPerUser }) =>
    createRedisInviteStore({ client: clusterClient, clock, maxPendingPerUser, maxEndpointsPerUser }),
  reset: () => cluster.flush(),
});
