// Request count and duration by operationId and status class, recorded by the request path's one
// close hook (http/request-log.ts) beside the request's log line.
import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import '../http/request-state.ts';
import type { Metrics, StatusClass } from './metrics.ts';

/** The label of requests no operation of the contract matched (unknown paths, other methods). */
export const UNMATCHED = 'unmatched';
/** The label of CORS preflights, which the CORS middleware answers before any routing. */
export const PREFLIGHT = 'preflight';

const CLASSES: readonly StatusClass[] = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/**
 * The operationId the request path matched (http/operation-match.ts), else a fixed word: labels
 * stay bounded by the contract, whatever URL a client sends.
 */
export function operationLabel(req: Request, res: Response): string {
  const operationId = res.locals.operation?.operationId;
  if (operationId !== undefined) return operationId;
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined
    ? PREFLIGHT
    : UNMATCHED;
}

export function statusClass(res: ServerResponse): StatusClass {
  // 'close' without 'finish': the connection went before the response was complete.
  if (!res.writableFinished) return 'aborted';
  return CLASSES[Math.trunc(res.statusCode / 100)] ?? '5xx';
}

/** Records one request; called when its response closes. `startedAt`: performance.now() at arrival. */
export function observeRequest(metrics: Metrics, req: Request, res: Response, startedAt: number): void {
  metrics.requestCompleted(
    operationLabel(req, res),
    statusClass(res),
    (performance.now() - startedAt) / 1000,
  );
}
