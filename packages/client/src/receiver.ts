import {
  type CallOptions,
  type CredentialsProvider,
  createCaller,
  type InvitesClientOptions,
  isRecord,
  type Operation,
  parseJson,
  requestIdParameter,
} from './call.js';
import { eitherSignal } from './cancellation.js';
import { NotFoundError } from './errors.js';
import { DeliveryApi } from './generated/index.js';
import {
  type Endpoint,
  EndpointFromJSON,
  type EndpointRegistration,
  InviteFromJSON,
  InviteListFromJSON,
} from './generated/models/index.js';
import {
  AcknowledgingInviteIterator,
  type InviteIterator,
  pollingSource,
  type ReceivedInvite,
} from './invite-iterator.js';
import { InviteStream, isSendableCursor, type StreamedInvite } from './invite-stream.js';
import { backoffDelay, reconnectDelay } from './retry.js';

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

export interface StreamInvitesOptions {
  /**
   * Ends the iteration: the stream is closed, a request in flight cancelled, and the pending
   * `next()` rejects with `signal.reason`, as fetch does.
   */
  readonly signal?: AbortSignal;
  /**
   * The `cursor` of an invite received before (from an earlier stream, perhaps in an earlier run
   * of the application): the stream continues after it, and invites sent up to it are not sent
   * again. Without it, every invite pending for the endpoint is sent.
   */
  readonly lastEventId?: string;
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
   * The endpoint's invites, oldest first, as they arrive, on one connection that stays open
   * (Server-Sent Events) rather than a loop of polls. Nothing is sent before the first `next()`.
   * Invites are acknowledged as `receiveInvites` acknowledges them: each when the consumer asks
   * for the next one; leaving the loop acknowledges nothing. Each carries its `cursor`, to pass as
   * `lastEventId` to a later stream. When the service ends the stream (it does after about an
   * hour, when an instance drains, or when another stream of the endpoint starts) or the
   * connection breaks or falls silent, the iterator connects again after the server's `retry:`
   * time, with jitter and a growing backoff while connections fail, continuing after the last
   * event received. Errors end the iteration: a first connection that fails after its retries; a
   * reconnection refused for good (`NotFoundError`: the endpoint is not registered any more;
   * `AuthenticationError`, `AuthorizationError`, `RequestValidationError`); an acknowledgement
   * that fails; a stream that breaks the contract (`ApiError` `UnexpectedResponse`).
   */
  streamInvites(
    xuid: string,
    endpointId: string,
    options?: StreamInvitesOptions,
  ): InviteIterator<StreamedInvite>;
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

    streamInvites(xuid, endpointId, streamOptions = {}) {
      const { signal, lastEventId = '' } = streamOptions;
      if (typeof lastEventId !== 'string' || !isSendableCursor(lastEventId)) {
        throw new TypeError(
          `lastEventId must be the cursor of a streamed invite, got ${JSON.stringify(lastEventId)}`,
        );
      }
      const open = (cursor: string | undefined, connection: AbortSignal): Operation<Response> => ({
        idempotent: true,
        send: async (configuration, init) =>
          (
            await new DeliveryApi(configuration).receiveInviteStreamRaw(
              { xuid, endpointId, ...(cursor === undefined ? {} : { lastEventID: cursor }) },
              // The call's signal (its deadline, the caller's cancellation) stops following the
              // caller once the call has returned the response; the connection's cancels the body
              // read after it.
              { ...init, signal: init.signal ? eitherSignal(init.signal, connection) : connection },
            )
          ).raw,
        result: { unread: (response) => (isEventStream(response) ? response : undefined) },
      });
      return new AcknowledgingInviteIterator(
        new InviteStream(
          {
            clock: caller.clock,
            open: (cursor, connection) => call(open(cursor, connection), { signal: connection }),
            acknowledge: acknowledgePending(xuid, endpointId),
            parseInvite: (data) => {
              const json = parseJson(data);
              return isInvite(json) ? InviteFromJSON(json) : undefined;
            },
            reconnectDelay: (step, floorMs) => reconnectDelay(step, floorMs, caller.policy, caller.random),
          },
          lastEventId,
        ),
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

/** The contract's stream: 200, `text/event-stream`, a body to read. */
function isEventStream(response: Response): boolean {
  return (
    response.status === 200 &&
    response.body !== null &&
    /^text\/event-stream\s*(;|$)/i.test(response.headers.get('Content-Type') ?? '')
  );
}
