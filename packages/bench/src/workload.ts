// What the load sends: one valid Send Server Invite request, with a credential the service accepts.
import { randomBytes } from 'node:crypto';
import { mintCredential } from '@server-invites/server';

export const TITLE_ID = 1827805096;
export const INVITE_PATH = `/titles/${TITLE_ID}/invites/server`;
export const SENDER = '2533274792693551';
/** The first of the distinct senders of the distinct-sender run (never SENDER). */
export const DISTINCT_SENDERS_FROM = '3000000000000000';

/** The most invitees a configuration's request names (the contract's maximum). */
export const MAX_INVITEES = 16;

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

/** A player's credential for the service under test, valid for two hours. */
export function userCredential(credentials: Credentials, xuid: string): Promise<string> {
  return mintCredential({
    secret: credentials.secret,
    issuer: credentials.issuer,
    audience: credentials.audience,
    subject: { kind: 'user', xuid },
    ttlSeconds: 7200,
    nowMs: Date.now(),
  });
}

/**
 * Registers one endpoint for each of the `count` invitees, so that every send the load makes is
 * stored and queued as it would be for real players: the service keeps nothing for an invitee
 * with no registered device, and a bench without endpoints would measure that shortcut instead.
 */
export async function registerInviteeEndpoints(
  baseUrl: string,
  credentials: Credentials,
  count: number,
): Promise<void> {
  for (const xuid of invitees(count)) {
    const authorization = await userCredential(credentials, xuid);
    const response = await fetch(`${baseUrl}/users/${xuid}/endpoints/bench-device`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'Win32', ttlSeconds: 86_400 }),
    });
    await response.arrayBuffer();
    if (response.status !== 200 && response.status !== 201) {
      throw new Error(`registering an endpoint for ${xuid} answered ${response.status}`);
    }
  }
}

export function inviteRequestHeaders(credentials: Credentials): Record<string, string> {
  return { authorization: credentials.authorization, 'content-type': 'application/json' };
}
