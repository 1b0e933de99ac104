// Admits JSON request bodies only, and names their type one way.
//
// The validator compiles and caches a request validator per distinct Content-Type string, with
// no bound: `application/json; x=1`, `x=2`, ... would each cost a compilation and memory. Bodies
// are therefore refused unless JSON, and JSON's media type is reduced to `application/json`.
//
// JSON is UTF-8 (RFC 8259 section 8.1): a charset parameter may only name UTF-8, and the bytes
// must be UTF-8 too. The body parser would decode invalid bytes to U+FFFD, and the invite would be
// delivered with text its sender never wrote: such a body is refused with 415 instead.

import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ServiceError } from '../errors.ts';

/** How clients spell UTF-8 in a charset parameter (compared in lower case, quotes removed). */
const UTF_8 = new Set(['utf-8', 'utf8']);

/** Whether the request declares a body (chunked, or a Content-Length above 0). */
export function declaresBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

export const normalizeJsonContentType: RequestHandler = (req, _res, next) => {
  const header = req.headers['content-type'];
  // What clients send almost always: nothing to take apart.
  if (header === 'application/json') return next();
  if (header === undefined) {
    if (declaresBody(req))
      return next(
        new ServiceError('UnsupportedMediaType', 'a request body needs Content-Type: application/json'),
      );
    return next();
  }
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    if (declaresBody(req))
      return next(new ServiceError('UnsupportedMediaType', 'the request body must be application/json'));
    return next();
  }
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && !UTF_8.has(charset.replaceAll('"', ''))) {
    return next(new ServiceError('UnsupportedMediaType', 'the request body must be encoded in UTF-8'));
  }
  req.headers['content-type'] = 'application/json';
  next();
};

/** The body parser's `verify`: the raw bytes, before they are decoded, must be UTF-8. */
export function refuseInvalidUtf8(_req: IncomingMessage, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new ServiceError('UnsupportedMediaType', 'the request body is not valid UTF-8');
}
