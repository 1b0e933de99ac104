// Parses the XBL 3.0 Authorization header: `XBL3.0 x=<userhash>;<token>`.
import { ServiceError } from '../errors.ts';

/** Longest token accepted; real XTokens are a few KiB. Bounds the work done on hostile input. */
export const MAX_TOKEN_LENGTH = 8192;
const MAX_USER_HASH_LENGTH = 64;
const PREFIX = 'XBL3.0 x=';

export interface XblAuthorization {
  /** The user hash, or null for a service credential (`x=-`). */
  userHash: string | null;
  token: string;
}

export function parseXblAuthorization(header: string | undefined): XblAuthorization {
  if (header === undefined || header === '') {
    throw ServiceError.authentication('the Authorization header is required (XBL3.0 x=<userhash>;<token>)');
  }
  if (!header.startsWith(PREFIX)) {
    throw ServiceError.authentication(
      'the Authorization header must use the XBL3.0 scheme: XBL3.0 x=<userhash>;<token>',
    );
  }
  const separator = header.indexOf(';', PREFIX.length);
  if (separator === -1) {
    throw ServiceError.authentication('the XBL3.0 credential must be x=<userhash>;<token>');
  }
  const userHash = header.slice(PREFIX.length, separator);
  const token = header.slice(separator + 1);
  // The pattern refuses an empty hash too.
  if (userHash.length > MAX_USER_HASH_LENGTH || !/^[A-Za-z0-9-]+$/.test(userHash)) {
    throw ServiceError.authentication('the XBL3.0 user hash must be "-" or 1 to 64 letters and digits');
  }
  if (token === '') {
    throw ServiceError.authentication('the XBL3.0 credential has no token after ";"');
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw ServiceError.authentication(`the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  return { userHash: userHash === '-' ? null : userHash, token };
}
