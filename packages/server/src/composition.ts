// Wires the service's parts from the configuration. Tests pass overrides (a clock, a store, a
// failing delivery) instead of patching modules.
import pino, { type Logger } from 'pino';
import type { AppDeps } from './app.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type Contract, loadContract } from './contract.ts';
import { createAuthenticator } from './credentials/authenticator.ts';
import { loadVerificationKey } from './credentials/keys.ts';
import type { InviteDelivery, InviteStore } from './invites/delivery.ts';
import { createEndpoints } from './invites/endpoints.ts';
import { createInviteNotifier, type InviteNotifier } from './invites/invite-notifier.ts';
import { createRedisInviteNotifier } from './invites/redis-invite-notifier.ts';
import { createRedisInviteStore } from './invites/redis-invite-store.ts';
import { createSendServerInvite } from './invites/send-server-invite.ts';
import { createSqliteInviteStore } from './invites/sqlite-invite-store.ts';
import { createLifecycle } from './lifecycle.ts';
import {
  instrumentConcurrencyLimiter,
  instrumentNotifier,
  instrumentRateLimiter,
} from './observability/instrumented-limits.ts';
import { instrumentDelivery, instrumentInviteStore } from './observability/instrumented-store.ts';
import { disabledMetrics, type Metrics } from './observability/metrics.ts';
import { createPrometheusMetrics } from './observability/prometheus-metrics.ts';
import { checkEvictionPolicy, connectRedis } from './redis/connection.ts';
import { boundedMemoryLimiters } from './throttling/bounded-memory-limiter.ts';
import { createConcurrencyLimiter } from './throttling/concurrency-limiter.ts';
import { createRateLimiter, type LimiterFactory } from './throttling/rate-limiter.ts';
import { redisLimiters } from './throttling/redis-limiters.ts';

const REDIS_START_TIMEOUT_MS = 10_000;

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  store?: InviteStore;
  /** Replaces only the send side of the store (to inject delivery failures). */
  delivery?: InviteDelivery;
  notifier?: InviteNotifier;
  limiterFactory?: LimiterFactory;
  contract?: Contract;
  metrics?: Metrics;
  /** Labels an injected store's metrics (`sqlite`, `redis`, ...); `injected` unless given. */
  storeKind?: string;
}

export interface Dependencies extends AppDeps {
  clock: Clock;
  store: InviteStore;
  notifier: InviteNotifier;
  metrics: Metrics;
}

export async function buildDependencies(
  config: Readonly<Config>,
  overrides: Overrides = {},
): Promise<Dependencies> {
  const clock = overrides.clock ?? systemClock;
  const logger =
    overrides.logger ??
    pino(
      // No redaction: no line carries request headers (the request log writes the id, method,
      // URL and status it picks), and redacting cost every line a copy of its object.
      { level: config.logLevel },
      // Written asynchronously: lines logged while a write is in flight go out together in one
      // write, instead of one blocking write per request. pino flushes what is left on exit. If
      // whatever reads stdout stalls, lines beyond 16 MiB of backlog are dropped rather than the
      // heap growing without bound.
      pino.destination({ dest: 1, sync: false, maxLength: 16 * 1024 * 1024 }),
    );
  const metrics = overrides.metrics ?? (config.metrics.enabled ? createPrometheusMetrics() : disabledMetrics);
  // Metrics are decorators around the ports; with metrics off, nothing is wrapped.
  const measured = <T>(value: T, instrument: (value: T, metrics: Metrics) => T): T =>
    metrics.enabled ? instrument(value, metrics) : value;
  // With Redis configured, everything shared between replicas lives there: invites and
  // registrations, wake-ups, rate windows. The in-flight limit stays per replica (README).
  const redis = config.redis && !overrides.store ? connectRedis(config.redis, logger) : undefined;
  if (redis) {
    redis.client.once('ready', () => void checkEvictionPolicy(redis, logger));
    // Start-up waits a while for Redis; without it the instance still starts, not ready (503).
    if (!(await redis.connected(REDIS_START_TIMEOUT_MS))) {
      logger.warn('Redis is not reachable yet; readiness answers 503 until it is');
    }
  }
  const storeKind = overrides.store ? (overrides.storeKind ?? 'injected') : redis ? 'redis' : 'sqlite';
  const store = measured(
    overrides.store ??
      (redis
        ? createRedisInviteStore({
            client: redis.client,
            clock,
            maxPendingPerUser: config.invites.maxPendingPerUser,
            onClose: () => void redis.close(),
          })
        : createSqliteInviteStore({
            path: config.invites.storePath,
            clock,
            maxPendingPerUser: config.invites.maxPendingPerUser,
          })),
    (value) => instrumentInviteStore(value, metrics, storeKind),
  );
  const notifier = measured(
    overrides.notifier ??
      (redis
        ? createRedisInviteNotifier({
            publisher: redis.client,
            subscriber: redis.subscriber,
            sharded: redis.kind === 'cluster',
          })
        : createInviteNotifier()),
    instrumentNotifier,
  );
  const authenticator = createAuthenticator({
    key: await loadVerificationKey(config.auth.keys),
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    clockToleranceSeconds: config.auth.clockToleranceSeconds,
    cacheMaxEntries: config.auth.cacheMaxEntries,
    clock,
  });
  const rateLimiter = measured(
    createRateLimiter(
      [
        { name: 'burst', ...config.throttle.burst },
        { name: 'sustain', ...config.throttle.sustain },
      ],
      overrides.limiterFactory ?? (redis ? redisLimiters(redis.client) : boundedMemoryLimiters(clock)),
    ),
    instrumentRateLimiter,
  );
  return {
    clock,
    logger,
    store,
    notifier,
    metrics,
    // Served on the service's port unless it has a port of its own (server.ts) or is off.
    publicMetrics: config.metrics.port === undefined ? metrics.exposition : undefined,
    contract: overrides.contract ?? loadContract(),
    authenticator,
    concurrency: measured(
      createConcurrencyLimiter(config.throttle.concurrencyPerCaller),
      instrumentConcurrencyLimiter,
    ),
    sendServerInvite: createSendServerInvite({
      rateLimiter,
      delivery: overrides.delivery
        ? measured(overrides.delivery, (value) => instrumentDelivery(value, metrics, 'injected'))
        : store,
      notifier,
      clock,
      inviteTtlSeconds: config.invites.ttlSeconds,
    }),
    endpoints: createEndpoints({
      inbox: store,
      notifier,
      defaultEndpointTtlSeconds: config.invites.defaultEndpointTtlSeconds,
    }),
    lifecycle: createLifecycle(redis),
    bodyLimitBytes: config.http.bodyLimitBytes,
    validateResponses: config.validateResponses,
    corsOrigins: config.corsOrigins,
  };
}
