// Verifies XBL3.0 credentials: header shape, JWT signature and claims, user hash; caches results.
import { hash } from 'node:crypto';
import { type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import { type Credential, tokenClaimsSchema } from './claims.ts';
import type { VerificationKey } from './keys.ts';
import { parseXblAuthorization } from './xbl-header.ts';

export interface AuthenticatorOptions {
  key: VerificationKey;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** How many verified tokens to remember; 0 verifies every request. */
  cacheMaxEntries: number;
  clock: Clock;
}

export interface Authenticator {
  /** Returns the caller's credential, or throws ServiceError AuthenticationError. */
  authenticate(authorizationHeader: string | undefined): Promise<Credential>;
}

const NO_TITLES: ReadonlySet<number> = new Set();

/** The cache key's user hash for a service credential: any text no user hash can be. */
// Stryker disable next-line StringLiteral: equivalent, any text that is no user hash marks a service credential
const NO_USER = '-';

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const { key, issuer, audience, clock } = options;
  const toleranceMs = options.clockToleranceSeconds * 1000;
  // Keyed by a digest, so the cache never holds bearer tokens themselves.
  const cache =
    options.cacheMaxEntries > 0
      ? new LRUCache<string, Credential>({ max: options.cacheMaxEntries })
      : undefined;

  async function verify(token: string): Promise<JWTPayload> {
    const verifyOptions = {
      algorithms: key.algorithms,
      issuer,
      audience,
      clockTolerance: options.clockToleranceSeconds,
      currentDate: new Date(clock.now()),
      // Also required by tokenClaimsSchema, in the same words: jose refuses first, without parsing.
      // Stryker disable next-line ArrayDeclaration: equivalent, the claims schema refuses the same tokens with the same message
      requiredClaims: ['exp', 'sub'],
    };
    try {
      // The two calls are the same at run time; jose's types take a key function and a key
      // through different overloads.
      const result =
        // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: equivalent, both branches make the same call
        typeof key.key === 'function'
          ? await jwtVerify(token, key.key, verifyOptions)
          : await jwtVerify(token, key.key, verifyOptions);
      return result.payload;
    } catch (error) {
      throw ServiceError.authentication(describeJoseError(error));
    }
  }

  function toCredential(payload: JWTPayload, userHash: string | null): Credential {
    const parsed = tokenClaimsSchema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // Stryker disable next-line OptionalChaining: equivalent, a failed parse has at least one issue
      throw ServiceError.authentication(`the token's claim "${issue?.path.join('.')}" is invalid`);
    }
    const claims = parsed.data;
    // Most user tokens name no title: they share one empty set instead of a hash table each.
    const titleIds = claims.tid.length === 0 ? NO_TITLES : new Set(claims.tid);
    const common = { subject: claims.sub, titleIds, expiresAtMs: claims.exp * 1000 };
    if (userHash === null) {
      if (claims.xid !== undefined || claims.uhs !== undefined) {
        throw ServiceError.authentication('a user token was sent as a service credential (x=-)');
      }
      return { kind: 'service', ...common };
    }
    if (claims.xid === undefined || claims.uhs === undefined) {
      throw ServiceError.authentication(
        'a service token was sent with a user hash; service credentials use x=-',
      );
    }
    if (claims.uhs !== userHash) {
      throw ServiceError.authentication("the credential's user hash does not match the token's uhs claim");
    }
    return { kind: 'user', ...common, xuid: claims.xid, userHash };
  }

  return {
    async authenticate(header) {
      const { userHash, token } = parseXblAuthorization(header);
      if (!cache) return toCredential(await verify(token), userHash);
      const cacheKey = `${userHash ?? NO_USER};${hash('sha256', token, 'base64url')}`;
      const cached = cache.get(cacheKey);
      if (cached) {
        if (clock.now() < cached.expiresAtMs + toleranceMs) return cached;
        // Stryker disable next-line CallExpression: equivalent in answers, a kept entry would be refused the same way; the LRU bounds what it holds
        cache.delete(cacheKey);
        throw ServiceError.authentication('the token has expired');
      }
      const credential = toCredential(await verify(token), userHash);
      cache.set(cacheKey, credential);
      return credential;
    },
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    if (error.claim === 'iss') return 'the token was issued by an issuer this service does not trust';
    if (error.claim === 'aud') return 'the token was issued for another audience';
    return `the token's claim "${error.claim}" is invalid`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return 'the token is signed with an algorithm this service does not accept';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  return 'the token is not a valid JWT';
}
