// The use case: a game server invites players on behalf of a sender.
import { randomUUID } from 'node:crypto';
import type { SendServerInviteRequest } from '@server-invites/types';
import type { Clock } from '../clock.ts';
import type { Credential } from '../credentials/claims.ts';
import { ServiceError } from '../errors.ts';
import { limitingWindow, type RateLimiter, type WindowState } from '../throttling/rate-limiter.ts';
import type { InviteDelivery, KeyedSend } from './delivery.ts';
import { type IdempotencyRecords, idempotencyRecord, idempotentInviteId } from './idempotency.ts';
import type { Invite } from './invite.ts';
import { noStoreDeadline, type StoreDeadline } from './store-deadline.ts';
import type { WakeUps } from './wake-ups.ts';

export interface SendServerInviteDeps {
  rateLimiter: RateLimiter;
  delivery: InviteDelivery;
  /** Wakes the devices waiting on the endpoints that received an invite. */
  wakeUps: WakeUps;
  clock: Clock;
  /** Bounds the request's work on the store, all of its calls together. */
  deadline?: StoreDeadline;
  inviteTtlSeconds: number;
  /** Keyed sends' records (idempotency.ts); absent: only sends without a key (unit tests). */
  idempotency?: IdempotencyRecords & {
    /** How long a record is kept: a retry within it gets the first send's answer. */
    windowMs: number;
    /** How long a claim holds a record: longer than a request can take (its deadline). */
    leaseMs: number;
  };
  newId?: () => string;
}

export interface SendServerInviteCommand {
  credential: Credential;
  titleId: number;
  request: SendServerInviteRequest;
  /** The request's Idempotency-Key (unquoted), if it has one. */
  idempotencyKey?: string | undefined;
}

export interface SendServerInviteResult {
  /** How many distinct users were invited. */
  invited: number;
  /** The sender's rate windows after this request, for the caller to pace itself; none for a replay. */
  windows: WindowState[];
}

export type SendServerInvite = (command: SendServerInviteCommand) => Promise<SendServerInviteResult>;

export function createSendServerInvite(deps: SendServerInviteDeps): SendServerInvite {
  const newId = deps.newId ?? randomUUID;
  const deadline = deps.deadline ?? noStoreDeadline;
  const ttlMs = deps.inviteTtlSeconds * 1000;

  /** Stores and queues the invites of a send made at `createdAtMs`; wakes their endpoints. */
  async function deliver(
    titleId: number,
    request: SendServerInviteRequest,
    invitees: readonly string[],
    createdAtMs: number,
    idOf: (invitee: string) => string,
    keyed?: KeyedSend,
  ): Promise<void> {
    const invites = invitees.map(
      (invitedUser): Invite => ({
        id: idOf(invitedUser),
        titleId,
        sender: request.sender,
        invitedUser,
        connectionString: request.connectionString ?? '',
        ...(request.platform === undefined ? {} : { platform: request.platform }),
        createdAtMs,
        expiresAtMs: createdAtMs + ttlMs,
      }),
    );
    // A resumed send completes the send as first made: an invite whose time ran out meanwhile
    // is not sent (it could duplicate one that was delivered, then expired and was swept).
    const live = createdAtMs + ttlMs > deps.clock.now() ? invites : [];
    const receipt = await deps.delivery.deliver(live, keyed);
    if (!receipt.woken) deps.wakeUps.publish(receipt.reached);
  }

  return async ({ credential, titleId, request, idempotencyKey }) => {
    authorize(credential, titleId);
    const invitees = [...new Set(request.invitedUsers)];
    return deadline.run(async (check) => {
      if (idempotencyKey === undefined) {
        const decision = await consume(titleId, request);
        check();
        await deliver(titleId, request, invitees, deps.clock.now(), () => newId());
        return { invited: invitees.length, windows: decision.windows };
      }

      const records = deps.idempotency;
      // Wiring, not the caller: composition.ts always gives the store's records.
      if (!records) throw new Error('a keyed send needs idempotency records');
      const claim = await records.claim(
        idempotencyRecord(credential.subject, titleId, idempotencyKey, request, invitees),
        { nowMs: deps.clock.now(), leaseMs: records.leaseMs, windowMs: records.windowMs },
      );
      switch (claim.outcome) {
        case 'completed':
          return { invited: invitees.length, windows: [] };
        case 'in-progress':
          throw inProgress(claim.retryAfterMs);
        case 'reused':
          throw new ServiceError(
            'IdempotencyKeyReused',
            'this Idempotency-Key was used for a send with another body; use a new key for a new send',
          );
      }
      const { record } = claim;
      // Whether any invite of this send may be stored by now (an earlier attempt's, or this one's).
      let mayHaveStored = claim.resumed;
      try {
        check();
        const decision = await consume(titleId, request);
        check();
        mayHaveStored = true;
        await deliver(
          titleId,
          request,
          invitees,
          record.createdAtMs,
          (invitee) => idempotentInviteId(record, invitee),
          { record, resumed: claim.resumed },
        );
        return { invited: invitees.length, windows: decision.windows };
      } catch (error) {
        // A retry then resumes it (the same invites), or, if nothing was stored, starts afresh.
        records.release(record, mayHaveStored).catch(() => {});
        throw error;
      }
    });
  };

  async function consume(titleId: number, request: SendServerInviteRequest) {
    const decision = await deps.rateLimiter.consume(`${titleId}:${request.sender}`);
    if (!decision.allowed) throw throttled(decision.windows);
    return decision;
  }
}

function inProgress(retryAfterMs: number): ServiceError {
  return new ServiceError(
    'IdempotencyKeyInProgress',
    'a send with this Idempotency-Key is still in progress; retry with the same key after Retry-After seconds',
    { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
  );
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
