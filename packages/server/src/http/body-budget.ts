// Bounds the request bodies being received at once, across every connection: each costs up to
// BODY_LIMIT_BYTES of memory until its request is answered, and connections alone would let
// thousands of callers hold that much each. A request's declared length (or the body limit, for a
// chunked body) is reserved before its body is read, after its credential is checked, and given
// back when its response closes; past the budget it is answered 503 without reading the body.
import type { RequestHandler, Response } from 'express';
import { ServiceError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';

const reserved: unique symbol = Symbol('body bytes reserved');
type ReservingResponse = Response & { [reserved]: number };

export function bodyBudget(budgetBytes: number, bodyLimitBytes: number, metrics: Metrics): RequestHandler {
  let inFlight = 0;
  // One listener for every response (`this` is the response): no closure per request.
  function release(this: ReservingResponse) {
    inFlight -= this[reserved];
  }
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    // declared-length.ts has refused a declared length over the body limit already.
    const bytes =
      req.headers['transfer-encoding'] !== undefined
        ? bodyLimitBytes
        : declared === undefined
          ? 0
          : Number(declared);
    if (!(bytes > 0)) return next();
    if (inFlight + bytes > budgetBytes) {
      metrics.capacityRefused('request_bodies');
      return next(
        new ServiceError('ServiceUnavailable', 'too many request bodies are being received; retry shortly', {
          retryAfterSeconds: 1,
        }),
      );
    }
    inFlight += bytes;
    (res as ReservingResponse)[reserved] = bytes;
    res.on('close', release);
    next();
  };
}
