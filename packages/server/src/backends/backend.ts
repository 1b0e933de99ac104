// The backend: where the service keeps what it shares (invites and registrations, wake-ups, rate
// windows), chosen once from the configuration. Each backend provides every adapter behind the
// domain's ports; nothing else in the service asks which backend it runs on.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { InviteStore } from '../invites/delivery.ts';
import type { WakeUps } from '../invites/wake-ups.ts';
import type { Dependency } from '../lifecycle.ts';
import type { RateLimiter, RateWindow } from '../throttling/rate-limiter.ts';
import { openRedisBackend } from './redis/redis-backend.ts';
import { openSqliteBackend } from './sqlite/sqlite-backend.ts';

export interface Backend {
  /** Labels the store's metrics: `sqlite`, `redis`, or what a test injected. */
  kind: string;
  store: InviteStore;
  /** Carries wake-ups from sends to the devices waiting on their endpoints (across replicas). */
  wakeUps: WakeUps;
  /** Counts requests in these windows (across replicas, on a shared store). */
  rateLimiter(windows: readonly RateWindow[]): RateLimiter;
  /** What readiness checks (a shared store that may be unreachable); absent: always healthy. */
  dependency?: Dependency;
  /** How long one request's work on the store may take, all its calls together; absent: unbounded. */
  deadlineMs?: number;
}

export interface BackendContext {
  clock: Clock;
  logger: Logger;
}

/** Redis when configured (several replicas), else the embedded SQLite file (one process). */
export function openBackend(config: Readonly<Config>, context: BackendContext): Promise<Backend> {
  return config.redis
    ? openRedisBackend(config.redis, config.invites, context)
    : Promise.resolve(openSqliteBackend(config.invites, context));
}
