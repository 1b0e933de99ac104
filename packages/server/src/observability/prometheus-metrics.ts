// The Metrics port with prom-client, on a Registry of its own: two instances in one process (tests,
// a bench target) never share or clash over series, and nothing else registers into it.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DependencyState } from '../lifecycle.ts';
import type { HeldResource, Metrics, StatusClass } from './metrics.ts';

// Long polls wait up to 30 s, so the request buckets reach 30 s; most answers take milliseconds.
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export interface PrometheusMetricsOptions {
  /** Process metrics (event-loop lag, heap, RSS, GC, handles); on unless false. */
  processMetrics?: boolean;
}

export function createPrometheusMetrics(options: PrometheusMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by operationId and status class.',
    labelNames: ['operation', 'status_class'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching the app to its response ending (long polls included), by operationId and status class.',
    labelNames: ['operation', 'status_class'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'invites_sent_total',
    help: 'Invites accepted by sends, one per distinct invitee.',
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'invites_delivered_total',
    help: 'Invites queued for endpoints, one per endpoint reached.',
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'invites_dropped_total',
    help: 'Older invites pushed out of full queues by the per-user bound (INVITE_MAX_PENDING_PER_USER).',
    registers: [registry],
  });
  const acknowledged = new Counter({
    name: 'invites_acknowledged_total',
    help: 'Invites acknowledged by an endpoint.',
    registers: [registry],
  });
  const expired = new Counter({
    name: 'invites_expired_total',
    help: 'Invites that reached their expiry unacknowledged, counted by the periodic sweep.',
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'throttled_requests_total',
    help: 'Requests answered 429, by limit type (Rate, Concurrency) and window (burst, sustain, in_flight).',
    labelNames: ['limit_type', 'window'] as const,
    registers: [registry],
  });
  // Read at each scrape from what holds them, so that a wait or a connection costs no update.
  const held: Record<HeldResource, { read: () => number }> = {
    connections: { read: () => 0 },
    waiting_devices: { read: () => 0 },
    streams: { read: () => 0 },
  };
  new Gauge({
    name: 'invite_streams_open',
    help: 'Invite streams (Server-Sent Events) open now; each is also a waiting device.',
    registers: [registry],
    collect() {
      this.set(held.streams.read());
    },
  });
  const streamEvents = new Counter({
    name: 'stream_events_total',
    help: 'Events sent on invite streams, by event (invite, heartbeat).',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const streamInvites = streamEvents.labels({ event: 'invite' });
  const streamHeartbeats = streamEvents.labels({ event: 'heartbeat' });
  new Gauge({
    name: 'long_polls_waiting',
    help: 'Devices waiting for an invite now (long polls).',
    registers: [registry],
    collect() {
      this.set(held.waiting_devices.read());
    },
  });
  new Gauge({
    name: 'open_connections',
    help: 'HTTP connections open now, idle keep-alive ones included.',
    registers: [registry],
    collect() {
      this.set(held.connections.read());
    },
  });
  const capacityLimit = new Gauge({
    name: 'capacity_limit',
    help: 'What this replica holds at most, by resource (connections, waiting_devices), as planned at start-up.',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'capacity_refusals_total',
    help: 'Callers refused for being past a cap, by resource (connections, waiting_devices, endpoints, pipelined_requests, request_bodies).',
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const idleClosed = new Counter({
    name: 'idle_connections_closed_total',
    help: 'Idle keep-alive connections closed so that new callers could be served at the connection cap.',
    registers: [registry],
  });
  const storeDuration = new Histogram({
    name: 'store_operation_duration_seconds',
    help: 'Invite store operations, by store kind and operation.',
    labelNames: ['store', 'operation'] as const,
    buckets: STORE_BUCKETS,
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'store_operation_errors_total',
    help: 'Invite store operations that failed, by store kind and operation.',
    labelNames: ['store', 'operation'] as const,
    registers: [registry],
  });

  // Shared stores, read when scraped: nothing is recorded between scrapes.
  const watchedStores = new Map<string, () => DependencyState>();
  new Gauge({
    name: 'store_reachable',
    help: 'Whether the shared store (Redis) answers: 1, or 0 while it is down, unreachable or hung (readiness then answers 503).',
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const [store, state] of watchedStores) this.set({ store }, state() === 'unavailable' ? 0 : 1);
    },
  });
  new Gauge({
    name: 'store_refusing_writes',
    help: 'Whether the shared store answers but refuses writes (Redis at maxmemory with noeviction): 1, else 0. Sends and registrations then answer 503; receiving, acknowledging and unregistering still work.',
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const [store, state] of watchedStores) this.set({ store }, state() === 'full' ? 1 : 0);
    },
  });

  // Each series' bound children are made once and kept here, so that a request builds no labels
  // object and no child per observation (prom-client still hashes the labels inside each call;
  // its API has no way around that). The label sets are bounded (operations of the contract x
  // status classes, store operations), so these maps are too.
  const requestSeries = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<string> }>();
  const storeSeries = new Map<string, { duration: Histogram.Internal<string>; errors: Counter.Internal }>();

  return {
    enabled: true,
    exposition: {
      contentType: registry.contentType,
      text: () => registry.metrics(),
    },
    requestCompleted(operation: string, statusClass: StatusClass, durationSeconds: number) {
      const key = `${operation} ${statusClass}`;
      let series = requestSeries.get(key);
      if (series === undefined) {
        const labels = { operation, status_class: statusClass };
        series = {
          count: requests.labels(labels),
          duration: requestDuration.labels(labels),
        };
        requestSeries.set(key, series);
      }
      series.count.inc();
      series.duration.observe(durationSeconds);
    },
    invitesSent: (count) => sent.inc(count),
    invitesDelivered: (count) => delivered.inc(count),
    invitesDropped: (count) => dropped.inc(count),
    inviteAcknowledged: () => acknowledged.inc(),
    invitesExpired: (count) => expired.inc(count),
    requestThrottled: (limitType, window) => throttled.inc({ limit_type: limitType, window }),
    holding(resource, read, cap) {
      held[resource].read = read;
      if (cap !== undefined) capacityLimit.set({ resource }, cap);
    },
    streamEvent: (kind) => (kind === 'invite' ? streamInvites : streamHeartbeats).inc(),
    capacityRefused: (resource) => refusals.inc({ resource }),
    idleConnectionClosed: () => idleClosed.inc(),
    storeOperation(store, operation, durationSeconds, failed) {
      const key = `${store} ${operation}`;
      let series = storeSeries.get(key);
      if (series === undefined) {
        const labels = { store, operation };
        series = {
          duration: storeDuration.labels(labels),
          errors: storeErrors.labels(labels),
        };
        // Present at 0 from the first operation, so that rate() sees the first error.
        series.errors.inc(0);
        storeSeries.set(key, series);
      }
      series.duration.observe(durationSeconds);
      if (failed) series.errors.inc();
    },
    watchStore(store, state) {
      watchedStores.set(store, state);
    },
  };
}
