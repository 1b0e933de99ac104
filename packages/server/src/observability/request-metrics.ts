// Request count and duration by operationId and status class. `observeRequest` is the one
// function a request path calls when a response closes; `requestMetrics` is a middleware that
// does so for an Express app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Metrics, StatusClass } from './metrics.ts';

/** The label of requests no operation of the contract matched (unknown paths, other methods). */
export const UNMATCHED = 'unmatched';
/** The label of CORS preflights, which the CORS middleware answers before any routing. */
export const PREFLIGHT = 'preflight';

const CLASSES: readonly StatusClass[] = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * The operationId express-openapi-validator matched (it sets `req.openapi.schema` to the
 * contract's operation object), else a fixed word: labels stay bounded by the contract, whatever
 * URL a client sends.
 */
export function operationLabel(req: IncomingMessage): string {
  const operationId = (req as { openapi?: { schema?: { operationId?: unknown } } }).openapi?.schema
    ?.operationId;
  if (typeof operationId === 'string') return operationId;
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
    ? PREFLIGHT
    : UNMATCHED;
}

export function statusClass(res: ServerResponse): StatusClass {
  // 'close' without 'finish': the connection went before the response was complete.
  if (!res.writableFinished) return 'aborted';
  return CLASSES[Math.trunc(res.statusCode / 100)] ?? '5xx';
}

/** Records one request; call it when its response closes. `startedAt`: performance.now() at arrival. */
export function observeRequest(
  metrics: Metrics,
  req: IncomingMessage,
  res: ServerResponse,
  startedAt: number,
): void {
  metrics.requestCompleted(operationLabel(req), statusClass(res), (performance.now() - startedAt) / 1000);
}

/** `ignore`: requests that are not traffic (the start-up warm-up's). */
export function requestMetrics(metrics: Metrics, ignore?: (req: IncomingMessage) => boolean): RequestHandler {
  return (req, res, next) => {
    if (!ignore?.(req)) {
      const startedAt = performance.now();
      res.once('close', () => observeRequest(metrics, req, res, startedAt));
    }
    next();
  };
}
