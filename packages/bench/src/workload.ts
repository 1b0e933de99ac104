// What the load sends: one valid Send Server Invite request, with a credential the service accepts.
import { randomBytes } from 'node:crypto';
import { mintCredential } from '@server-invites/server';

export const TITLE_ID = 1827805096;
export const INVITE_PATH = `/titles/${TITLE_ID}/invites/server`;
export const SENDER = '2533274792693551';

/** `count` distinct XUIDs, the same every run (a fixed set keeps the in-memory invite store bounded). */
export function invitees(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(2814613569642996n + BigInt(i)));
}

export function inviteBody(inviteeCount: number): string {
  return JSON.stringify({
    invitedUsers: invitees(inviteeCount),
    sender: SENDER,
    connectionString: 'server=203.0.113.10:3074;session=7f3a9c',
  });
}

export interface Credentials {
  /** The HS256 secret the service under test is started with (AUTH_HS256_SECRET). */
  secret: string;
  issuer: string;
  audience: string;
  /** A complete Authorization header value for a game server acting for TITLE_ID. */
  authorization: string;
}

/** A fresh secret per run, and a service credential signed with it, valid for the whole run. */
export async function mintBenchCredentials(): Promise<Credentials> {
  const secret = randomBytes(32).toString('base64url');
  const issuer = 'server-invites-bench';
  const audience = 'server-invites';
  const authorization = await mintCredential({
    secret,
    issuer,
    audience,
    subject: { kind: 'service', titleIds: [TITLE_ID] },
    ttlSeconds: 3600,
    nowMs: Date.now(),
  });
  return { secret, issuer, audience, authorization };
}

export function inviteRequestHeaders(credentials: Credentials): Record<string, string> {
  return { authorization: credentials.authorization, 'content-type': 'application/json' };
}
