// The operations' HTTP-facing handlers: they translate between the contract's shapes and the
// domain, and nothing else.
import type { components } from '@server-invites/types';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Logger } from 'pino';
import type { Contract } from '../contract.ts';
import { ServiceError } from '../errors.ts';
import type { Endpoints } from '../invites/endpoints.ts';
import { idempotencyKeyOf } from '../invites/idempotency.ts';
import { activationUri, type Endpoint, type Invite } from '../invites/invite.ts';
import type { InviteStreams } from '../invites/invite-streams.ts';
import type { SendServerInvite } from '../invites/send-server-invite.ts';
import type { Lifecycle } from '../lifecycle.ts';
import type { Metrics, MetricsExposition } from '../observability/metrics.ts';
import { docsPage } from './docs-page.ts';
import { EventStreamSink } from './event-stream.ts';
import type { OperationHandlers } from './operations.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';

export interface HandlerDeps {
  sendServerInvite: SendServerInvite;
  endpoints: Endpoints;
  streams: InviteStreams;
  /** Counts the events streams send. */
  metrics: Metrics;
  lifecycle: Lifecycle;
  contract: Contract;
  /** Where an invite the contract would not let through is reported (by id, never its content). */
  logger?: Pick<Logger, 'error'>;
  /** What GET /metrics serves on this port; absent when another port serves it or it is off. */
  publicMetrics?: MetricsExposition | undefined;
}

export function createHandlers(deps: HandlerDeps): OperationHandlers {
  const { endpoints } = deps;
  const deliverable = deliverableInvites(deps);
  return {
    async sendServerInvite({ params, body, credential, headers }) {
      // The contract secures this operation, so the security handler has set the credential.
      if (!credential) throw ServiceError.authentication('a credential is required');
      // The contract's pattern has checked it: one value, quoted or bare.
      const key = headers['idempotency-key'];
      const result = await deps.sendServerInvite({
        credential,
        titleId: params.titleId,
        request: body,
        idempotencyKey: typeof key === 'string' ? idempotencyKeyOf(key) : undefined,
      });
      return { status: 204, body: undefined, headers: rateLimitHeaders(result.windows) };
    },

    async registerEndpoint({ params, body, credential }) {
      const { endpoint, created } = await endpoints.register({ credential, ...params }, body);
      return { status: created ? 201 : 200, body: toApiEndpoint(endpoint) };
    },

    async unregisterEndpoint({ params, credential }) {
      await endpoints.unregister({ credential, ...params });
      return { status: 204, body: undefined };
    },

    // Not async: a device waiting for an invite holds no frame of this handler.
    receiveInvites({ params, query, credential, departure }) {
      return endpoints
        .receive({ credential, ...params }, query.waitSeconds ?? 0, departure, deliverable)
        .then((invites) => ({ status: 200, body: { invites: invites.map(toApiInvite) } }));
    },

    async receiveInviteStream({ params, headers, credential, departure }) {
      const lastEventId = headers['last-event-id'];
      const cursor = typeof lastEventId === 'string' ? Number(lastEventId) : undefined;
      const opening = await deps.streams.open({ credential, ...params }, cursor, deliverable);
      return {
        status: 200,
        contentType: 'text/event-stream',
        start(res) {
          opening.start(new EventStreamSink(res, toApiInvite, deps.metrics, Math.random), departure);
        },
      };
    },

    async acknowledgeInvite({ params, credential }) {
      await endpoints.acknowledge({ credential, ...params }, params.inviteId);
      return { status: 204, body: undefined };
    },

    async getHealth() {
      return { status: 200, body: { status: 'ok' } };
    },

    async getReadiness() {
      const { state } = deps.lifecycle;
      // A full Redis is every replica's: taking them all out of rotation would also stop the
      // acknowledgements that free its memory (lifecycle.ts).
      return state === 'ready' || state === 'full'
        ? { status: 200, body: { status: state } }
        : { status: 503, body: { status: state } };
    },

    async getOpenApiDocument() {
      return { status: 200, body: deps.contract.text, contentType: 'application/yaml; charset=utf-8' };
    },

    async getMetrics() {
      if (!deps.publicMetrics) throw new ServiceError('NotFound', 'no such resource');
      return {
        status: 200,
        body: await deps.publicMetrics.text(),
        contentType: deps.publicMetrics.contentType,
      };
    },

    async getApiDocumentation() {
      return { status: 200, body: docsPage, contentType: 'text/html; charset=utf-8' };
    },
  };
}

function toApiEndpoint(endpoint: Endpoint): components['schemas']['Endpoint'] {
  return {
    xuid: endpoint.xuid,
    endpointId: endpoint.endpointId,
    platform: endpoint.platform,
    expiresAt: new Date(endpoint.expiresAtMs).toISOString(),
  };
}

function toApiInvite(invite: Invite): components['schemas']['Invite'] {
  return {
    id: invite.id,
    titleId: invite.titleId,
    sender: invite.sender,
    invitedUser: invite.invitedUser,
    connectionString: invite.connectionString,
    ...(invite.platform && { platform: invite.platform }),
    createdAt: new Date(invite.createdAtMs).toISOString(),
    expiresAt: new Date(invite.expiresAtMs).toISOString(),
    activationUri: activationUri(invite),
  };
}

// ajv-formats is CommonJS with a default export; under NodeNext the callable is `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Invites reported already, so that an endpoint polling in a loop does not flood the log. */
const reportedLimit = 1000;

/**
 * Whether an invite, as the contract's Invite, may be sent: one that would fail response
 * validation (a 500 for the whole poll) is left out instead, so that it never blocks the other
 * invites of the endpoint. The contract makes this unreachable from valid requests (the bounds of
 * derived values fit the largest input); this guards against stored data the contract no longer
 * allows.
 */
function deliverableInvites(deps: HandlerDeps): (invite: Invite) => boolean {
  const { components: parts } = deps.contract.document();
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile({ $ref: '#/components/schemas/Invite', components: parts });
  const reported = new Set<string>();
  return (invite) => {
    if (validate(toApiInvite(invite))) return true;
    if (!reported.has(invite.id)) {
      if (reported.size >= reportedLimit) reported.clear();
      reported.add(invite.id);
      const problems = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
      deps.logger?.error(
        { inviteId: invite.id, problems },
        'a queued invite breaks the contract; left out of deliveries until it expires',
      );
    }
    return false;
  };
}
