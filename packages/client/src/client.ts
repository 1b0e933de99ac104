import { type CallOptions, createCaller, type InvitesClientOptions, requestIdParameter } from './call.js';
import { InvitesApi } from './generated/index.js';
import type { SendServerInviteRequest } from './generated/models/index.js';
import { idempotencyKeyHeader, newIdempotencyKey } from './idempotency-key.js';

export {
  type CredentialsContext,
  type CredentialsProvider,
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
  type InvitesClientOptions,
} from './call.js';

export interface SendServerInviteOptions extends CallOptions {
  /**
   * The send's `Idempotency-Key` (1 to 255 letters, digits, `.`, `_`, `:`, `~`, `+`, `/`, `=`
   * or `-`). Sent with every attempt of the call, so that the server answers a retry as the
   * first attempt and never delivers the invite twice. Default: a new random key per call. Give
   * your own to retry a send across calls (after a `TimeoutError`, or a restart): the same key
   * with the same invite is the same send; with another invite it is refused
   * (`IdempotencyKeyReusedError`).
   */
  readonly idempotencyKey?: string;
}

export interface InvitesClient {
  /**
   * Sends an invite on behalf of `invite.sender` and resolves once the server has accepted it
   * (204). Every attempt carries the call's `Idempotency-Key`, so retries never invite twice.
   * Rejects with an `InvitesClientError` subclass, with the abort reason when cancelled, or with
   * a `TypeError` (sending nothing) for an `idempotencyKey` the contract refuses.
   */
  sendServerInvite(
    titleId: number,
    invite: SendServerInviteRequest,
    options?: SendServerInviteOptions,
  ): Promise<void>;
}

// The contract version this client speaks; the vendor's SDK sends it on every request.
const CONTRACT_VERSION = 1;

/** The client of a game server, which sends invites with its own service credential. */
export function createInvitesClient(options: InvitesClientOptions): InvitesClient {
  const { call } = createCaller(options);

  function sendServerInvite(
    titleId: number,
    invite: SendServerInviteRequest,
    callOptions: SendServerInviteOptions = {},
  ): Promise<void> {
    let idempotencyKey: string;
    try {
      idempotencyKey = idempotencyKeyHeader(callOptions.idempotencyKey ?? newIdempotencyKey());
    } catch (error) {
      return Promise.reject(error);
    }
    return call(
      {
        // Every attempt carries the call's Idempotency-Key: the server answers a retry as the
        // first attempt, and never sends the invite twice.
        idempotent: true,
        body: invite,
        send: async (configuration, init, requestId) => {
          const response = await new InvitesApi(configuration).sendServerInviteRaw(
            {
              titleId,
              sendServerInviteRequest: invite,
              xXblContractVersion: CONTRACT_VERSION,
              idempotencyKey,
              ...requestIdParameter(requestId),
            },
            init,
          );
          return response.raw;
        },
        result: { value: undefined, status: 204 },
      },
      callOptions,
    );
  }

  return Object.freeze({ sendServerInvite });
}
