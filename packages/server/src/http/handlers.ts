// The operations' HTTP-facing handlers: they translate between the contract's shapes and the
// domain, and nothing else.
import type { Contract } from '../contract.ts';
import { ServiceError } from '../errors.ts';
import type { SendServerInvite } from '../invites/send-server-invite.ts';
import type { Lifecycle } from '../lifecycle.ts';
import { docsPage } from './docs-page.ts';
import type { OperationHandlers } from './operations.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';

export interface HandlerDeps {
  sendServerInvite: SendServerInvite;
  lifecycle: Lifecycle;
  contract: Contract;
}

export function createHandlers(deps: HandlerDeps): OperationHandlers {
  return {
    async sendServerInvite({ params, body, credential }) {
      // The contract secures this operation, so the security handler has set the credential.
      if (!credential) throw ServiceError.authentication('a credential is required');
      const result = await deps.sendServerInvite({ credential, titleId: params.titleId, request: body });
      return { status: 204, body: undefined, headers: rateLimitHeaders(result.windows) };
    },

    async getHealth() {
      return { status: 200, body: { status: 'ok' } };
    },

    async getReadiness() {
      const { state } = deps.lifecycle;
      return state === 'ready'
        ? { status: 200, body: { status: 'ready' } }
        : { status: 503, body: { status: state } };
    },

    async getOpenApiDocument() {
      return { status: 200, body: deps.contract.text, contentType: 'application/yaml; charset=utf-8' };
    },

    async getApiDocumentation() {
      return { status: 200, body: docsPage, contentType: 'text/html; charset=utf-8' };
    },
  };
}
