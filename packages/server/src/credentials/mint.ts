// Mints XBL-shaped development credentials, signed with the HS256 secret the server verifies with.
import { SignJWT } from 'jose';

export type TokenSubject =
  | { kind: 'service'; titleIds: number[] }
  | { kind: 'user'; xuid: string; titleIds?: number[] };

export interface MintOptions {
  secret: string;
  issuer: string;
  audience: string;
  subject: TokenSubject;
  ttlSeconds: number;
  /** Milliseconds since the epoch the token is issued at. */
  nowMs: number;
  /** Seconds after issue before the token is valid (for testing "not yet valid"). */
  notBeforeSeconds?: number;
}

/** A user hash derived from the XUID, stable so a user's header and token always agree. */
export function userHashOf(xuid: string): string {
  return `uhs${xuid}`;
}

/** Returns a complete Authorization header value: `XBL3.0 x=<userhash>;<jwt>`. */
export async function mintCredential(options: MintOptions): Promise<string> {
  const { subject } = options;
  const issuedAt = Math.floor(options.nowMs / 1000);
  const claims =
    subject.kind === 'service'
      ? { tid: subject.titleIds }
      : { tid: subject.titleIds ?? [], xid: subject.xuid, uhs: userHashOf(subject.xuid) };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(subject.kind === 'service' ? 'game-server' : subject.xuid)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt + (options.notBeforeSeconds ?? 0))
    .setExpirationTime(issuedAt + options.ttlSeconds)
    .sign(new TextEncoder().encode(options.secret));
  const userHash = subject.kind === 'service' ? '-' : userHashOf(subject.xuid);
  return `XBL3.0 x=${userHash};${token}`;
}
