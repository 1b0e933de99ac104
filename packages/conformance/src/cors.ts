// What a browser on another origin needs from a target: a preflight answered for the operation's
// method and the headers the contract uses, and responses that let the page's script read the
// headers it needs. Checked against the server (with CORS_ORIGINS set) and the mock alike.
import type { OperationSpec } from './contract.ts';

/**
 * The request headers a page's script sends: the five the client sends (Last-Event-ID too, to resume
 * a stream), and Prefer, which the mock README teaches (a page written against the mock keeps it).
 */
export const corsRequestHeaders = [
  'authorization',
  'content-type',
  'x-request-id',
  'x-xbl-contract-version',
  'idempotency-key',
  'last-event-id',
  'prefer',
];
/**
 * The response headers a page's script must be able to read: throttling, the request id, what a
 * 401 asks for (the client's AuthenticationError.wwwAuthenticate) and what a 405 allows.
 */
export const corsExposedHeaders = [
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'x-request-id',
  'www-authenticate',
  'allow',
];

/** A concrete path for an operation: each path parameter replaced by a valid value. */
export function examplePath(operation: OperationSpec): string {
  const values: Record<string, string> = {
    titleId: '1827805096',
    xuid: '2814613569642996',
    endpointId: 'living-room-console',
    inviteId: '5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a',
  };
  return operation.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no example value for path parameter ${name}`);
    return value;
  });
}

export const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

/** Problems with a preflight's answer (empty when a browser would send the request). */
export function preflightProblems(response: Response, origin: string, method: string): string[] {
  const problems: string[] = [];
  if (response.status < 200 || response.status > 299) problems.push(`status ${response.status}, not 2xx`);
  const allowOrigin = response.headers.get('access-control-allow-origin');
  if (allowOrigin !== origin && allowOrigin !== '*') {
    problems.push(`Access-Control-Allow-Origin is ${allowOrigin ?? '(absent)'}, not ${origin}`);
  }
  const methods = list(response.headers.get('access-control-allow-methods'));
  if (!methods.includes(method.toLowerCase()) && !methods.includes('*')) {
    problems.push(`Access-Control-Allow-Methods (${methods.join(', ')}) lacks ${method}`);
  }
  // `*` does not cover Authorization (Fetch standard): it must be named.
  const headers = list(response.headers.get('access-control-allow-headers'));
  for (const header of corsRequestHeaders) {
    if (!headers.includes(header) && !(header !== 'authorization' && headers.includes('*'))) {
      problems.push(`Access-Control-Allow-Headers (${headers.join(', ')}) lacks ${header}`);
    }
  }
  return problems;
}

/** Problems with an actual cross-origin response's CORS headers. */
export function corsResponseProblems(response: Response, origin: string): string[] {
  const problems: string[] = [];
  const allowOrigin = response.headers.get('access-control-allow-origin');
  if (allowOrigin !== origin && allowOrigin !== '*') {
    problems.push(`Access-Control-Allow-Origin is ${allowOrigin ?? '(absent)'}, not ${origin}`);
  }
  const exposed = list(response.headers.get('access-control-expose-headers'));
  for (const header of corsExposedHeaders) {
    if (!exposed.includes(header) && !exposed.includes('*')) {
      problems.push(`Access-Control-Expose-Headers (${exposed.join(', ')}) lacks ${header}`);
    }
  }
  return problems;
}
