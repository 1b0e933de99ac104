// Names the contract operation a request's method and path select, before anything else reads
// the request: authentication needs to know whether the operation is secured, and dispatch which
// handler to call. Matching follows Express's defaults, as the validator does (case-insensitive,
// an optional trailing slash); a request that names no operation passes on unmatched, and the
// validator answers it 404 or 405.
//
// Integer parameters are checked here too, on their raw text: the validator's type coercion (Ajv)
// compares loosely and would read "0x6CF217A8", "1e3", "+5", " 12", "1.0" or "012" as integers.
import type { OperationId } from '@server-invites/types';
import type { Request, RequestHandler } from 'express';
import type { Contract } from '../contract.ts';
import { ServiceError } from '../errors.ts';

export interface MatchedOperation {
  operationId: OperationId;
  secured: boolean;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  operationId: OperationId;
  secured: boolean;
  integers: { name: string; in: string }[];
}

const BASE_10_INTEGER = /^-?(0|[1-9][0-9]*)$/;

export function operationMatch(contract: Contract): RequestHandler {
  const routes: Route[] = contract.operations.map((operation) => ({
    method: operation.method,
    pattern: templatePattern(operation.pathTemplate),
    names: [...operation.pathTemplate.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? ''),
    operationId: operation.operationId as OperationId,
    secured: operation.secured,
    integers: operation.parameters
      .filter((parameter) => parameter.schema.type === 'integer')
      .map((parameter) => ({ name: parameter.name, in: parameter.in })),
  }));
  return (req, res, next) => {
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const values = route.pattern.exec(req.path);
      if (!values) continue;
      const rawPathParams: Record<string, string> = {};
      try {
        route.names.forEach((name, index) => {
          rawPathParams[name] = decodeURIComponent(values[index + 1] ?? '');
        });
      } catch {
        // Malformed percent-encoding: the validator answers it as it does for any path.
        return next();
      }
      for (const parameter of route.integers) {
        const raw = rawValue(req, rawPathParams, parameter);
        if (raw !== undefined && (typeof raw !== 'string' || !BASE_10_INTEGER.test(raw))) {
          const where =
            parameter.in === 'path' ? 'params' : parameter.in === 'header' ? 'headers' : parameter.in;
          return next(
            ServiceError.validation(
              `request/${where}/${parameter.name} must be an integer written in base 10`,
            ),
          );
        }
      }
      res.locals.operation = { operationId: route.operationId, secured: route.secured };
      return next();
    }
    next();
  };
}

function templatePattern(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}/?$`, 'i');
}

function rawValue(req: Request, pathParams: Record<string, string>, parameter: { name: string; in: string }) {
  switch (parameter.in) {
    case 'path':
      return pathParams[parameter.name];
    case 'query':
      return (req.query as Record<string, unknown>)[parameter.name];
    case 'header':
      return req.headers[parameter.name.toLowerCase()];
    default:
      return undefined;
  }
}
