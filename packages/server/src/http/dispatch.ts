// The last step of a valid request: the handler for its operationId, called with the request's
// validated parameters and body, its result written as the contract's response. Callers are
// admitted to it within their in-flight limit.
import type { IncomingHttpHeaders } from 'node:http';
import type { OperationId } from '@server-invites/types';
import type { Request, RequestHandler, Response } from 'express';
import type { OpenApiRequestMetadata } from 'express-openapi-validator/dist/framework/types.js';
import type { Credential } from '../credentials/claims.ts';
import { ServiceError } from '../errors.ts';
import type { Departure } from '../invites/waiting-room.ts';
import { type ConcurrencyLimiter, concurrencyExceeded } from '../throttling/concurrency-limiter.ts';
import type { OperationHandlers, OperationRequest, OperationResult, StreamResult } from './operations.ts';

export interface DispatchDeps {
  handlers: OperationHandlers;
  concurrency: ConcurrencyLimiter;
}

type Result = OperationResult<OperationId> | StreamResult;
type Handler = (request: OperationRequest<OperationId>) => Promise<Result>;

export function dispatch(deps: DispatchDeps): RequestHandler {
  const handlers = deps.handlers as unknown as Record<OperationId, Handler>;
  return (req, res, next) => {
    const { operation, credential } = res.locals;
    // The validator answers 404/405 for anything that names no operation, so this is unreachable
    // unless the two disagree on a path; answered as unknown rather than guessed.
    if (!operation) throw new ServiceError('NotFound', 'no such resource');
    if (operation.secured && !credential) throw ServiceError.authentication('a credential is required');
    const validated = (req as Request & { openapi?: OpenApiRequestMetadata }).openapi;
    // Authentication followed the service's own match; the handler runs only if the validator
    // checked the request against that same operation.
    if (validated?.schema.operationId !== operation.operationId) {
      throw new Error(
        `the validator matched ${validated?.schema.operationId} where the path matched ${operation.operationId}`,
      );
    }
    // The validator's coerced values (a title id of 0 is the number 0, not the text "0").
    const params = validated.pathParams;
    let release: (() => void) | undefined;
    if (credential) {
      const admission = deps.concurrency.tryAcquire(inFlightPool(credential, params));
      if (!admission.admitted) throw concurrencyExceeded(admission);
      release = admission.release;
    }
    // In flight until its handler is done (a long poll waits in it); the response is then written
    // at once, so this ends with the request's work, without a listener per response. Not an
    // async function, and nothing returned to the steps before it: a request waiting for an
    // invite holds no frame of this one (packages/bench/findings.md, capacity pass).
    handle(handlers[operation.operationId], req, res, params, credential).then(
      (result) => {
        release?.();
        // Response validation (when on) throws from here: still the error handler's to answer.
        try {
          send(res, result as BodyResult | StreamResult);
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => {
        release?.();
        next(error);
      },
    );
  };
}

function handle(
  handler: Handler,
  req: Request,
  res: Response,
  params: Record<string, unknown>,
  credential: Credential | undefined,
): Promise<Result> {
  return handler(
    new HandlerRequest(
      params,
      req.query,
      req.body,
      credential,
      res,
    ) as unknown as OperationRequest<OperationId>,
  );
}

/**
 * What a handler is given. A class, not an object literal with a `get departure()`: V8 keeps such a
 * literal's getter in an accessor pair it allocates in the old generation, once per evaluation, so
 * every request's getter closure, and the request it held, stayed reachable from the old
 * generation until the next full collection, and scavenges promoted finished requests instead of
 * collecting them (packages/bench/findings.md, third pass). A class's getter is defined once, on
 * its prototype.
 */
class HandlerRequest {
  readonly params: Record<string, unknown>;
  readonly query: unknown;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly credential: Credential | undefined;
  readonly requestId: string;
  readonly #res: Response;

  constructor(
    params: Record<string, unknown>,
    query: unknown,
    body: unknown,
    credential: Credential | undefined,
    res: Response,
  ) {
    this.params = params;
    this.query = query;
    this.body = body;
    this.headers = res.req.headers;
    this.credential = credential;
    this.requestId = res.locals.requestId;
    this.#res = res;
  }

  /** Made on first use: most operations never wait, so most requests never pay for it. */
  get departure(): Departure {
    return new ResponseDeparture(this.#res);
  }
}

/** A request's client leaves when its response closes before it has been sent. */
class ResponseDeparture implements Departure {
  readonly #res: Response;

  constructor(res: Response) {
    this.#res = res;
  }

  get departed(): boolean {
    return this.#res.closed;
  }

  onDeparture(callback: () => void): void {
    // `on`, not `once`: 'close' fires once anyway, and `once` would wrap the callback.
    this.#res.on('close', callback);
  }
}

/**
 * The in-flight pool a request counts against: the caller, and the title it acts for. Game-server
 * credentials of one deployment (and every development token) can share a subject; one title's
 * load must not starve another's.
 */
function inFlightPool(credential: Credential, pathParams: Readonly<Record<string, unknown>>): string {
  const titleId = pathParams.titleId;
  return titleId === undefined ? credential.subject : `${credential.subject}\u0000${titleId}`;
}

interface BodyResult {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
}

function send(res: Response, result: BodyResult | StreamResult) {
  res.status(result.status);
  if ('start' in result) {
    // setHeader, not Express's set: it would add a charset to the media type.
    res.setHeader('Content-Type', result.contentType);
    res.setHeader('Cache-Control', 'no-store');
    // Proxies that buffer responses (nginx) would hold the events back.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    result.start(res);
    return;
  }
  if (result.headers) res.set(result.headers);
  if (result.body === undefined) res.end();
  else if (result.contentType) res.type(result.contentType).send(result.body);
  else res.json(result.body);
}
