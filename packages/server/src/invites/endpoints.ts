// The receive side: a user's devices register as endpoints, receive the invites queued for them
// (waiting for one when asked to), and acknowledge them.
import type { Platform } from '@server-invites/types';
import type { Credential } from '../credentials/claims.ts';
import { ServiceError } from '../errors.ts';
import { type EndpointInbox, endpointKey } from './delivery.ts';
import type { Endpoint, Invite } from './invite.ts';
import { noStoreDeadline, type StoreDeadline } from './store-deadline.ts';
import type { Departure, WaitingRoom } from './waiting-room.ts';

export interface EndpointDeps {
  inbox: EndpointInbox;
  /** Where devices wait for invites, within the replica's capacity. */
  room: WaitingRoom;
  defaultEndpointTtlSeconds: number;
  /** The most live endpoints of one user (the store enforces it; named in the refusal). */
  maxEndpointsPerUser: number;
  /** A uniform random number in [0, 1), for spreading refused devices' retries; Math.random unless given. */
  random?: () => number;
  /** Bounds each request's work on the store (a long poll's before and after its wait, each). */
  deadline?: StoreDeadline;
}

/**
 * A device refused a wait (the room is full) is told to come back within this many seconds,
 * spread at random, so that the devices refused together do not all return together.
 */
export const WAIT_REFUSED_RETRY_AFTER_SECONDS = { min: 1, max: 5 } as const;

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
    departure?: Departure,
    deliverable?: (invite: Invite) => boolean,
  ): Promise<Invite[]>;
  acknowledge(target: EndpointTarget, inviteId: string): Promise<void>;
}

export function createEndpoints(deps: EndpointDeps): Endpoints {
  const { inbox, room } = deps;
  const random = deps.random ?? Math.random;
  const deadline = deps.deadline ?? noStoreDeadline;

  async function pendingOrNotFound({ xuid, endpointId }: EndpointTarget): Promise<Invite[]> {
    const invites = await inbox.pending(xuid, endpointId);
    if (invites === undefined) throw new ServiceError('NotFound', `endpoint ${endpointId} is not registered`);
    return invites;
  }

  return {
    async register(target, registration) {
      authorize(target);
      const outcome = await deadline.run(() =>
        inbox.register({
          xuid: target.xuid,
          endpointId: target.endpointId,
          platform: registration.platform,
          ttlSeconds: registration.ttlSeconds ?? deps.defaultEndpointTtlSeconds,
        }),
      );
      if (outcome.full) {
        throw new ServiceError(
          'TooManyEndpoints',
          `user ${target.xuid} has ${deps.maxEndpointsPerUser} live endpoints, the most allowed; unregister one first`,
        );
      }
      return outcome;
    },

    async unregister(target) {
      authorize(target);
      await deadline.run(() => inbox.unregister(target.xuid, target.endpointId));
    },

    async receive(target, waitSeconds, departure, deliverable) {
      authorize(target);
      const keep = (invites: Invite[]) => (deliverable ? invites.filter(deliverable) : invites);
      if (waitSeconds === 0) return keep(await deadline.run(() => pendingOrNotFound(target)));
      // Entered before reading, so an invite arriving between the read and the wait wakes it.
      const wait = room.enter(endpointKey(target.xuid, target.endpointId), waitSeconds * 1000, departure);
      try {
        const invites = keep(await deadline.run(() => pendingOrNotFound(target)));
        if (invites.length > 0) return invites;
        // A full room refuses the wait, not the read: what is pending was answered above.
        if (!wait) throw waitRefused(random);
        await wait.ended;
        return keep((await deadline.run(() => inbox.pending(target.xuid, target.endpointId))) ?? []);
      } finally {
        wait?.leave();
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
export function authorize({ credential, xuid }: EndpointTarget): void {
  if (credential?.kind !== 'user' || credential.xuid !== xuid) {
    throw ServiceError.authorization(`the credential may not act for user ${xuid}`);
  }
}

/** The answer to a device the room has no place for (a poll that would wait, or a stream). */
export function waitRefused(random: () => number, stream = false): ServiceError {
  const { min, max } = WAIT_REFUSED_RETRY_AFTER_SECONDS;
  return new ServiceError(
    'ServiceUnavailable',
    `this instance holds as many waiting devices as it can; retry after Retry-After seconds${stream ? '' : ', or poll without waitSeconds'}`,
    { retryAfterSeconds: min + Math.floor(random() * (max - min + 1)) },
  );
}
