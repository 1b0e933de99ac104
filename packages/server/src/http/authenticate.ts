// Verifies the caller's credential for operations the contract secures, before the body is read:
// a request without a valid credential costs a header check (and, the first time a token is seen,
// a signature check), never JSON parsing. Failures are ServiceErrors (401, or 400 for a credential
// not allowed here), answered by the error handler as they are.
import type { RequestHandler } from 'express';
import type { Authenticator } from '../credentials/authenticator.ts';

export function authenticate(authenticator: Authenticator): RequestHandler {
  return (req, res, next) => {
    if (!res.locals.operation?.secured) return next();
    authenticator.authenticate(req.headers.authorization).then((credential) => {
      res.locals.credential = credential;
      next();
    }, next);
  };
}
