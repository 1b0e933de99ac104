// Builds the Express app from its dependencies, without listening. The middleware order is the
// architecture: request id and logging, documentation assets, body parsing, the contract
// (validation, security, handlers), and the one error handler.
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Contract } from './contract.ts';
import type { Authenticator } from './credentials/authenticator.ts';
import { contractRouter } from './http/contract-router.ts';
import { corsMiddleware } from './http/cors.ts';
import { docsAssetsDirectory, docsAssetsPath } from './http/docs-page.ts';
import { errorHandler } from './http/error-handler.ts';
import { createHandlers } from './http/handlers.ts';
import { normalizeJsonContentType } from './http/json-content-type.ts';
import { requestContext } from './http/request-context.ts';
import type { WarmUpGate } from './http/warm-up.ts';
import type { Endpoints } from './invites/endpoints.ts';
import type { SendServerInvite } from './invites/send-server-invite.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { Metrics, MetricsExposition } from './observability/metrics.ts';
import { requestMetrics } from './observability/request-metrics.ts';
import type { ConcurrencyLimiter } from './throttling/concurrency-limiter.ts';

export interface AppDeps {
  logger: Logger;
  contract: Contract;
  authenticator: Authenticator;
  concurrency: ConcurrencyLimiter;
  sendServerInvite: SendServerInvite;
  endpoints: Endpoints;
  lifecycle: Lifecycle;
  bodyLimitBytes: number;
  validateResponses: boolean;
  /** Request count and duration; absent or disabled: not measured. */
  metrics?: Metrics;
  /** What GET /metrics serves on this app's port; absent: 404 (another port has it, or it is off). */
  publicMetrics?: MetricsExposition | undefined;
  /** Origins browsers may call from; absent: no CORS (preflights get 405, as any OPTIONS). */
  corsOrigins?: readonly string[] | '*' | undefined;
}

/** `warmUp`: lets start-up warm-up requests through while the instance starts (see http/warm-up.ts). */
export function createApp(deps: AppDeps, warmUp?: WarmUpGate): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  if (deps.metrics?.enabled) app.use(requestMetrics(deps.metrics, warmUp && ((req) => warmUp.sent(req))));
  app.use(requestContext(deps.logger, warmUp));
  if (deps.corsOrigins) app.use(corsMiddleware(deps.corsOrigins));
  app.use(docsAssetsPath, express.static(docsAssetsDirectory, { index: false, fallthrough: false }));
  app.use(normalizeJsonContentType);
  app.use(express.json({ limit: deps.bodyLimitBytes, strict: true }));
  app.use(
    contractRouter({
      contract: deps.contract,
      handlers: createHandlers(deps),
      authenticator: deps.authenticator,
      concurrency: deps.concurrency,
      validateResponses: deps.validateResponses,
      warmUp,
    }),
  );
  app.use(errorHandler({ patternDescriptions: patternDescriptions(deps.contract) }));
  return app;
}

/** Each component schema's pattern, described by the first sentence of the schema's description. */
function patternDescriptions(contract: Contract): Map<string, string> {
  const descriptions = new Map<string, string>();
  for (const schema of Object.values(contract.document().components?.schemas ?? {})) {
    if (!('pattern' in schema) || !schema.pattern || !schema.description) continue;
    const firstSentence = schema.description.replace(/\s+/g, ' ').split(/(?<=\.) /)[0] ?? '';
    descriptions.set(schema.pattern, firstSentence.charAt(0).toLowerCase() + firstSentence.slice(1));
  }
  return descriptions;
}
