// What the request path learns about a request on its way, kept on the response's `res.locals`
// (typed here for every middleware), so that it lives and dies with the request.
import type { Credential } from '../credentials/claims.ts';
import type { MatchedOperation } from './operation-match.ts';

declare global {
  namespace Express {
    interface Locals {
      /** The caller's X-Request-Id when well-formed, else one the service made. */
      requestId: string;
      /** The contract operation the method and path name; unset when they name none. */
      operation?: MatchedOperation;
      /** The verified caller, for operations the contract secures. */
      credential?: Credential;
      /** The failure behind a 5xx, for the request's log line (never sent to the caller). */
      failure?: Error;
    }
  }
}
