// Integer parameters are base-10 text, as the contract says. The validator's type coercion (Ajv)
// compares loosely and would read "0x6CF217A8", "1e3", "+5", " 12", "1.0" or "012" as integers;
// this check runs on the raw text, after the validator has matched the operation and before it
// coerces anything.
import type { RequestHandler } from 'express';
import { ServiceError } from '../errors.ts';

const BASE_10_INTEGER = /^-?(0|[1-9][0-9]*)$/;

interface ParameterObject {
  name: string;
  in: string;
  schema?: { type?: string };
}

interface MatchedOperation {
  openapi?: { pathParams?: Record<string, unknown>; schema?: { parameters?: ParameterObject[] } };
}

export const strictIntegerParameters: RequestHandler = (req, _res, next) => {
  const { openapi } = req as typeof req & MatchedOperation;
  for (const parameter of openapi?.schema?.parameters ?? []) {
    if (parameter.schema?.type !== 'integer') continue;
    const raw = rawValue(req, openapi?.pathParams, parameter);
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !BASE_10_INTEGER.test(raw)) {
      const where = parameter.in === 'path' ? 'params' : parameter.in === 'header' ? 'headers' : parameter.in;
      return next(
        ServiceError.validation(`request/${where}/${parameter.name} must be an integer written in base 10`),
      );
    }
  }
  next();
};

function rawValue(
  req: Parameters<RequestHandler>[0],
  pathParams: Record<string, unknown> | undefined,
  parameter: ParameterObject,
): unknown {
  switch (parameter.in) {
    case 'path':
      return pathParams?.[parameter.name];
    case 'query':
      return req.query[parameter.name];
    case 'header':
      return req.headers[parameter.name.toLowerCase()];
    default:
      return undefined;
  }
}
