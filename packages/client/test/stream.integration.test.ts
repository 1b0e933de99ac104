// streamInvites against the real service's receiveInviteStream: delivery while the stream is
// open, resumption after a cursor, and the reconnection that follows the service ending a stream.
import { startTestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchLike } from '../src/call.js';
import { createInvitesClient } from '../src/client.js';
import type { Clock } from '../src/clock.js';
import { AuthorizationError, NotFoundError } from '../src/errors.js';
import type { ReceivedInvite } from '../src/invite-iterator.js';
import { STALL_TIMEOUT_MS, type StreamedInvite } from '../src/invite-stream.js';
import { createInviteReceiver, type InviteReceiver } from '../src/receiver.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const TITLE_ID = 1827805096;
// Each test has its own users and senders, so that queues and throttling never meet.
let nextXuid = 2814613569652996n;
const xuid = () => String(nextXuid++);

/**
 * Real time, but the waits before a reconnection end at once (and are recorded); the stall
 * watchdog's minute never ends within a test (only its release does).
 */
function reconnectingAtOnce(): Clock & { readonly sleeps: readonly number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        if (ms < STALL_TIMEOUT_MS) {
          sleeps.push(ms);
          return resolve();
        }
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  };
}

/** The first invite the iterator yields; the stream is then closed, acknowledging nothing. */
async function firstOf(iterator: AsyncIterableIterator<StreamedInvite>): Promise<StreamedInvite> {
  const { value } = await iterator.next();
  await iterator.return?.();
  if (value === undefined) throw new Error('the stream ended without an invite');
  return value;
}

describe('streamInvites against the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function receiverFor(user: string, options: { fetch?: FetchLike; clock?: Clock } = {}) {
    return createInviteReceiver({
      baseUrl: server.url,
      credentials: await server.userCredential(user),
      clock: options.clock ?? reconnectingAtOnce(),
      ...(options.fetch && { fetch: options.fetch }),
    });
  }

  /** Sends an invite to `user` from a sender of its own; resolves to the connection string that tells it apart. */
  async function sendInvite(user: string, label: string): Promise<string> {
    const game = createInvitesClient({
      baseUrl: server.url,
      credentials: await server.serviceCredential([TITLE_ID]),
    });
    const connectionString = `server=203.0.113.10:3074;${label}`;
    await game.sendServerInvite(TITLE_ID, { invitedUsers: [user], sender: xuid(), connectionString });
    return connectionString;
  }

  async function pending(
    receiver: InviteReceiver,
    user: string,
    endpointId: string,
  ): Promise<ReceivedInvite[]> {
    const invites: ReceivedInvite[] = [];
    for await (const invite of receiver.receiveInvites(user, endpointId, { waitSeconds: 0 })) {
      invites.push(invite);
      // Polled, not taken: acknowledged by neither loop.
      break;
    }
    return invites;
  }

  it('delivers the pending invite, then one sent while the stream is open, acknowledging each as the next is asked for', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);
    await receiver.registerEndpoint(user, 'console', { platform: 'Scarlett' });
    const waiting = await sendInvite(user, 'sent-before');
    const iterator = receiver.streamInvites(user, 'console');

    const first = await iterator.next();
    const second = iterator.next();
    const live = await sendInvite(user, 'sent-while-open');
    const arrived = await second;

    expect(first.value).toMatchObject({ connectionString: waiting, invitedUser: user, titleId: TITLE_ID });
    expect(first.value?.createdAt).toBeInstanceOf(Date);
    expect(first.value?.cursor).toMatch(/^[0-9]{1,20}$/);
    expect(arrived.value).toMatchObject({ connectionString: live });
    expect(arrived.value?.cursor).not.toBe(first.value?.cursor);
    // The first was acknowledged when the second was asked for; the second is still in hand.
    await receiver.acknowledgeInvite(user, 'console', arrived.value?.id as string);
    await iterator.return();
    expect(await pending(receiver, user, 'console')).toEqual([]);
  });

  it('continues after a cursor: what was sent up to it is not sent again, although still pending', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);
    await receiver.registerEndpoint(user, 'pc', { platform: 'Win32' });
    const older = await sendInvite(user, 'older');
    const newer = await sendInvite(user, 'newer');

    const first = await firstOf(receiver.streamInvites(user, 'pc'));
    const resumed = await firstOf(receiver.streamInvites(user, 'pc', { lastEventId: first.cursor }));
    const fromScratch = await firstOf(receiver.streamInvites(user, 'pc'));

    expect(first.connectionString).toBe(older);
    expect(resumed.connectionString).toBe(newer);
    // Nothing was acknowledged: a stream without a cursor starts from the oldest pending again.
    expect(fromScratch.id).toBe(first.id);
  });

  it('connects again with Last-Event-ID when the service ends the stream for a newer one of the endpoint', async () => {
    const user = xuid();
    const credential = await server.userCredential(user);
    const streamRequests: (string | null)[] = [];
    let reconnected: () => void = () => {};
    const reconnecting = new Promise<void>((resolve) => {
      reconnected = resolve;
    });
    const recording: FetchLike = (url, init) => {
      if (init.method === 'GET' && url.endsWith('/invites/stream')) {
        streamRequests.push(new Headers(init.headers).get('Last-Event-ID'));
        if (streamRequests.length === 2) reconnected();
      }
      return fetch(url, init);
    };
    const clock = reconnectingAtOnce();
    const receiver = await receiverFor(user, { fetch: recording, clock });
    await receiver.registerEndpoint(user, 'phone', { platform: 'Android' });
    await sendInvite(user, 'before-takeover');
    const iterator = receiver.streamInvites(user, 'phone');
    const first = await iterator.next();

    // Another stream of the same endpoint: the newest wins, the iterator's is ended.
    const rival = new AbortController();
    const takeover = await fetch(`${server.url}/users/${user}/endpoints/phone/invites/stream`, {
      headers: { Authorization: credential },
      signal: rival.signal,
    });
    expect(takeover.status).toBe(200);
    const next = iterator.next();
    await reconnecting;
    rival.abort();
    const after = await sendInvite(user, 'after-takeover');

    expect((await next).value).toMatchObject({ connectionString: after });
    expect(streamRequests).toEqual([null, first.value?.cursor]);
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(1);
    await iterator.return();
  });

  it('ends with a NotFoundError for an endpoint that is not registered', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);

    const error = await receiver
      .streamInvites(user, 'never-registered')
      .next()
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, requestId: expect.any(String) });
  });

  it("ends with an AuthorizationError for another user's endpoint", async () => {
    const receiver = await receiverFor(xuid());

    await expect(receiver.streamInvites(xuid(), 'console').next()).rejects.toBeInstanceOf(AuthorizationError);
  });
});
