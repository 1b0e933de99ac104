// What the HTTP layer learns about a request on its way through the middleware chain.
import type { IncomingMessage } from 'node:http';
import type { Credential } from '../credentials/claims.ts';

/** Set by the security handler once the credential is verified. */
export const verifiedCredentials = new WeakMap<IncomingMessage, Credential>();

/**
 * The validator rewraps errors thrown by security handlers, keeping only status and message. The
 * original ServiceError is kept here so that the error handler can answer with it unchanged
 * (for example a 400 AuthorizationError rather than a generic 401).
 */
export const authenticationFailures = new WeakMap<IncomingMessage, unknown>();
