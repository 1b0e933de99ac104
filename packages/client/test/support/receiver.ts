// What the receiver's tests share: a receiver on a fake fetch and a fake clock, invites as the
// server sends them, the server's error answers, and the traffic a receive loop sends.
import { expect } from 'vitest';
import type { ReceivedInvite } from '../../src/invite-iterator.js';
import { createInviteReceiver, type InviteReceiverOptions } from '../../src/receiver.js';
import { FakeClock } from './fake-clock.js';
import { type FakeFetch, fakeFetch, type Reply, reply } from './fake-fetch.js';

export const BASE_URL = 'https://invites.test';
export const XUID = '2814613569642996';
export const ENDPOINT_ID = 'living-room-console';
export const CREDENTIAL = 'XBL3.0 x=3456;user-token';
export const REQUEST_ID = 'req-7';
export const ENDPOINT_URL = `${BASE_URL}/users/${XUID}/endpoints/${ENDPOINT_ID}`;

/** An invite as the server sends it (JSON), numbered so that tests can tell them apart. */
export function inviteJson(n: number) {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    titleId: 1827805096,
    sender: '2533274792693551',
    invitedUser: XUID,
    connectionString: `server=203.0.113.10:3074;session=${n}`,
    platform: 'XboxOne',
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-01T01:00:00.000Z',
    activationUri: `ms-xbl-6cf217a8://inviteAccept?invitedUser=${XUID}&sender=2533274792693551&connectionString=${n}`,
  };
}
/** The invite as the receiver yields it: the dates as `Date`s. */
export function received(invite: ReturnType<typeof inviteJson>): ReceivedInvite {
  return {
    ...invite,
    platform: 'XboxOne',
    createdAt: new Date(invite.createdAt),
    expiresAt: new Date(invite.expiresAt),
  };
}

export const A = inviteJson(1);
export const B = inviteJson(2);
export const C = inviteJson(3);

export const acknowledged = reply.noContent();
export const failed = (status: number, errorCode: string, headers: Record<string, string> = {}) =>
  reply.json(
    status,
    { errorCode, debugMessage: `${errorCode} happened` },
    { 'X-Request-Id': REQUEST_ID, ...headers },
  );
export const tooManyInFlight = reply.json(
  429,
  { version: 1, currentRequests: 5, maxRequests: 4, periodInSeconds: 0, limitType: 'Concurrency' },
  { 'X-Request-Id': REQUEST_ID, 'Retry-After': '1' },
);

/** A receiver on a fake fetch and a fake clock, with jitter fixed at half its span and no deadline. */
export function setup(
  replies: Reply[] | ((clock: FakeClock) => Reply[]),
  options: Partial<InviteReceiverOptions> = {},
) {
  const clock = new FakeClock();
  const fetch = fakeFetch(...(typeof replies === 'function' ? replies(clock) : replies));
  const receiver = createInviteReceiver({
    baseUrl: BASE_URL,
    credentials: CREDENTIAL,
    fetch,
    clock,
    random: () => 0.5,
    timeoutMs: Number.POSITIVE_INFINITY,
    ...options,
  });
  return { fetch, clock, receiver };
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call resolved'),
    (error: unknown) => error,
  );
}

/** `METHOD path` of every request sent, for following a receive loop's traffic. */
export const traffic = (fetch: FakeFetch) =>
  fetch.requests.map((r) => `${r.method} ${r.url.slice(BASE_URL.length)}`);
export const ack = (invite: { id: string }) =>
  `DELETE /users/${XUID}/endpoints/${ENDPOINT_ID}/invites/${invite.id}`;
