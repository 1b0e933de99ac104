// The ports between the invite use cases and storage. Async and store-agnostic so that a shared
// store (Redis, a database) can replace the embedded SQLite one for several replicas.
import type { Platform } from '@server-invites/types';
import type { ClaimedRecord, IdempotencyRecords } from './idempotency.ts';
import type { Endpoint, Invite } from './invite.ts';

/** Identifies one endpoint's queue: `<xuid>/<endpointId>`. */
export type EndpointKey = string;
export const endpointKey = (xuid: string, endpointId: string): EndpointKey => `${xuid}/${endpointId}`;

/**
 * An invite as a queue holds it: with its place among its user's invites, which only grows (a
 * stream's cursor: invites after it are new to the device).
 */
export type QueuedInvite = Invite & { seq: number };
/** A send with an Idempotency-Key, as its delivery sees it. */
export interface KeyedSend {
  record: ClaimedRecord;
  /** An earlier attempt may have stored some of its invites. */
  resumed: boolean;
}

/** What one send did to the queues. */
export interface DeliveryReceipt {
  /** The endpoints whose queues received an invite of this send. */
  reached: EndpointKey[];
  /** Older invites that this send pushed out of full queues (the per-user bound). */
  dropped: number;
  /** Invites of a resumed keyed send that were stored already (by an earlier attempt): not again. */
  repeated?: number;
  /**
   * The store has told the devices waiting on `reached` itself, on every replica, as it stored the
   * invites (Redis on one server publishes from inside its delivery script): no wake-up to send.
   */
  woken?: boolean;
}

/** What a sweep reclaimed. */
export interface SweepReport {
  /** Invites that reached their expiry while still queued or kept. */
  expiredInvites: number;
  expiredEndpoints: number;
}

export interface InviteDelivery {
  /**
   * Stores every invite of one send at once and queues each for every endpoint its invitee has
   * registered. `keyed`: the send has an Idempotency-Key; its record is marked done once its
   * invites are stored, and when it resumes an earlier attempt, an invite whose id that attempt
   * stored is neither stored nor queued again (the ids are the same: idempotency.ts). An
   * implementation whose store is unreachable throws ServiceError ServiceUnavailable, so callers
   * may retry.
   */
  deliver(invites: readonly Invite[], keyed?: KeyedSend): Promise<DeliveryReceipt>;
}

/** The live endpoints a user may have when the deployment does not say (MAX_ENDPOINTS_PER_USER). */
export const DEFAULT_MAX_ENDPOINTS_PER_USER = 32;

/**
 * What a registration did: made the endpoint (`created`) or refreshed it, or nothing, because the
 * user already has the most live endpoints allowed (`full`). A refresh is never refused.
 */
export type Registration = { endpoint: Endpoint; created: boolean; full?: never } | { full: true };

export interface EndpointInbox {
  /**
   * Registers or refreshes an endpoint; `created` is false when it was registered and live. A new
   * endpoint of a user who has `maxEndpointsPerUser` live ones already is refused (`full`), so
   * that no user's fan-out (every send stores one queue entry per endpoint) grows without bound.
   */
  register(registration: {
    xuid: string;
    endpointId: string;
    platform: Platform;
    ttlSeconds: number;
  }): Promise<Registration>;
  /** Removes the endpoint and its queue; removing an unknown endpoint is not an error. */
  unregister(xuid: string, endpointId: string): Promise<void>;
  /** The live invites queued for a live endpoint, oldest first; undefined if not registered. */
  pending(xuid: string, endpointId: string): Promise<QueuedInvite[] | undefined>;
  /** Takes the invite off the endpoint's queue; false if it was not pending there. */
  acknowledge(xuid: string, endpointId: string, inviteId: string): Promise<boolean>;
}

export interface InviteStore extends InviteDelivery, EndpointInbox, IdempotencyRecords {
  /** Every live invite sent to a user, oldest first, whatever their endpoints. */
  pendingFor(xuid: string): Promise<Invite[]>;
  /** Deletes expired invites, registrations and idempotency records. */
  sweep(): Promise<SweepReport>;
  close(): void;
}
