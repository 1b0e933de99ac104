// The first step of every request: its id (the caller's X-Request-Id when well-formed, else one
// the service makes, returned in X-Request-Id either way), and what is recorded when the response
// closes: its one log line (id, method, URL, status, response time, and for a 5xx the failure
// behind it) and its request metrics.
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { observeRequest } from '../observability/request-metrics.ts';

/** The readiness probe's operation. */
const READINESS = 'getReadiness';

/** The contract's RequestId schema. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the close hook needs of a request, kept on its response instead of in a closure. */
const started: unique symbol = Symbol('request started');
type LoggedResponse = Response & { [started]: number };

/**
 * Whether a status says the service failed. 501 says the caller asked for what the service does not
 * implement (a transfer coding, CONNECT; http/protocol.ts): the caller's doing, logged as any refusal.
 */
export function isServiceFailure(status: number): boolean {
  return status >= 500 && status !== 501;
}

export function requestLog(logger: Logger, metrics?: Metrics): RequestHandler {
  const measured = metrics?.enabled ? metrics : undefined;
  // One listener for every response (`this` is the response): a request waiting for an invite
  // holds no closure of its own for its log line (packages/bench/findings.md, capacity pass).
  function onClose(this: LoggedResponse) {
    const { req, statusCode } = this;
    const id = this.locals.requestId;
    const line = {
      req: { id, method: req.method, url: req.originalUrl },
      res: { statusCode },
      responseTime: Math.round(performance.now() - this[started]),
      ...(this.locals.failure && { err: this.locals.failure }),
    };
    if (!this.writableFinished) logger.info(line, 'request aborted');
    // Readiness answering 503 (starting, draining, Redis unreachable) is the probe's answer, not a
    // failure of the request: an orchestrator asks every few seconds through every drain.
    else if (isServiceFailure(statusCode) && this.locals.operation?.operationId !== READINESS)
      logger.error(line, 'request errored');
    else logger.info(line, 'request completed');
    if (measured) observeRequest(measured, req, this, this[started]);
  }
  return (req, res, next) => {
    (res as LoggedResponse)[started] = performance.now();
    const offered = req.headers['x-request-id'];
    let id: string;
    if (typeof offered === 'string' && REQUEST_ID.test(offered)) id = offered;
    else {
      id = randomUUID();
      // A malformed id is replaced, not refused: the contract's validation of the header must
      // not fail a request over a field whose only use is correlating logs.
      if (offered !== undefined) delete req.headers['x-request-id'];
    }
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    res.on('close', onClose);
    next();
  };
}
