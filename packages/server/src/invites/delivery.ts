// The ports between the invite use cases and storage. Async and store-agnostic so that a shared
// store (Redis, a database) can replace the embedded SQLite one for several replicas.
import type { Platform } from '@server-invites/types';
import type { Endpoint, Invite } from './invite.ts';

/** Identifies one endpoint's queue: `<xuid>/<endpointId>`. */
export type EndpointKey = string;
export const endpointKey = (xuid: string, endpointId: string): EndpointKey => `${xuid}/${endpointId}`;

/** What one send did to the queues. */
export interface DeliveryReceipt {
  /** The endpoints whose queues received an invite of this send. */
  reached: EndpointKey[];
  /** Older invites that this send pushed out of full queues (the per-user bound). */
  dropped: number;
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
   * registered. An implementation whose store is unreachable throws ServiceError
   * ServiceUnavailable, so callers may retry.
   */
  deliver(invites: readonly Invite[]): Promise<DeliveryReceipt>;
}

export interface EndpointInbox {
  /** Registers or refreshes an endpoint; `created` is false when it was registered and live. */
  register(registration: {
    xuid: string;
    endpointId: string;
    platform: Platform;
    ttlSeconds: number;
  }): Promise<{ endpoint: Endpoint; created: boolean }>;
  /** Removes the endpoint and its queue; removing an unknown endpoint is not an error. */
  unregister(xuid: string, endpointId: string): Promise<void>;
  /** The live invites queued for a live endpoint, oldest first; undefined if not registered. */
  pending(xuid: string, endpointId: string): Promise<Invite[] | undefined>;
  /** Takes the invite off the endpoint's queue; false if it was not pending there. */
  acknowledge(xuid: string, endpointId: string, inviteId: string): Promise<boolean>;
}

export interface InviteStore extends InviteDelivery, EndpointInbox {
  /** Every live invite sent to a user, oldest first, whatever their endpoints. */
  pendingFor(xuid: string): Promise<Invite[]>;
  /** Deletes expired invites and registrations. */
  sweep(): Promise<SweepReport>;
  close(): void;
}
