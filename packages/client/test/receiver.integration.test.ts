import { startTestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchLike } from '../src/call.js';
import { createInvitesClient } from '../src/client.js';
import { AuthorizationError, NotFoundError } from '../src/errors.js';
import type { ReceivedInvite } from '../src/invite-iterator.js';
import { createInviteReceiver, type InviteReceiver } from '../src/receiver.js';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const TITLE_ID = 1827805096;
// Each test has its own users and sender, so that queues and throttling never meet.
let nextXuid = 2814613569642996n;
const xuid = () => String(nextXuid++);

/** Receives what is pending, acknowledging each invite, and ends when nothing is left. */
async function drain(receiver: InviteReceiver, user: string, endpointId: string): Promise<ReceivedInvite[]> {
  const received: ReceivedInvite[] = [];
  for await (const invite of receiver.receiveInvites(user, endpointId, { waitSeconds: 0 }))
    received.push(invite);
  return received;
}

describe('the receiver against the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function receiverFor(user: string, fetch?: FetchLike): Promise<InviteReceiver> {
    return createInviteReceiver({
      baseUrl: server.url,
      credentials: await server.userCredential(user),
      ...(fetch && { fetch }),
    });
  }

  async function sendInvite(invitedUsers: string[], sender = xuid()): Promise<void> {
    const game = createInvitesClient({
      baseUrl: server.url,
      credentials: await server.serviceCredential([TITLE_ID]),
    });
    await game.sendServerInvite(TITLE_ID, {
      invitedUsers,
      sender,
      connectionString: 'server=203.0.113.10:3074;session=7f3a9c',
      platform: 'XboxOne',
    });
  }

  it("delivers a game server's invite to both endpoints of the user exactly once, and not again once acknowledged", async () => {
    const userA = xuid();
    const sender = xuid();
    // Tells when the console's long poll has been sent, so that the invite is sent while it waits.
    let pollSent: () => void = () => {};
    const polling = new Promise<void>((resolve) => {
      pollSent = resolve;
    });
    const receiver = await receiverFor(userA, (url, init) => {
      if (init.method === 'GET') pollSent();
      return fetch(url, init);
    });

    const registered = await receiver.registerEndpoint(userA, 'console', { platform: 'Scarlett' });
    await receiver.registerEndpoint(userA, 'phone', { platform: 'Android', ttlSeconds: 3_600 });
    expect(registered).toMatchObject({
      xuid: userA,
      endpointId: 'console',
      platform: 'Scarlett',
      created: true,
    });
    expect(registered.expiresAt.getTime()).toBeGreaterThan(Date.now());

    const onConsole: ReceivedInvite[] = [];
    const consoleLoop = (async () => {
      for await (const invite of receiver.receiveInvites(userA, 'console', { waitSeconds: 10 })) {
        onConsole.push(invite);
        // Leaving the loop acknowledges nothing: acknowledged by hand first.
        await receiver.acknowledgeInvite(userA, 'console', invite.id);
        break;
      }
    })();
    await polling;
    const started = Date.now();
    await sendInvite([userA], sender);
    await consoleLoop;
    // The long poll answered when the invite arrived, not at the end of its 10 s.
    expect(Date.now() - started).toBeLessThan(5_000);

    const onPhone = await drain(receiver, userA, 'phone');

    expect(onConsole).toHaveLength(1);
    expect(onPhone).toHaveLength(1);
    expect(onPhone[0]?.id).toBe(onConsole[0]?.id);
    expect(onConsole[0]).toMatchObject({
      titleId: TITLE_ID,
      sender,
      invitedUser: userA,
      connectionString: 'server=203.0.113.10:3074;session=7f3a9c',
      platform: 'XboxOne',
      activationUri: expect.stringMatching(/^ms-xbl-6cf217a8:\/\/inviteAccept\?/),
    });
    expect(onConsole[0]?.createdAt).toBeInstanceOf(Date);
    expect(onConsole[0]?.expiresAt.getTime()).toBeGreaterThan(Date.now());

    // Acknowledged on both: neither endpoint gets it again.
    expect(await drain(receiver, userA, 'console')).toEqual([]);
    expect(await drain(receiver, userA, 'phone')).toEqual([]);
  });

  it('delivers again an invite that the loop left without acknowledging it', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);
    await receiver.registerEndpoint(user, 'pc', { platform: 'Win32' });
    await sendInvite([user]);

    let first: ReceivedInvite | undefined;
    for await (const invite of receiver.receiveInvites(user, 'pc', { waitSeconds: 0 })) {
      first = invite;
      break;
    }
    const again = await drain(receiver, user, 'pc');

    expect(again.map((invite) => invite.id)).toEqual([first?.id]);
    expect(await drain(receiver, user, 'pc')).toEqual([]);
  });

  it('answers 200 with created false when a live registration is refreshed', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);
    await receiver.registerEndpoint(user, 'tablet', { platform: 'IOS' });

    await expect(receiver.registerEndpoint(user, 'tablet', { platform: 'IOS' })).resolves.toMatchObject({
      created: false,
    });
  });

  it('unregisters idempotently; receiving for the unregistered endpoint rejects with a NotFoundError', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);
    await receiver.registerEndpoint(user, 'handheld', { platform: 'Nintendo' });

    await receiver.unregisterEndpoint(user, 'handheld');
    await expect(receiver.unregisterEndpoint(user, 'handheld')).resolves.toBeUndefined();

    const error = await drain(receiver, user, 'handheld').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, errorCode: 'NotFound', requestId: expect.any(String) });
  });

  it('rejects acknowledging an invite that is not pending with a NotFoundError', async () => {
    const user = xuid();
    const receiver = await receiverFor(user);
    await receiver.registerEndpoint(user, 'console', { platform: 'XboxOne' });

    await expect(
      receiver.acknowledgeInvite(user, 'console', '5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a'),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("rejects acting on another user's endpoints with an AuthorizationError", async () => {
    const receiver = await receiverFor(xuid());

    await expect(
      receiver.registerEndpoint(xuid(), 'console', { platform: 'XboxOne' }),
    ).rejects.toBeInstanceOf(AuthorizationError);
  });
});
