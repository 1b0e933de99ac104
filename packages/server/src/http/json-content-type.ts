// Admits JSON request bodies only, and names their type one way.
//
// The validator compiles and caches a request validator per distinct Content-Type string, with
// no bound: `application/json; x=1`, `x=2`, ... would each cost a compilation and memory. Bodies
// are therefore refused unless JSON, and JSON's media type is reduced to `application/json`.
import type { RequestHandler } from 'express';
import { ServiceError } from '../errors.ts';

export const normalizeJsonContentType: RequestHandler = (req, _res, next) => {
  const header = req.headers['content-type'];
  // What clients send almost always: nothing to take apart.
  if (header === 'application/json') return next();
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (header === undefined) {
    if (hasBody)
      return next(
        new ServiceError('UnsupportedMediaType', 'a request body needs Content-Type: application/json'),
      );
    return next();
  }
  const [mediaType = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    if (hasBody)
      return next(new ServiceError('UnsupportedMediaType', 'the request body must be application/json'));
    return next();
  }
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && charset.replaceAll('"', '') !== 'utf-8') {
    return next(new ServiceError('UnsupportedMediaType', 'the request body must be encoded in UTF-8'));
  }
  req.headers['content-type'] = 'application/json';
  next();
};
