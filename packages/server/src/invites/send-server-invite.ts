// The use case: a game server invites players on behalf of a sender.
import { randomUUID } from 'node:crypto';
import type { SendServerInviteRequest } from '@server-invites/types';
import type { Clock } from '../clock.ts';
import type { Credential } from '../credentials/claims.ts';
import { ServiceError } from '../errors.ts';
import { limitingWindow, type RateLimiter, type WindowState } from '../throttling/rate-limiter.ts';
import type { InviteDelivery } from './delivery.ts';
import type { Invite } from './invite.ts';
import type { InviteNotifier } from './invite-notifier.ts';
import { noStoreDeadline, type StoreDeadline } from './store-deadline.ts';

export interface SendServerInviteDeps {
  rateLimiter: RateLimiter;
  delivery: InviteDelivery;
  /** Wakes the long polls of the endpoints that received an invite. */
  notifier: InviteNotifier;
  clock: Clock;
  /** Bounds the request's work on the store, all of its calls together. */
  deadline?: StoreDeadline;
  inviteTtlSeconds: number;
  newId?: () => string;
}

export interface SendServerInviteCommand {
  credential: Credential;
  titleId: number;
  request: SendServerInviteRequest;
}

export interface SendServerInviteResult {
  /** How many distinct users were invited. */
  invited: number;
  /** The sender's rate windows after this request, for the caller to pace itself. */
  windows: WindowState[];
}

export type SendServerInvite = (command: SendServerInviteCommand) => Promise<SendServerInviteResult>;

export function createSendServerInvite(deps: SendServerInviteDeps): SendServerInvite {
  const newId = deps.newId ?? randomUUID;
  const deadline = deps.deadline ?? noStoreDeadline;
  return async ({ credential, titleId, request }) => {
    authorize(credential, titleId);
    return deadline.run(async (check) => {
      const decision = await deps.rateLimiter.consume(`${titleId}:${request.sender}`);
      if (!decision.allowed) throw throttled(decision.windows);
      check();

      const createdAtMs = deps.clock.now();
      const expiresAtMs = createdAtMs + deps.inviteTtlSeconds * 1000;
      const invitees = [...new Set(request.invitedUsers)];
      const invites = invitees.map(
        (invitedUser): Invite => ({
          id: newId(),
          titleId,
          sender: request.sender,
          invitedUser,
          connectionString: request.connectionString ?? '',
          ...(request.platform === undefined ? {} : { platform: request.platform }),
          createdAtMs,
          expiresAtMs,
        }),
      );
      const receipt = await deps.delivery.deliver(invites);
      deps.notifier.notify(receipt.reached);
      return { invited: invites.length, windows: decision.windows };
    });
  };
}

function authorize(credential: Credential, titleId: number): void {
  if (credential.kind !== 'service') {
    throw ServiceError.authorization(
      'server invites need a service credential (XBL3.0 x=-;<token>); a user credential may not send them',
    );
  }
  if (!credential.titleIds.has(titleId)) {
    throw ServiceError.authorization(`the credential may not act for title ${titleId}`);
  }
}

function throttled(windows: WindowState[]): ServiceError {
  // The real wait: until every exceeded window has reset.
  const worst = limitingWindow(windows);
  if (!worst) throw new Error('a refused request exceeded none of its rate windows');
  const { window } = worst;
  return ServiceError.throttled({
    entity: {
      version: 1,
      currentRequests: worst.consumed,
      maxRequests: window.limit,
      periodInSeconds: window.windowSeconds,
      limitType: 'Rate',
      debugMessage: `at most ${window.limit} invites per ${window.windowSeconds} seconds for this sender and title`,
    },
    retryAfterSeconds: Math.max(1, Math.ceil(worst.resetMs / 1000)),
    windows,
  });
}
