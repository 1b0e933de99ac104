// The Metrics port with prom-client, on a Registry of its own: two instances in one process (tests,
// a bench target) never share or clash over series, and nothing else registers into it. The series
// a request updates are bound once (bound-series.ts); the rest are prom-client's own.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { DependencyState } from '../lifecycle.ts';
import { BoundCounter, BoundHistogram, type CounterSeries, type HistogramSeries } from './bound-series.ts';
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

  const requests = new BoundCounter({
    name: 'http_requests_total',
    help: 'Requests answered, by operationId and status class.',
    labelNames: ['operation', 'status_class'],
    registry,
  });
  const requestDuration = new BoundHistogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching the app to its response ending (long polls included), by operationId and status class.',
    labelNames: ['operation', 'status_class'],
    buckets: REQUEST_BUCKETS,
    registry,
  });
  const counter = (name: string, help: string) => new BoundCounter({ name, help, registry }).bind();
  const sent = counter('invites_sent_total', 'Invites accepted by sends, one per distinct invitee.');
  const delivered = counter(
    'invites_delivered_total',
    'Invites queued for endpoints, one per endpoint reached.',
  );
  const dropped = counter(
    'invites_dropped_total',
    'Older invites pushed out of full queues by the per-user bound (INVITE_MAX_PENDING_PER_USER).',
  );
  const acknowledged = counter('invites_acknowledged_total', 'Invites acknowledged by an endpoint.');
  const expired = counter(
    'invites_expired_total',
    'Invites that reached their expiry unacknowledged, counted by the periodic sweep.',
  );
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
  const streamEvents = new BoundCounter({
    name: 'stream_events_total',
    help: 'Events sent on invite streams, by event (invite, heartbeat).',
    labelNames: ['event'],
    registry,
  });
  const streamInvites = streamEvents.bind({ event: 'invite' });
  const streamHeartbeats = streamEvents.bind({ event: 'heartbeat' });
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
  const storeDuration = new BoundHistogram({
    name: 'store_operation_duration_seconds',
    help: 'Invite store operations, by store kind and operation.',
    labelNames: ['store', 'operation'],
    buckets: STORE_BUCKETS,
    registry,
  });
  const storeErrors = new BoundCounter({
    name: 'store_operation_errors_total',
    help: 'Invite store operations that failed, by store kind and operation.',
    labelNames: ['store', 'operation'],
    registry,
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

  // The series a request updates, bound at their first use and found again without building a
  // string or an object: by operation (a contract operationId or a fixed word), then status class.
  // Both sets are bounded (the contract's operations, the store's operations).
  interface RequestSeries {
    count: CounterSeries;
    duration: HistogramSeries;
  }
  const requestSeries = new Map<string, Map<StatusClass, RequestSeries>>();
  const storeSeries = new Map<string, Map<string, { duration: HistogramSeries; errors: CounterSeries }>>();

  return {
    enabled: true,
    exposition: {
      contentType: registry.contentType,
      text: () => registry.metrics(),
    },
    requestCompleted(operation: string, statusClass: StatusClass, durationSeconds: number) {
      let byClass = requestSeries.get(operation);
      if (byClass === undefined) {
        byClass = new Map();
        requestSeries.set(operation, byClass);
      }
      let series = byClass.get(statusClass);
      if (series === undefined) {
        const labels = { operation, status_class: statusClass };
        series = { count: requests.bind(labels), duration: requestDuration.bind(labels) };
        byClass.set(statusClass, series);
      }
      series.count.value += 1;
      series.duration.observe(durationSeconds);
    },
    invitesSent: (count) => {
      sent.value += count;
    },
    invitesDelivered: (count) => {
      delivered.value += count;
    },
    invitesDropped: (count) => {
      dropped.value += count;
    },
    inviteAcknowledged: () => {
      acknowledged.value += 1;
    },
    invitesExpired: (count) => {
      expired.value += count;
    },
    requestThrottled: (limitType, window) => throttled.inc({ limit_type: limitType, window }),
    holding(resource, read, cap) {
      held[resource].read = read;
      if (cap !== undefined) capacityLimit.set({ resource }, cap);
    },
    streamEvent: (kind) => {
      (kind === 'invite' ? streamInvites : streamHeartbeats).value += 1;
    },
    capacityRefused: (resource) => refusals.inc({ resource }),
    idleConnectionClosed: () => idleClosed.inc(),
    storeOperation(store, operation, durationSeconds, failed) {
      let byOperation = storeSeries.get(store);
      if (byOperation === undefined) {
        byOperation = new Map();
        storeSeries.set(store, byOperation);
      }
      let series = byOperation.get(operation);
      if (series === undefined) {
        // Both bound at the first operation: the errors series is there at 0, so that rate()
        // sees the first error.
        series = {
          duration: storeDuration.bind({ store, operation }),
          errors: storeErrors.bind({ store, operation }),
        };
        byOperation.set(operation, series);
      }
      series.duration.observe(durationSeconds);
      if (failed) series.errors.value += 1;
    },
    watchStore(store, state) {
      watchedStores.set(store, state);
    },
  };
}
