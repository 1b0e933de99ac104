// One Redis server and one Cluster, each with a client, for tests that hold Redis code to the same
// behaviour on both topologies.
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../../src/backends/redis/test-servers.ts';

export interface RedisPair {
  server: RedisServer;
  cluster: RedisCluster;
  /** A client of `server`. */
  standalone: Redis;
  /** A client of `cluster`. */
  clustered: Cluster;
  /** Disconnects the clients and removes both. */
  remove(): Promise<void>;
}

export async function startRedisPair(standaloneOptions: RedisOptions = {}): Promise<RedisPair> {
  const [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  const standalone = new Redis(server.url, standaloneOptions);
  const clustered = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]?.port ?? 0 }]);
  return {
    server,
    cluster,
    standalone,
    clustered,
    async remove() {
      standalone.disconnect();
      clustered.disconnect();
      await Promise.all([server.remove(), cluster.remove()]);
    },
  };
}
