import { NetworkError } from './errors.js';

// Failures that prove no connection was ever established, so no byte of the request was sent:
// retrying them cannot send an invite twice. Everything else (a reset, a broken pipe, a browser's
// opaque "Failed to fetch") may have happened after the server read the request.
const NEVER_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const MAX_CAUSE_DEPTH = 8;

/** Classifies what `fetch` rejected with (Node nests the system error in `cause`). */
export function networkErrorFrom(failure: unknown, requestId: string | undefined): NetworkError {
  return new NetworkError({
    mayHaveReachedServer: !neverSent(failure, 0),
    code: firstCode(failure, 0),
    requestId,
    cause: failure,
  });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

function neverSent(error: unknown, depth: number): boolean {
  if (depth > MAX_CAUSE_DEPTH) return false;
  const code = codeOf(error);
  if (code !== undefined) return NEVER_SENT_CODES.has(code);
  // Node tries each address of a host in turn and reports them together: the request was never
  // sent only if no attempt got through.
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.every((inner) => neverSent(inner, depth + 1));
  }
  const cause = causeOf(error);
  return cause !== undefined && neverSent(cause, depth + 1);
}

function firstCode(error: unknown, depth: number): string | undefined {
  if (depth > MAX_CAUSE_DEPTH || error === undefined) return undefined;
  return codeOf(error) ?? firstCode(causeOf(error), depth + 1);
}
