// Decorates any InviteStore (SQLite, Redis, ...) with its latency and errors, and reads the
// invite counts off what its operations report. Applied in composition.ts, so the stores and the
// use cases stay free of metrics code.
import type { DeliveryReceipt, InviteDelivery, InviteStore } from '../invites/delivery.ts';
import type { Invite } from '../invites/invite.ts';
import type { Metrics } from './metrics.ts';

/**
 * Runs one store operation; `counted` reads what its result reports. Both are recorded in the one
 * reaction to the operation's promise: a send, on every request, pays for no second one.
 */
type Timed = <T>(operation: string, run: () => Promise<T>, counted?: (result: T) => void) => Promise<T>;

/** Records each operation's latency, and whether it failed, when its promise settles. */
function timer(metrics: Metrics, kind: string): Timed {
  return (operation, run, counted) => {
    const started = performance.now();
    const record = (failed: boolean) =>
      metrics.storeOperation(kind, operation, (performance.now() - started) / 1000, failed);
    // A store that throws instead of rejecting is recorded as a failure as well.
    let pending: ReturnType<typeof run>;
    try {
      pending = run();
    } catch (error) {
      record(true);
      return Promise.reject(error);
    }
    return pending.then(
      (result) => {
        record(false);
        counted?.(result);
        return result;
      },
      (error: unknown) => {
        record(true);
        throw error;
      },
    );
  };
}

function measuredDeliver(
  delivery: InviteDelivery,
  metrics: Metrics,
  timed: Timed,
): InviteDelivery['deliver'] {
  const countInvites = (invites: readonly Invite[], receipt: DeliveryReceipt) => {
    // A resumed keyed send's invites stored by an earlier attempt were counted then.
    metrics.invitesSent(invites.length - (receipt.repeated ?? 0));
    metrics.invitesDelivered(receipt.reached.length);
    if (receipt.dropped > 0) metrics.invitesDropped(receipt.dropped);
  };
  return (invites, keyed) =>
    timed(
      'deliver',
      () => delivery.deliver(invites, keyed),
      (receipt) => countInvites(invites, receipt),
    );
}

/** The send side alone (composition lets tests replace it). */
export function instrumentDelivery(delivery: InviteDelivery, metrics: Metrics, kind: string): InviteDelivery {
  return { deliver: measuredDeliver(delivery, metrics, timer(metrics, kind)) };
}

/** `kind` labels the store's series: `sqlite`, `redis`, ... */
export function instrumentInviteStore(store: InviteStore, metrics: Metrics, kind: string): InviteStore {
  const timed = timer(metrics, kind);
  return {
    deliver: measuredDeliver(store, metrics, timed),
    claim: (record, timing) => timed('claim', () => store.claim(record, timing)),
    release: (record, stored) => timed('release', () => store.release(record, stored)),
    register: (registration) =>
      timed(
        'register',
        () => store.register(registration),
        (outcome) => {
          if (outcome.full) metrics.capacityRefused('endpoints');
        },
      ),
    unregister: (xuid, endpointId) => timed('unregister', () => store.unregister(xuid, endpointId)),
    pending: (xuid, endpointId) => timed('pending', () => store.pending(xuid, endpointId)),
    acknowledge: (xuid, endpointId, inviteId) =>
      timed(
        'acknowledge',
        () => store.acknowledge(xuid, endpointId, inviteId),
        (acknowledged) => {
          if (acknowledged) metrics.inviteAcknowledged();
        },
      ),
    pendingFor: (xuid) => timed('pendingFor', () => store.pendingFor(xuid)),
    sweep: () =>
      timed(
        'sweep',
        () => store.sweep(),
        (report) => {
          if (report.expiredInvites > 0) metrics.invitesExpired(report.expiredInvites);
        },
      ),
    close: () => store.close(),
  };
}
