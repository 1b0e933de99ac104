// Several replicas as one service: invites, registrations, wake-ups and rate windows in Redis (one
// server or a Cluster); see the README's "Running several replicas".
import type { Config, RedisTarget } from '../../config.ts';
import type { Backend, BackendContext } from '../backend.ts';
import { checkEvictionPolicy, connectRedis } from './connection.ts';
import { createRedisInviteStore } from './redis-invite-store.ts';
import { createRedisRateLimiter } from './redis-rate-windows.ts';
import { createRedisWakeUps } from './redis-wake-ups.ts';

/** At most this long for a Redis that neither answers nor refuses (a black-holed address). */
const REDIS_START_TIMEOUT_MS = 5_000;

export async function openRedisBackend(
  target: RedisTarget,
  invites: Config['invites'],
  { clock, logger }: BackendContext,
): Promise<Backend> {
  const redis = connectRedis(target, logger);
  redis.client.once('ready', () => void checkEvictionPolicy(redis, logger));
  // Start-up waits for the first attempt's outcome only: a Redis that is up is ready within
  // milliseconds, so the first requests find it; one that is down or refuses the credentials has
  // said so (connection.ts logs why), and the instance starts anyway, not ready (503), while the
  // clients retry until Redis answers.
  await redis.firstAttempt(REDIS_START_TIMEOUT_MS);
  return {
    kind: 'redis',
    store: createRedisInviteStore({
      client: redis.client,
      clock,
      maxPendingPerUser: invites.maxPendingPerUser,
      maxEndpointsPerUser: invites.maxEndpointsPerUser,
      failure: redis.failure,
      wrote: redis.wrote,
      onClose: () => void redis.close(),
    }),
    wakeUps: createRedisWakeUps({
      publisher: redis.client,
      subscriber: redis.subscriber,
      sharded: redis.kind === 'cluster',
    }),
    rateLimiter: (windows) =>
      createRedisRateLimiter({ client: redis.client, windows, clock, failure: redis.failure }),
    dependency: redis,
    // A request's calls together get what one command gets: a 503 within the configured time.
    deadlineMs: target.commandTimeoutMs,
  };
}
