// Cross-origin access for browsers, off unless CORS_ORIGINS lists origins (or `*`). Preflights are
// answered for every operation with the methods and headers the contract uses; responses expose
// the headers it documents (throttling, request id, WWW-Authenticate, Allow). Both lists come from
// the contract (@server-invites/contract's browserAccess), which the mock's answers follow too, so
// that a page behaves the same against either. The service authenticates with an Authorization
// header the page's script sets, never with cookies, so it never sends
// Access-Control-Allow-Credentials: a `*` configuration lets any page call it with a credential
// the page already holds, and no page with one the browser holds for the user.
import type { IncomingMessage } from 'node:http';
import type { BrowserAccess } from '@server-invites/contract';
import cors from 'cors';
import type { RequestHandler } from 'express';

/** `origins`: exact origins (`https://app.example.com`), or `*` for any. */
export function corsMiddleware(origins: readonly string[] | '*', access: BrowserAccess): RequestHandler {
  const allowed = origins === '*' ? undefined : new Set(origins);
  const handler = cors({
    // Exact string comparison, never a pattern: `https://app.example.com.evil.test` is not allowed.
    origin:
      allowed === undefined
        ? '*'
        : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: access.methods,
    allowedHeaders: access.requestHeaders,
    exposedHeaders: access.exposedHeaders,
    credentials: false,
    maxAge: access.maxAgeSeconds,
    optionsSuccessStatus: 204,
  });
  return (req, res, next) => {
    // With a list of origins, every answer depends on the caller's Origin (allowed or not, sent or
    // not), so every answer says so, lest a cache serve one origin's answer to another. The cors
    // package adds Vary only where it allows the origin.
    if (allowed !== undefined) res.vary('Origin');
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
