// The receive side: a user's devices register as endpoints, receive the invites queued for them
// (waiting for one when asked to), and acknowledge them.
import type { Platform } from '@server-invites/types';
import type { Credential } from '../credentials/claims.ts';
import { ServiceError } from '../errors.ts';
import { type EndpointInbox, endpointKey } from './delivery.ts';
import type { Endpoint, Invite } from './invite.ts';
import type { InviteNotifier } from './invite-notifier.ts';
import { noStoreDeadline, type StoreDeadline } from './store-deadline.ts';

export interface EndpointDeps {
  inbox: EndpointInbox;
  notifier: InviteNotifier;
  defaultEndpointTtlSeconds: number;
  /** Bounds each request's work on the store (a long poll's before and after its wait, each). */
  deadline?: StoreDeadline;
}

export interface EndpointTarget {
  credential: Credential | undefined;
  xuid: string;
  endpointId: string;
}

export interface Endpoints {
  register(
    target: EndpointTarget,
    registration: { platform: Platform; ttlSeconds?: number },
  ): Promise<{ endpoint: Endpoint; created: boolean }>;
  unregister(target: EndpointTarget): Promise<void>;
  /**
   * Pending invites; when none and waitSeconds > 0, waits for one, up to waitSeconds. With
   * `deliverable`, only the invites it accepts count: the others are left out (and left queued until
   * they expire), so that one invite that cannot be delivered never hides the rest, nor turns a
   * long poll into an immediate empty answer.
   */
  receive(
    target: EndpointTarget,
    waitSeconds: number,
    signal?: AbortSignal,
    deliverable?: (invite: Invite) => boolean,
  ): Promise<Invite[]>;
  acknowledge(target: EndpointTarget, inviteId: string): Promise<void>;
}

export function createEndpoints(deps: EndpointDeps): Endpoints {
  const { inbox, notifier } = deps;
  const deadline = deps.deadline ?? noStoreDeadline;

  async function pendingOrNotFound({ xuid, endpointId }: EndpointTarget): Promise<Invite[]> {
    const invites = await inbox.pending(xuid, endpointId);
    if (invites === undefined) throw new ServiceError('NotFound', `endpoint ${endpointId} is not registered`);
    return invites;
  }

  return {
    async register(target, registration) {
      authorize(target);
      return deadline.run(() =>
        inbox.register({
          xuid: target.xuid,
          endpointId: target.endpointId,
          platform: registration.platform,
          ttlSeconds: registration.ttlSeconds ?? deps.defaultEndpointTtlSeconds,
        }),
      );
    },

    async unregister(target) {
      authorize(target);
      await deadline.run(() => inbox.unregister(target.xuid, target.endpointId));
    },

    async receive(target, waitSeconds, signal, deliverable) {
      authorize(target);
      const keep = (invites: Invite[]) => (deliverable ? invites.filter(deliverable) : invites);
      if (waitSeconds === 0) return keep(await deadline.run(() => pendingOrNotFound(target)));
      // Subscribed before reading, so an invite arriving between the read and the wait wakes us.
      const subscription = notifier.subscribe(endpointKey(target.xuid, target.endpointId));
      try {
        const invites = await deadline.run(async (check) => {
          await subscription.ready();
          check();
          return keep(await pendingOrNotFound(target));
        });
        if (invites.length > 0) return invites;
        await subscription.wait(waitSeconds * 1000, signal);
        return keep((await deadline.run(() => inbox.pending(target.xuid, target.endpointId))) ?? []);
      } finally {
        subscription.cancel();
      }
    },

    async acknowledge(target, inviteId) {
      authorize(target);
      if (!(await deadline.run(() => inbox.acknowledge(target.xuid, target.endpointId, inviteId)))) {
        throw new ServiceError('NotFound', `invite ${inviteId} is not pending for this endpoint`);
      }
    },
  };
}

/** Only the user's own credential may act on the user's endpoints. */
function authorize({ credential, xuid }: EndpointTarget): void {
  if (credential?.kind !== 'user' || credential.xuid !== xuid) {
    throw ServiceError.authorization(`the credential may not act for user ${xuid}`);
  }
}
