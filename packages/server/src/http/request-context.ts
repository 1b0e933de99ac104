// Gives every request an id (the caller's X-Request-Id when it is well-formed) and a logger that
// writes it; the id is returned in X-Request-Id on every response.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { WarmUpGate } from './warm-up.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(logger: Logger, warmUp?: WarmUpGate) {
  return pinoHttp({
    logger,
    // Start-up warm-up requests are not traffic: they are left out of the request log.
    ...(warmUp && { autoLogging: { ignore: (req: IncomingMessage) => warmUp.sent(req) } }),
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const offered = req.headers['x-request-id'];
      const id = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      return 'info';
    },
    // Keep request logs small: no headers (they hold credentials), no bodies.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
