// The Redis the service-on-Redis configuration runs against: Debian's redis-server on a free
// loopback port of the same machine, in a temporary directory (the server's test harness),
// configured as the README recommends (AOF, appendfsync everysec, noeviction). Its INFO counters
// give what a send costs.
import { startRedisServer } from '@server-invites/server/testing/redis';

export interface RedisCounters {
  /** Reads of client sockets: with pipelining, one per batch a client sent (a round trip). */
  readsProcessed: number;
  commandsProcessed: number;
}

export interface BenchRedis {
  url: string;
  counters(): Promise<RedisCounters>;
  stop(): Promise<void>;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const redis = await startRedisServer({ appendfsync: 'everysec' });
  return {
    url: redis.url,
    async counters() {
      const stats = await redis.cli('info', 'stats');
      const field = (name: string) =>
        Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(stats)?.[1] ?? Number.NaN);
      return {
        readsProcessed: field('total_reads_processed'),
        commandsProcessed: field('total_commands_processed'),
      };
    },
    stop: () => redis.remove(),
  };
}
