// Routes every request through express-openapi-validator: path, method, headers, body and
// security are checked against the contract, then the handler for the operationId runs. No
// operation path is written by hand: the resolver finds each handler by operationId.
import type { OperationId } from '@server-invites/types';
import type { Request, RequestHandler, Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { RouteMetadata } from 'express-openapi-validator/dist/framework/openapi.spec.loader.js';
import type { OpenAPIV3 } from 'express-openapi-validator/dist/framework/types.js';
import type { Contract } from '../contract.ts';
import type { Authenticator } from '../credentials/authenticator.ts';
import { type ConcurrencyLimiter, concurrencyExceeded } from '../throttling/concurrency-limiter.ts';
import type { OperationHandlers, OperationRequest, OperationResult } from './operations.ts';
import { authenticationFailures, verifiedCredentials } from './request-state.ts';
import { strictIntegerParameters } from './strict-integer-parameters.ts';
import type { WarmUpGate } from './warm-up.ts';

/** What express-openapi-validator sets on every request it matched to an operation. */
type ValidatedRequest = Request & { openapi?: { pathParams?: Record<string, unknown> } };

export interface ContractRouterDeps {
  contract: Contract;
  handlers: OperationHandlers;
  authenticator: Authenticator;
  concurrency: ConcurrencyLimiter;
  validateResponses: boolean;
  /** Start-up warm-up requests pass security and are answered without running the handler. */
  warmUp?: WarmUpGate | undefined;
}

export function contractRouter(deps: ContractRouterDeps): RequestHandler[] {
  const chain = OpenApiValidator.middleware({
    apiSpec: deps.contract.document(),
    // The document is checked against the OpenAPI schema by CI (`pnpm lint:spec`, and
    // test/contract.test.ts with this same validator), and it ships with the code: checking it
    // again on every start cost ~150 ms of Ajv compiling the OpenAPI 3.0 meta-schema.
    validateApiSpec: false,
    validateRequests: { allErrors: false },
    validateResponses: deps.validateResponses,
    $refParser: { mode: 'dereference' },
    // The contract has no multipart bodies: without this, every request also went through a
    // multer middleware (and its own Ajv instance) that could never apply.
    fileUploader: false,
    validateSecurity: {
      handlers: {
        XblAuth: async (req: Request) => {
          if (deps.warmUp?.accepts(req)) return true;
          try {
            verifiedCredentials.set(req, await deps.authenticator.authenticate(req.headers.authorization));
            return true;
          } catch (error) {
            authenticationFailures.set(req, error);
            throw error;
          }
        },
      },
    },
    operationHandlers: {
      basePath: '',
      resolver: (
        basePath: string,
        route: RouteMetadata,
        apiDoc: OpenAPIV3.DocumentV3 | OpenAPIV3.DocumentV3_1,
      ) => {
        const path = route.openApiRoute.substring(basePath.length);
        const method = route.method.toLowerCase() as 'get' | 'put' | 'post' | 'delete' | 'patch';
        const operationId = apiDoc.paths?.[path]?.[method]?.operationId as OperationId | undefined;
        if (!operationId || !(operationId in deps.handlers)) {
          throw new Error(`no handler for ${route.method} ${path} (operationId ${operationId ?? 'missing'})`);
        }
        return adapt(operationId, deps);
      },
    },
  });
  // The strict integer check needs the matched operation (set by the validator's metadata step)
  // and the raw parameter text (before its validation step coerces it): it goes in between.
  const matched = chain.findIndex((middleware) => middleware.name === 'metadataMiddleware');
  if (matched === -1) throw new Error('express-openapi-validator no longer has a metadataMiddleware step');
  chain.splice(matched + 1, 0, strictIntegerParameters);
  return chain;
}

function adapt<Op extends OperationId>(operationId: Op, deps: ContractRouterDeps): RequestHandler {
  const handler = deps.handlers[operationId] as (
    request: OperationRequest<Op>,
  ) => Promise<OperationResult<Op>>;
  return async (req, res) => {
    if (deps.warmUp?.accepts(req)) {
      res.status(204).end();
      return;
    }
    const credential = verifiedCredentials.get(req);
    if (credential) {
      const admission = deps.concurrency.tryAcquire(credential.subject);
      if (!admission.admitted) throw concurrencyExceeded(admission);
      res.once('close', admission.release);
    }
    // The validator has checked params and body against the contract. Its coerced path params
    // are read from req.openapi: Express's router re-assigns req.params from the raw path, which
    // turned a title id of 0 back into the string "0".
    let disconnected: AbortController | undefined;
    const result = await handler({
      params: ((req as ValidatedRequest).openapi?.pathParams ?? req.params) as OperationRequest<Op>['params'],
      query: req.query as OperationRequest<Op>['query'],
      body: req.body as OperationRequest<Op>['body'],
      credential,
      requestId: String(req.id),
      // Made on first use: most operations never wait, so most requests never pay for it.
      get signal() {
        if (!disconnected) {
          const controller = new AbortController();
          res.once('close', () => controller.abort());
          disconnected = controller;
        }
        return disconnected.signal;
      },
    });
    send(res, result);
  };
}

function send(
  res: Response,
  result: { status: number; body: unknown; contentType?: string; headers?: Readonly<Record<string, string>> },
) {
  res.status(result.status);
  if (result.headers) res.set(result.headers);
  if (result.body === undefined) res.end();
  else if (result.contentType) res.type(result.contentType).send(result.body);
  else res.json(result.body);
}
