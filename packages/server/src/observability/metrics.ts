// The metrics port: what the service reports, in its own words. The rest of the code depends on
// this interface only; composition.ts picks the Prometheus implementation or the disabled one,
// and tests inject their own.
import type { DependencyState } from '../lifecycle.ts';

/** The class of an answered status, or `aborted` when the client left before the answer ended. */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'aborted';

export type LimitType = 'Rate' | 'Concurrency';

/** What the replica holds (capacity.ts caps connections and waiting devices; streams are waiting devices). */
export type HeldResource = 'connections' | 'waiting_devices' | 'streams';
/** What a caller can be refused for being past a cap. */
export type CappedResource = HeldResource | 'endpoints' | 'pipelined_requests' | 'request_bodies';

/** The text a scrape returns. */
export interface MetricsExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

export interface Metrics {
  /** False for the disabled implementation: callers skip their instrumentation entirely. */
  readonly enabled: boolean;
  /** Undefined when nothing is exposed (metrics disabled). */
  readonly exposition: MetricsExposition | undefined;
  /** `operation`: a contract operationId, or one of a few fixed words; never a raw URL. */
  requestCompleted(operation: string, statusClass: StatusClass, durationSeconds: number): void;
  /** Invites accepted by sends, one per distinct invitee. */
  invitesSent(count: number): void;
  /** Invites queued for endpoints: one per endpoint reached. */
  invitesDelivered(count: number): void;
  /** Older invites pushed out of full queues by the per-user bound. */
  invitesDropped(count: number): void;
  inviteAcknowledged(): void;
  /** Invites the sweep found expired. */
  invitesExpired(count: number): void;
  /** `window`: the rate window that set the wait, or `in_flight` for the concurrency limit. */
  requestThrottled(limitType: LimitType, window: string): void;
  /** Reports what the replica holds, read at each scrape, and its cap if it has one of its own. */
  holding(resource: HeldResource, read: () => number, cap?: number): void;
  /** A stream sent an event: an invite, or a heartbeat. */
  streamEvent(kind: 'invite' | 'heartbeat'): void;
  /** A caller refused (or a connection closed) for being past a cap. */
  capacityRefused(resource: CappedResource): void;
  /** An idle keep-alive connection closed so that a new caller could be served. */
  idleConnectionClosed(): void;
  storeOperation(store: string, operation: string, durationSeconds: number, failed: boolean): void;
  /** A shared store that may be unreachable or full (Redis): its state is read at each scrape. */
  watchStore(store: string, state: () => DependencyState): void;
}

const nothing = () => {};

/** Records nothing and exposes nothing. */
export const disabledMetrics: Metrics = Object.freeze({
  enabled: false,
  exposition: undefined,
  requestCompleted: nothing,
  invitesSent: nothing,
  invitesDelivered: nothing,
  invitesDropped: nothing,
  inviteAcknowledged: nothing,
  invitesExpired: nothing,
  requestThrottled: nothing,
  holding: nothing,
  capacityRefused: nothing,
  idleConnectionClosed: nothing,
  streamEvent: nothing,
  storeOperation: nothing,
  watchStore: nothing,
});
