// Cross-origin access for browsers, off unless CORS_ORIGINS lists origins (or `*`). Preflights are
// answered for every operation with the methods and headers the contract uses; responses expose
// the headers a script needs (throttling, request id). The service authenticates with an
// Authorization header the page's script sets, never with cookies, so it never sends
// Access-Control-Allow-Credentials: a `*` configuration lets any page call it with a credential
// the page already holds, and no page with one the browser holds for the user.
import type { IncomingMessage } from 'node:http';
import cors from 'cors';
import type { RequestHandler } from 'express';

export const CORS_ALLOWED_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-Request-Id',
  'x-xbl-contract-version',
  'Idempotency-Key',
] as const;
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Request-Id'] as const;
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

/** `origins`: exact origins (`https://app.example.com`), or `*` for any. */
export function corsMiddleware(origins: readonly string[] | '*'): RequestHandler {
  const allowed = origins === '*' ? undefined : new Set(origins);
  const handler = cors({
    // Exact string comparison, never a pattern: `https://app.example.com.evil.test` is not allowed.
    origin:
      allowed === undefined
        ? '*'
        : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: [...CORS_ALLOWED_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    credentials: false,
    maxAge: CORS_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => {
    // Only a preflight is answered here; any other OPTIONS goes on to the contract (405).
    if (req.method === 'OPTIONS' && !isPreflight(req)) {
      next();
      return;
    }
    handler(req, res, next);
  };
}

function isPreflight(req: IncomingMessage): boolean {
  return req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;
}
