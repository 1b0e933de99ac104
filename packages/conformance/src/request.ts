// Checks a request against the contract: the suite uses it to know which requests the spec allows
// (so the case data is right about which requests are valid) and which ones a validating Prism
// proxy would forward rather than answer itself.
import type { Contract, ParameterSpec } from './contract.ts';

export interface OutgoingRequest {
  method: string;
  /** Path and query, e.g. /users/1/endpoints/x/invites?waitSeconds=0 */
  path: string;
  headers: Headers;
  /** The body as sent, or undefined for none (bytes are read as UTF-8: the contract knows no other). */
  body: string | Uint8Array<ArrayBuffer> | undefined;
}

export interface Violation {
  /** Where: `operation`, `security`, `content-type`, `body` or `body/<property>[/items]`,
   * `path/<name>`, `query/<name>`, `header/<name>`. */
  where: string;
  /** The JSON Schema keyword violated (`pattern`, `maxItems`, ...), or what else was wrong. */
  keyword: string;
  message: string;
}

/** Every way the request departs from the contract (empty when the contract allows it). */
export function requestViolations(contract: Contract, request: OutgoingRequest): Violation[] {
  const url = new URL(request.path, 'http://contract.invalid');
  const route = contract.route(request.method, url.pathname);
  if (route.kind !== 'operation') {
    return [
      {
        where: 'operation',
        keyword: route.kind,
        message: `${request.method} ${url.pathname} is not an operation`,
      },
    ];
  }
  const { operation, pathParams } = route;
  const problems: Violation[] = [];

  if (operation.secured && !request.headers.get('authorization')) {
    problems.push({ where: 'security', keyword: 'required', message: 'no Authorization header' });
  }

  for (const parameter of operation.parameters) {
    const raw =
      parameter.in === 'path'
        ? pathParams[parameter.name]
        : parameter.in === 'query'
          ? (url.searchParams.get(parameter.name) ?? undefined)
          : parameter.in === 'header'
            ? (request.headers.get(parameter.name) ?? undefined)
            : undefined;
    // No parameter of the contract is an array: one given twice is not a value it allows.
    const given = parameter.in === 'query' ? url.searchParams.getAll(parameter.name).length : 1;
    if (given > 1) {
      const where = `${parameter.in}/${parameter.name}`;
      problems.push({ where, keyword: 'type', message: `${where}: given ${given} times` });
      continue;
    }
    problems.push(...parameterProblems(parameter, raw));
  }

  const { requestBody } = operation;
  const hasBody = request.body !== undefined && request.body.length > 0;
  if (!requestBody) {
    if (hasBody) problems.push({ where: 'body', keyword: 'absent', message: 'the operation takes no body' });
    return problems;
  }
  if (!hasBody) {
    if (requestBody.required)
      problems.push({ where: 'body', keyword: 'required', message: 'the body is required' });
    return problems;
  }
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const validate = mediaType === undefined ? undefined : requestBody.content.get(mediaType);
  if (!validate) {
    const accepted = [...requestBody.content.keys()].join(', ');
    problems.push({
      where: 'content-type',
      keyword: 'enum',
      message: `content type ${mediaType ?? '(none)'} is not accepted (${accepted})`,
    });
    return problems;
  }
  let body: unknown;
  try {
    body = JSON.parse(
      typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body),
    );
  } catch {
    problems.push({ where: 'body', keyword: 'json', message: 'the body is not JSON' });
    return problems;
  }
  if (!validate(body)) {
    for (const error of validate.errors ?? []) {
      const property = error.instancePath.replace(/\/[0-9]+(?=\/|$)/g, '/items');
      const missing = (error.params as { missingProperty?: string }).missingProperty;
      problems.push({
        where: `body${property}`,
        keyword: missing === undefined ? error.keyword : `required:${missing}`,
        message: `body${error.instancePath} ${error.message}`,
      });
    }
  }
  return problems;
}

function parameterProblems(parameter: ParameterSpec, raw: string | undefined): Violation[] {
  const where = `${parameter.in}/${parameter.name}`;
  const violation = (keyword: string, message: string) => [
    { where, keyword, message: `${where}: ${message}` },
  ];
  if (raw === undefined) return parameter.required ? violation('required', 'missing') : [];
  let value: unknown = raw;
  if (parameter.type === 'integer') {
    if (!/^-?[0-9]+$/.test(raw)) return violation('type', `${JSON.stringify(raw)} is not an integer`);
    value = Number(raw);
  } else if (parameter.type === 'number') {
    if (raw.trim() === '' || !Number.isFinite(Number(raw)))
      return violation('type', `${JSON.stringify(raw)} is not a number`);
    value = Number(raw);
  } else if (parameter.type === 'boolean') {
    if (raw !== 'true' && raw !== 'false')
      return violation('type', `${JSON.stringify(raw)} is not a boolean`);
    value = raw === 'true';
  }
  if (parameter.validate(value)) return [];
  return (parameter.validate.errors ?? []).map((error) => ({
    where,
    keyword: error.keyword,
    message: `${where}: ${error.message}`,
  }));
}
