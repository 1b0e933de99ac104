// The delivery port: where accepted invites go. Async and store-agnostic so that a durable or
// shared store can replace the embedded one.
import type { Clock } from '../clock.ts';
import type { Invite } from './invite.ts';

export interface InviteDelivery {
  /**
   * Hands over every invite of one send at once; resolves when all are stored. An implementation
   * whose store is unreachable throws ServiceError ServiceUnavailable, so callers may retry.
   */
  deliver(invites: readonly Invite[]): Promise<void>;
}

/** The embedded default: each invitee's pending invites, in memory, until they expire. */
export interface InMemoryInviteStore extends InviteDelivery {
  /** The invites pending for a user, oldest first, expired ones left out. */
  pendingFor(xuid: string): Invite[];
}

export function createInMemoryInviteStore(options: {
  clock: Clock;
  maxPendingPerUser: number;
}): InMemoryInviteStore {
  const pending = new Map<string, Invite[]>();
  const live = (invites: Invite[]) => {
    const now = options.clock.now();
    return invites.filter((invite) => invite.expiresAtMs > now);
  };
  return {
    async deliver(invites) {
      for (const invite of invites) {
        const queue = live(pending.get(invite.invitedUser) ?? []);
        queue.push(invite);
        // Bounded per user: the oldest invites give way to new ones.
        pending.set(invite.invitedUser, queue.slice(-options.maxPendingPerUser));
      }
    },
    pendingFor(xuid) {
      const queue = live(pending.get(xuid) ?? []);
      if (queue.length === 0) pending.delete(xuid);
      else pending.set(xuid, queue);
      return [...queue];
    },
  };
}
