// Names the contract operation a request's method and path select, before anything else reads
// the request: authentication needs to know whether the operation is secured, and dispatch which
// handler to call. Matching follows Express's defaults, as the validator does (case-insensitive,
// an optional trailing slash); a request that names no operation passes on unmatched, and the
// validator answers it 404 or 405.
//
// HEAD names the operation GET names on the same path (RFC 9110 section 9.3.2: HEAD wherever GET),
// and is answered as that GET, without its body (Node drops the body of a response to HEAD).
//
// Integer parameters are checked here too, on their raw text: the validator's type coercion (Ajv)
// compares loosely and would read "0x6CF217A8", "1e3", "+5", " 12", "1.0" or "012" as integers, and
// reads 310 digits or more as Infinity, which it then lets past `maximum`. Each is written as JSON
// writes integers (no sign on 0, no leading zeros) and compared with its schema's bounds exactly,
// whatever its length: the range error names the bound the validator would name.
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
  integers: IntegerParameter[];
}

interface IntegerParameter {
  name: string;
  in: string;
  minimum: bigint | undefined;
  maximum: bigint | undefined;
}

/** Base 10 as JSON writes integers: "-0", "+1" and "01" are refused, not read as 0 and 1. */
const BASE_10_INTEGER = /^(0|-?[1-9][0-9]*)$/;

export function operationMatch(contract: Contract): RequestHandler {
  const routes: Route[] = contract.operations.map((operation) => ({
    method: operation.method,
    pattern: templatePattern(operation.pathTemplate),
    names: [...operation.pathTemplate.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? ''),
    operationId: operation.operationId as OperationId,
    secured: operation.secured,
    integers: operation.parameters
      .filter((parameter) => parameter.schema.type === 'integer')
      .map((parameter) => ({
        name: parameter.name,
        in: parameter.in,
        minimum: bound(parameter.schema.minimum),
        maximum: bound(parameter.schema.maximum),
      })),
  }));
  return (req, res, next) => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    for (const route of routes) {
      if (route.method !== method) continue;
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
        if (raw === undefined) continue;
        const problem = integerProblem(raw, parameter);
        if (problem !== undefined) {
          const where =
            parameter.in === 'path' ? 'params' : parameter.in === 'header' ? 'headers' : parameter.in;
          return next(ServiceError.validation(`request/${where}/${parameter.name} ${problem}`));
        }
      }
      res.locals.operation = { operationId: route.operationId, secured: route.secured };
      return next();
    }
    next();
  };
}

/** What is wrong with an integer parameter's raw value, in the validator's words; undefined if nothing. */
function integerProblem(raw: unknown, parameter: IntegerParameter): string | undefined {
  if (typeof raw !== 'string' || !BASE_10_INTEGER.test(raw)) return 'must be an integer written in base 10';
  const value = BigInt(raw);
  if (parameter.minimum !== undefined && value < parameter.minimum) return `must be >= ${parameter.minimum}`;
  if (parameter.maximum !== undefined && value > parameter.maximum) return `must be <= ${parameter.maximum}`;
  return undefined;
}

function bound(limit: unknown): bigint | undefined {
  return typeof limit === 'number' && Number.isSafeInteger(limit) ? BigInt(limit) : undefined;
}

function templatePattern(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}/?$`, 'i');
}

function rawValue(req: Request, pathParams: Record<string, string>, parameter: IntegerParameter) {
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
