// Rate windows shared by every replica: rate-limiter-flexible's Redis store counts each window
// in Redis (one atomic increment-with-expiry per window), so burst and sustain hold for the whole
// fleet exactly, and `msBeforeNext` (Retry-After) is the window's real remaining time in Redis.
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { LimiterFactory } from '../../throttling/rate-limiter.ts';
import type { RedisClient } from './connection.ts';

export function redisLimiters(client: RedisClient): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      keyPrefix: `si:rl:${options.keyPrefix ?? 'rate'}`,
      storeClient: client,
      // While Redis is down, fail at once (a 503) instead of waiting for the command timeout.
      rejectIfRedisNotReady: true,
    });
}
