// Builds the Express app from its dependencies, without listening. The middleware order is the
// request path, from socket to response (each step in http/; the steps between two Express
// layers run as one, http/sequence.ts):
//   1. request-log        the request's id, and its one log line and metrics when the response closes
//      protocol           Host, Expect and Transfer-Encoding as HTTP requires them (400, 417, 501)
//      cors               browsers' preflights, when CORS_ORIGINS allows other origins
//   2. docs assets        Swagger UI's static files under /docs/assets
//   3. operation-match    which contract operation the method and path name; integer parameters.
//                         A request that names none skips steps 4 to 6: its body is never read,
//                         and the validator answers it 404 or 405 (7)
//   4. json-content-type  bodies must be JSON (415 otherwise); declared-length: 413 before reading
//   5. authenticate       the credential, for secured operations, before the body is read (401)
//      body-budget        the bytes of the bodies being received at once, within a budget (503)
//   6. express.json       the body, which must be UTF-8 (415 otherwise)
//   7. contract-validation  parameters, headers and body against the contract (400, 404, 405)
//   8. dispatch           the operation's handler, within the caller's in-flight limit
//   9. error-handler      every failure of any step, as the contract's response
import type { OperationId } from '@server-invites/types';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Contract } from './contract.ts';
import type { Authenticator } from './credentials/authenticator.ts';
import { ServiceError } from './errors.ts';
import { authenticate } from './http/authenticate.ts';
import { bodyBudget } from './http/body-budget.ts';
import { contractValidation } from './http/contract-validation.ts';
import { corsMiddleware } from './http/cors.ts';
import { declaredLength } from './http/declared-length.ts';
import { dispatch } from './http/dispatch.ts';
import { docsAssetsDirectory, docsAssetsPath } from './http/docs-page.ts';
import { errorHandler } from './http/error-handler.ts';
import { createHandlers } from './http/handlers.ts';
import { declaresBody, normalizeJsonContentType, refuseInvalidUtf8 } from './http/json-content-type.ts';
import { operationMatch } from './http/operation-match.ts';
import type { OperationHandlers } from './http/operations.ts';
import { protocolRequirements } from './http/protocol.ts';
import { requestLog } from './http/request-log.ts';
import { sequence } from './http/sequence.ts';
import type { Endpoints } from './invites/endpoints.ts';
import type { InviteStreams } from './invites/invite-streams.ts';
import type { SendServerInvite } from './invites/send-server-invite.ts';
import type { Lifecycle } from './lifecycle.ts';
import { disabledMetrics, type Metrics, type MetricsExposition } from './observability/metrics.ts';
import type { ConcurrencyLimiter } from './throttling/concurrency-limiter.ts';

export interface AppDeps {
  logger: Logger;
  contract: Contract;
  authenticator: Authenticator;
  concurrency: ConcurrencyLimiter;
  sendServerInvite: SendServerInvite;
  endpoints: Endpoints;
  streams: InviteStreams;
  lifecycle: Lifecycle;
  bodyLimitBytes: number;
  /** Request body bytes being received at once, over every connection (http/body-budget.ts). */
  bodyBytesInFlight: number;
  validateResponses: boolean;
  /** Request count and duration; absent or disabled: not measured. */
  metrics?: Metrics;
  /** What GET /metrics serves on this app's port; absent: 404 (another port has it, or it is off). */
  publicMetrics?: MetricsExposition | undefined;
  /** Origins browsers may call from; absent: no CORS (preflights get 405, as any OPTIONS). */
  corsOrigins?: readonly string[] | '*' | undefined;
}

/**
 * `validation`: the contract-validation step, when the caller has already built it (server.ts
 * warms it up before building the app); made here otherwise.
 */
export function createApp(
  deps: AppDeps,
  validation: RequestHandler = contractValidation(deps.contract, deps.validateResponses),
): Express {
  const handlers = createHandlers({ ...deps, metrics: deps.metrics ?? disabledMetrics });
  assertEveryOperationHandled(deps.contract, handlers);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(
    sequence([
      requestLog(deps.logger, deps.metrics),
      protocolRequirements,
      ...(deps.corsOrigins ? [corsMiddleware(deps.corsOrigins, deps.contract.browserAccess)] : []),
    ]),
  );
  app.use(
    docsAssetsPath,
    express.static(docsAssetsDirectory, { index: false, fallthrough: false }),
    docsAssetsErrors,
  );
  app.use(
    sequence([
      operationMatch(deps.contract),
      onlyForOperations([
        normalizeJsonContentType,
        declaredLength(deps.bodyLimitBytes),
        authenticate(deps.authenticator),
        bodyBudget(deps.bodyBytesInFlight, deps.bodyLimitBytes, deps.metrics ?? disabledMetrics),
        // Every body that reaches the parser is `application/json` (json-content-type refused the
        // rest with 415 and named JSON one way), so its media type is not looked up again.
        express.json({
          limit: deps.bodyLimitBytes,
          strict: true,
          type: () => true,
          verify: refuseInvalidUtf8,
        }),
      ]),
      validation,
      dispatch({ handlers, concurrency: deps.concurrency }),
    ]),
  );
  app.use(errorHandler({ patternDescriptions: patternDescriptions(deps.contract) }));
  return app;
}

/**
 * The steps that read a request for its operation (media type, declared length, credential, body).
 * A request that names no operation skips them: the validator answers it 404 or 405 whatever its
 * headers and body, which are never read (a broken JSON body to an unknown path once got 400 "not
 * valid JSON"). The connection closes after such an answer when a body was declared, so that the
 * unread body is never taken for the next request nor read to its end.
 */
function onlyForOperations(steps: RequestHandler[]): RequestHandler {
  const forOperation = sequence(steps);
  return (req, res, next) => {
    if (res.locals.operation) return forOperation(req, res, next);
    if (declaresBody(req)) res.setHeader('Connection', 'close');
    next();
  };
}

/** An operation of the contract without a handler would answer 500 to every request: refuse. */
function assertEveryOperationHandled(contract: Contract, handlers: OperationHandlers): void {
  const missing = contract.operations.filter((operation) => !(operation.operationId in handlers));
  if (missing.length > 0) {
    const named = missing.map(
      (operation) => `${operation.operationId} (${operation.method} ${operation.pathTemplate})`,
    );
    throw new Error(`the contract has operations without a handler: ${named.join(', ')}`);
  }
  for (const operationId of Object.keys(handlers) as OperationId[]) {
    if (!contract.operations.some((operation) => operation.operationId === operationId)) {
      throw new Error(`a handler has no operation in the contract: ${operationId}`);
    }
  }
}

/**
 * The static middleware refuses a path that leaves its folder (`%2e%2e`) with 403 and a missing
 * file with 404: to a caller, both are a file that is not there.
 */
const docsAssetsErrors: express.ErrorRequestHandler = (error: { status?: unknown }, _req, _res, next) => {
  const status = typeof error?.status === 'number' ? error.status : 500;
  next(status >= 400 && status < 500 ? new ServiceError('NotFound', 'no such resource') : error);
};

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
