// Refuses a body whose declared Content-Length is over the limit at once, before reading it: the
// body parser would otherwise wait for the whole declared body (or the request timeout) before
// answering 413. The connection is closed after the answer, since the body is never read.
import type { RequestHandler } from 'express';
import { ServiceError } from '../errors.ts';

export function declaredLength(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limitBytes) {
      res.setHeader('Connection', 'close');
      return next(new ServiceError('PayloadTooLarge', `the request body exceeds ${limitBytes} bytes`));
    }
    next();
  };
}
