// Wires the service's parts from the configuration. Tests pass overrides (a clock, a store, a
// failing delivery) instead of patching modules.
import pino, { type Logger } from 'pino';
import type { AppDeps } from './app.ts';
import { type Backend, openBackend } from './backends/backend.ts';
import { inProcessBackend } from './backends/sqlite/sqlite-backend.ts';
import {
  type Capacity,
  type ProcessLimits,
  planCapacity,
  readProcessLimits,
  tokenCacheEntries,
} from './capacity.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type Contract, loadContract } from './contract.ts';
import { createAuthenticator } from './credentials/authenticator.ts';
import { loadVerificationKey } from './credentials/keys.ts';
import type { InviteDelivery, InviteStore } from './invites/delivery.ts';
import { createEndpoints } from './invites/endpoints.ts';
import { createInviteStreams } from './invites/invite-streams.ts';
import { createSendServerInvite } from './invites/send-server-invite.ts';
import { noStoreDeadline, storeDeadline } from './invites/store-deadline.ts';
import { createWaitingRoom, type WaitingRoom } from './invites/waiting-room.ts';
import type { WakeUps } from './invites/wake-ups.ts';
import { createLifecycle } from './lifecycle.ts';
import {
  instrumentConcurrencyLimiter,
  instrumentRateLimiter,
  instrumentWaitingRoom,
} from './observability/instrumented-limits.ts';
import { instrumentDelivery, instrumentInviteStore } from './observability/instrumented-store.ts';
import { createLogDestination } from './observability/log-destination.ts';
import { disabledMetrics, type Metrics } from './observability/metrics.ts';
import { createPrometheusMetrics } from './observability/prometheus-metrics.ts';
import { createConcurrencyLimiter } from './throttling/concurrency-limiter.ts';

export interface Overrides {
  clock?: Clock;
  logger?: Logger;
  /** Replaces the configured backend's store (with wake-ups and rate windows in process). */
  store?: InviteStore;
  /** Replaces only the send side of the store (to inject delivery failures). */
  delivery?: InviteDelivery;
  /** The process limits capacity is planned against; the running process's unless given. */
  processLimits?: ProcessLimits;
  contract?: Contract;
  metrics?: Metrics;
  /** Labels an injected store's metrics (`sqlite`, `redis`, ...); `injected` unless given. */
  storeKind?: string;
}

export interface Dependencies extends AppDeps {
  clock: Clock;
  /** The backend's adapters as they are, without the metrics around them. */
  backend: Backend;
  store: InviteStore;
  wakeUps: WakeUps;
  /** The devices waiting for invites now. */
  room: WaitingRoom;
  capacity: Capacity;
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
      createLogDestination(),
    );
  const metrics = overrides.metrics ?? (config.metrics.enabled ? createPrometheusMetrics() : disabledMetrics);
  // Metrics are decorators around the ports; with metrics off, nothing is wrapped.
  const measured = <T>(value: T, instrument: (value: T, metrics: Metrics) => T): T =>
    metrics.enabled ? instrument(value, metrics) : value;
  // Everything shared between replicas lives in the backend; the in-flight limit stays per
  // replica (README).
  const backend = overrides.store
    ? inProcessBackend(overrides.storeKind ?? 'injected', overrides.store, clock)
    : await openBackend(config, { clock, logger });
  const store = measured(backend.store, (value) => instrumentInviteStore(value, metrics, backend.kind));
  const { wakeUps } = backend;
  const { capacity, warnings } = planCapacity(
    config.capacity,
    overrides.processLimits ?? readProcessLimits(),
  );
  for (const warning of warnings) logger.warn(warning);
  const room = measured(createWaitingRoom({ capacity: capacity.waitingDevices }), instrumentWaitingRoom);
  wakeUps.listen((keys) => room.wake(keys));
  const streams = createInviteStreams({ inbox: store, room, clock, ...config.invites.stream });
  metrics.holding('streams', () => streams.size);
  const { dependency } = backend;
  if (dependency) metrics.watchStore(backend.kind, () => dependency.state());
  const deadline = backend.deadlineMs === undefined ? noStoreDeadline : storeDeadline(backend.deadlineMs);
  const authenticator = createAuthenticator({
    key: await loadVerificationKey(config.auth.keys),
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    clockToleranceSeconds: config.auth.clockToleranceSeconds,
    cacheMaxEntries: config.auth.cacheMaxEntries ?? tokenCacheEntries(capacity),
    clock,
  });
  const rateLimiter = measured(
    backend.rateLimiter([
      { name: 'burst', ...config.throttle.burst },
      { name: 'sustain', ...config.throttle.sustain },
    ]),
    instrumentRateLimiter,
  );
  return {
    clock,
    logger,
    backend,
    store,
    wakeUps,
    room,
    capacity,
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
      wakeUps,
      clock,
      deadline,
      inviteTtlSeconds: config.invites.ttlSeconds,
      idempotency: {
        claim: (record, timing) => store.claim(record, timing),
        release: (record, stored) => store.release(record, stored),
        windowMs: config.invites.idempotencyWindowSeconds * 1000,
        // A request answers within its deadline; what it sent last may take as long again to
        // settle. Past that, a retry may take the send over (and finds what it stored).
        leaseMs: 2 * (backend.deadlineMs ?? 1000),
      },
    }),
    endpoints: createEndpoints({
      inbox: store,
      room,
      defaultEndpointTtlSeconds: config.invites.defaultEndpointTtlSeconds,
      maxEndpointsPerUser: config.invites.maxEndpointsPerUser,
      deadline,
    }),
    streams,
    lifecycle: createLifecycle(backend.dependency),
    bodyLimitBytes: config.http.bodyLimitBytes,
    bodyBytesInFlight: config.http.maxBodyBytesInFlight,
    validateResponses: config.validateResponses,
    corsOrigins: config.corsOrigins,
  };
}
