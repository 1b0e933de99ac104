// Several replicas as one service: invites, registrations, wake-ups and rate windows in Redis (one
// server or a Cluster); see the README's "Running several replicas".
import type { Config, RedisTarget } from '../../config.ts';
import type { Backend, BackendContext } from '../backend.ts';
import { checkEvictionPolicy, connectRedis } from './connection.ts';
import { createRedisInviteStore } from './redis-invite-store.ts';
import { redisLimiters } from './redis-limiters.ts';
import { createRedisWakeUps } from './redis-wake-ups.ts';

const REDIS_START_TIMEOUT_MS = 10_000;

export async function openRedisBackend(
  target: RedisTarget,
  invites: Config['invites'],
  { clock, logger }: BackendContext,
): Promise<Backend> {
  const redis = connectRedis(target, logger);
  redis.client.once('ready', () => void checkEvictionPolicy(redis, logger));
  // Start-up waits a while for Redis; without it the instance still starts, not ready (503).
  if (!(await redis.connected(REDIS_START_TIMEOUT_MS))) {
    logger.warn('Redis is not reachable yet; readiness answers 503 until it is');
  }
  return {
    kind: 'redis',
    store: createRedisInviteStore({
      client: redis.client,
      clock,
      maxPendingPerUser: invites.maxPendingPerUser,
      maxEndpointsPerUser: invites.maxEndpointsPerUser,
      onClose: () => void redis.close(),
    }),
    wakeUps: createRedisWakeUps({
      publisher: redis.client,
      subscriber: redis.subscriber,
      sharded: redis.kind === 'cluster',
    }),
    limiters: redisLimiters(redis.client),
    dependency: redis,
  };
}
