// Checks one HTTP response against the contract, whatever the request was:
// - the status is documented for the operation the request hit;
// - every documented header marked required is present, and every documented header present
//   matches its schema (e.g. Retry-After on 429);
// - the content type is one the response documents (and a response that documents no body has none);
// - the body matches the schema of that content type.
// Requests that hit no operation follow the rules the spec states in prose (info.description): an
// unknown path answers 404, a known path with another method 405 with `Allow`, both with an
// ErrorResponse (`NotFound`, `MethodNotAllowed`) and an X-Request-Id; HEAD is answered as the GET
// of its path, without a body.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Contract, HeaderSpec, ResponseSpec } from './contract.ts';

export interface ObservedResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when there is none). */
  body: string;
}

export interface Exchange {
  method: string;
  /** The request path, query included or not. */
  path: string;
  response: ObservedResponse;
}

/** Returns every way the response departs from the contract (empty when it conforms). */
export function checkResponse(contract: Contract, exchange: Exchange): string[] {
  const { response } = exchange;
  const path = exchange.path.split('?')[0] ?? exchange.path;
  const head = exchange.method.toUpperCase() === 'HEAD';
  const route = contract.route(head ? 'GET' : exchange.method, path);
  if (route.kind === 'no-path') {
    return [
      ...expectStatus(response, 404, `no path of the contract matches ${path}`),
      ...checkBeyondOperation(contract, response, 'NotFound'),
    ];
  }
  if (route.kind === 'method-not-allowed') {
    const problems = [
      ...expectStatus(response, 405, `${route.pathTemplate} documents only ${route.allowed.join(', ')}`),
      ...checkBeyondOperation(contract, response, 'MethodNotAllowed'),
    ];
    problems.push(...checkAllow(response.headers.get('allow'), route.allowed));
    return problems;
  }
  const { operation } = route;
  const documented = documentedResponse(operation.responses, response.status);
  if (!documented) {
    return [
      `status ${response.status} is not documented for ${operation.operationId} (documented: ${[...operation.responses.keys()].join(', ')})`,
    ];
  }
  const where = `${operation.operationId} ${response.status}`;
  return [
    ...checkHeaders(documented, response.headers, where),
    ...(head ? checkHeadContent(documented, response, where) : checkContent(documented, response, where)),
  ];
}

/**
 * For a request sent over a raw socket: HTTP itself may refuse it before any operation sees it
 * (malformed, headers too large, timed out, no Host, an unmet Expect, CONNECT). A status the
 * operation documents, and 404 or 405 outside every operation, are checked as usual; any other
 * must still be an ErrorResponse in JSON with an X-Request-Id, as the contract's prose says of
 * every error.
 */
export function checkWireResponse(contract: Contract, exchange: Exchange): string[] {
  const path = exchange.path.split('?')[0] ?? exchange.path;
  const route = contract.route(exchange.method, path);
  const { status } = exchange.response;
  const usual =
    route.kind === 'operation'
      ? documentedResponse(route.operation.responses, status) !== undefined
      : status === 404 || status === 405;
  return usual ? checkResponse(contract, exchange) : checkBeyondOperation(contract, exchange.response);
}

function documentedResponse(responses: Map<string, ResponseSpec>, status: number): ResponseSpec | undefined {
  return responses.get(String(status)) ?? responses.get(`${String(status)[0]}XX`) ?? responses.get('default');
}

function expectStatus(response: ObservedResponse, status: number, why: string): string[] {
  return response.status === status
    ? []
    : [`status ${response.status} where the contract says ${status}: ${why}`];
}

function checkBeyondOperation(contract: Contract, response: ObservedResponse, errorCode?: string): string[] {
  const problems: string[] = [];
  const requestId = response.headers.get('x-request-id');
  if (requestId === null) problems.push('missing header X-Request-Id (every response carries one)');
  else problems.push(...schemaProblems(contract.schema('RequestId'), requestId, 'header X-Request-Id'));
  const mediaType = mediaTypeOf(response.headers);
  if (mediaType !== 'application/json') {
    problems.push(`content type ${mediaType ?? '(none)'} where an ErrorResponse needs application/json`);
    return problems;
  }
  const body = parseJson(response.body);
  if (!body.ok) return [...problems, `body is not JSON: ${body.error}`];
  problems.push(...schemaProblems(contract.schema('ErrorResponse'), body.value, 'ErrorResponse body'));
  const code = (body.value as { errorCode?: unknown } | null)?.errorCode;
  if (errorCode !== undefined && code !== errorCode)
    problems.push(`errorCode ${JSON.stringify(code)} where the contract says ${errorCode}`);
  return problems;
}

function checkAllow(allow: string | null, documented: string[]): string[] {
  if (allow === null) return ['missing header Allow on a 405'];
  const listed = new Set(allow.split(',').map((method) => method.trim().toUpperCase()));
  // HEAD is implied by GET in HTTP; listing it or not is both right.
  if (documented.includes('GET')) listed.delete('HEAD');
  const expected = new Set(documented);
  const same = listed.size === expected.size && [...listed].every((method) => expected.has(method));
  return same ? [] : [`Allow: ${allow} where the contract documents ${documented.join(', ')}`];
}

function checkHeaders(spec: ResponseSpec, headers: Headers, where: string): string[] {
  const problems: string[] = [];
  for (const header of spec.headers) {
    const value = headers.get(header.name);
    if (value === null) {
      if (header.required) problems.push(`missing required header ${header.name} (${where})`);
      continue;
    }
    const read = readHeader(header, value);
    if (!read.ok) {
      problems.push(`header ${header.name}: ${JSON.stringify(value)} is not ${read.expected} (${where})`);
      continue;
    }
    problems.push(...schemaProblems(header.validate, read.value, `header ${header.name} (${where})`));
  }
  return problems;
}

function readHeader(
  header: HeaderSpec,
  value: string,
): { ok: true; value: unknown } | { ok: false; expected: string } {
  switch (header.type) {
    case 'integer':
      return /^-?[0-9]+$/.test(value)
        ? { ok: true, value: Number(value) }
        : { ok: false, expected: 'an integer' };
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value))
        ? { ok: true, value: Number(value) }
        : { ok: false, expected: 'a number' };
    case 'boolean':
      return value === 'true' || value === 'false'
        ? { ok: true, value: value === 'true' }
        : { ok: false, expected: 'true or false' };
    default:
      return { ok: true, value };
  }
}

function checkContent(spec: ResponseSpec, response: ObservedResponse, where: string): string[] {
  if (spec.content.size === 0) {
    return response.body.length === 0
      ? []
      : [`a body of ${response.body.length} characters where the contract documents none (${where})`];
  }
  const mediaType = mediaTypeOf(response.headers);
  const documented = [...spec.content.keys()];
  const validate = mediaType === undefined ? undefined : spec.content.get(mediaType);
  if (!validate) {
    return [
      `content type ${mediaType ?? '(none)'} is not documented (${where} documents ${documented.join(', ')})`,
    ];
  }
  if (isJson(mediaType)) {
    const body = parseJson(response.body);
    if (!body.ok) return [`body is not JSON: ${body.error} (${where})`];
    return schemaProblems(validate, body.value, `body (${where})`);
  }
  return schemaProblems(validate, response.body, `body (${where})`);
}

/** The answer to HEAD: the GET's documented content type, and no body. */
function checkHeadContent(spec: ResponseSpec, response: ObservedResponse, where: string): string[] {
  if (response.body.length > 0)
    return [`a body of ${response.body.length} characters in an answer to HEAD (${where})`];
  if (spec.content.size === 0) return [];
  const mediaType = mediaTypeOf(response.headers);
  return mediaType !== undefined && spec.content.has(mediaType)
    ? []
    : [
        `content type ${mediaType ?? '(none)'} is not documented (${where} documents ${[...spec.content.keys()].join(', ')})`,
      ];
}

function mediaTypeOf(headers: Headers): string | undefined {
  const value = headers.get('content-type');
  if (value === null) return undefined;
  return value.split(';')[0]?.trim().toLowerCase();
}

function isJson(mediaType: string | undefined): boolean {
  return mediaType === 'application/json' || (mediaType?.endsWith('+json') ?? false);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `${(error as Error).message}: ${JSON.stringify(text.slice(0, 120))}` };
  }
}

function schemaProblems(validate: ValidateFunction, value: unknown, what: string): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${what} ${describe(error)}`);
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '' : ` at ${error.instancePath}`;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : '';
  return `does not match the contract${at}: ${error.message ?? error.keyword}${extra}`;
}
