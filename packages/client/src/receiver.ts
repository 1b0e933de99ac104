import {
  type CallOptions,
  type CredentialsProvider,
  createCaller,
  type InvitesClientOptions,
  isRecord,
  type Operation,
  requestIdParameter,
} from './call.js';
import { NotFoundError } from './errors.js';
import { DeliveryApi } from './generated/index.js';
import {
  type Endpoint,
  EndpointFromJSON,
  type EndpointRegistration,
  InviteListFromJSON,
} from './generated/models/index.js';
import {
  AcknowledgingInviteIterator,
  type InviteIterator,
  pollingSource,
  type ReceivedInvite,
} from './invite-iterator.js';
import { backoffDelay } from './retry.js';

export interface InviteReceiverOptions extends InvitesClientOptions {
  /**
   * The user's own credential, `XBL3.0 x=<userhash>;<token>` whose token's `xid` is the XUID the
   * receiver acts for, or a function returning it. Only a function lets the receiver recover
   * from a 401: it asks for a fresh value and retries once.
   */
  readonly credentials: string | CredentialsProvider;
}

/** The endpoint as the server registered it, and whether this call registered it. */
export interface RegisteredEndpoint extends Endpoint {
  /**
   * `true` when the server answered 201 (the endpoint was not registered, or its registration
   * had expired), `false` when it answered 200 (a live registration was refreshed). A retry after
   * an attempt that registered the endpoint sees `false`.
   */
  readonly created: boolean;
}

export interface ReceiveInvitesOptions {
  /**
   * How long each poll waits on the server for an invite when none is pending, in seconds (0 to
   * 30, default 30). With 0 the iteration ends as soon as nothing is pending: it delivers what
   * is waiting, then stops.
   */
  readonly waitSeconds?: number;
  /**
   * Ends the iteration: the poll or acknowledgement in flight is cancelled and the pending
   * `next()` rejects with `signal.reason`, as fetch does.
   */
  readonly signal?: AbortSignal;
}

export interface InviteReceiver {
  /**
   * Registers the device as one of the user's endpoints, or refreshes its registration. Resolves
   * to the registration; rejects with an `InvitesClientError` subclass, or with the abort reason.
   */
  registerEndpoint(
    xuid: string,
    endpointId: string,
    registration: EndpointRegistration,
    options?: CallOptions,
  ): Promise<RegisteredEndpoint>;
  /** Removes the endpoint and its pending invites. Resolves also when it was not registered. */
  unregisterEndpoint(xuid: string, endpointId: string, options?: CallOptions): Promise<void>;
  /**
   * The endpoint's invites, oldest first, as they arrive: a loop of long polls. Nothing is sent
   * before the first `next()`. Each invite is acknowledged when the consumer asks for the next
   * one (a `for await` loop does once its body has run to its end for it); leaving the loop
   * (`break`, `return`, a throw, the signal) acknowledges nothing, so the last invite yielded is
   * delivered again. A failed poll or acknowledgement ends the iteration with its typed error; a
   * `NotFoundError` means the endpoint is not registered (or its registration expired).
   */
  receiveInvites(xuid: string, endpointId: string, options?: ReceiveInvitesOptions): InviteIterator;
  /**
   * Acknowledges an invite: it is never delivered to this endpoint again. Rejects with a
   * `NotFoundError` when it is not pending (already acknowledged, expired, or never sent here),
   * except when that answers a retry after an attempt that may have acknowledged it.
   */
  acknowledgeInvite(xuid: string, endpointId: string, inviteId: string, options?: CallOptions): Promise<void>;
}

export const DEFAULT_WAIT_SECONDS = 30;
// The contract's maximum for `waitSeconds`.
const MAX_WAIT_SECONDS = 30;

/**
 * The client of a player's device: registers the device as an endpoint of the user and receives
 * the invites sent to the user, with the user's own credential.
 */
export function createInviteReceiver(options: InviteReceiverOptions): InviteReceiver {
  const caller = createCaller(options);
  const { call } = caller;

  const acknowledge = (xuid: string, endpointId: string, inviteId: string): Operation<void> => ({
    idempotent: true,
    send: async (configuration, init, requestId) =>
      (
        await new DeliveryApi(configuration).acknowledgeInviteRaw(
          { xuid, endpointId, inviteId, ...requestIdParameter(requestId) },
          init,
        )
      ).raw,
    result: { value: undefined, status: 204 },
    // The retry of an acknowledgement that went through finds the invite gone.
    alreadyDone: (failure) => (failure instanceof NotFoundError ? { value: undefined } : undefined),
  });

  /** An iterator's acknowledgement: done once the invite is not pending, whoever took it off. */
  const acknowledgePending =
    (xuid: string, endpointId: string) =>
    async (inviteId: string, signal: AbortSignal): Promise<void> => {
      try {
        await call(acknowledge(xuid, endpointId, inviteId), { signal });
      } catch (error) {
        // Not pending any more (expired, or acknowledged by the consumer itself): done.
        if (!(error instanceof NotFoundError)) throw error;
      }
    };

  return Object.freeze({
    registerEndpoint(xuid, endpointId, registration, callOptions) {
      return call<RegisteredEndpoint>(
        {
          idempotent: true,
          body: registration,
          send: async (configuration, init, requestId) =>
            (
              await new DeliveryApi(configuration).registerEndpointRaw(
                { xuid, endpointId, endpointRegistration: registration, ...requestIdParameter(requestId) },
                init,
              )
            ).raw,
          result: (body, response) =>
            isEndpoint(body) ? { ...EndpointFromJSON(body), created: response.status === 201 } : undefined,
        },
        callOptions,
      );
    },

    unregisterEndpoint(xuid, endpointId, callOptions) {
      return call(
        {
          idempotent: true,
          send: async (configuration, init, requestId) =>
            (
              await new DeliveryApi(configuration).unregisterEndpointRaw(
                { xuid, endpointId, ...requestIdParameter(requestId) },
                init,
              )
            ).raw,
          result: { value: undefined, status: 204 },
        },
        callOptions,
      );
    },

    receiveInvites(xuid, endpointId, receiveOptions = {}) {
      const { waitSeconds = DEFAULT_WAIT_SECONDS, signal } = receiveOptions;
      // The client's own timing depends on it (the poll's deadline, when to stop), so it is
      // checked here rather than left to the server.
      if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
        throw new RangeError(
          `waitSeconds must be an integer from 0 to ${MAX_WAIT_SECONDS}, got ${waitSeconds}`,
        );
      }
      const poll: Operation<readonly ReceivedInvite[]> = {
        idempotent: true,
        serverWaitMs: waitSeconds * 1000,
        send: async (configuration, init) =>
          (await new DeliveryApi(configuration).receiveInvitesRaw({ xuid, endpointId, waitSeconds }, init))
            .raw,
        result: (body) => (isInviteList(body) ? InviteListFromJSON(body).invites : undefined),
      };
      return new AcknowledgingInviteIterator(
        pollingSource({
          waitSeconds,
          clock: caller.clock,
          poll: (pollSignal) => call(poll, { signal: pollSignal }),
          acknowledge: acknowledgePending(xuid, endpointId),
          backoff: (step) => backoffDelay(step, caller.policy, caller.random),
        }),
        signal,
      );
    },

    acknowledgeInvite(xuid, endpointId, inviteId, callOptions) {
      return call(acknowledge(xuid, endpointId, inviteId), callOptions);
    },
  } satisfies InviteReceiver);
}

// The generated converters trust the body; these checks keep a body that breaks the contract
// from turning into objects with missing fields or invalid dates.

function isDateTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isEndpoint(body: unknown): boolean {
  return (
    isRecord(body) &&
    typeof body.xuid === 'string' &&
    typeof body.endpointId === 'string' &&
    typeof body.platform === 'string' &&
    isDateTime(body.expiresAt)
  );
}

function isInvite(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.titleId === 'number' &&
    typeof value.sender === 'string' &&
    typeof value.invitedUser === 'string' &&
    typeof value.connectionString === 'string' &&
    (value.platform === undefined || typeof value.platform === 'string') &&
    isDateTime(value.createdAt) &&
    isDateTime(value.expiresAt) &&
    typeof value.activationUri === 'string'
  );
}

function isInviteList(body: unknown): boolean {
  return isRecord(body) && Array.isArray(body.invites) && body.invites.every(isInvite);
}
