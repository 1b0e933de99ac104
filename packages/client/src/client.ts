import { type CallOptions, createCaller, type InvitesClientOptions, requestIdParameter } from './call.js';
import { InvitesApi } from './generated/index.js';
import type { SendServerInviteRequest } from './generated/models/index.js';

export {
  type CredentialsContext,
  type CredentialsProvider,
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
  type InvitesClientOptions,
} from './call.js';

export interface SendServerInviteOptions extends CallOptions {}

export interface InvitesClient {
  /**
   * Sends an invite on behalf of `invite.sender` and resolves once the server has accepted it
   * (204). Rejects with an `InvitesClientError` subclass, or with the abort reason when
   * cancelled.
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
    return call(
      {
        // Sending twice invites twice.
        idempotent: false,
        body: invite,
        send: async (configuration, init, requestId) => {
          const response = await new InvitesApi(configuration).sendServerInviteRaw(
            {
              titleId,
              sendServerInviteRequest: invite,
              xXblContractVersion: CONTRACT_VERSION,
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
