// A queue cannot be poisoned: an invite the contract would not let through (stored by an older
// version, or by a bug) is left out of the answer, and the endpoint's other invites still arrive,
// with response validation on (a violation would otherwise be a 500 for the whole poll).
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import type { InviteStore, QueuedInvite } from '../../src/invites/delivery.ts';
import type { Invite } from '../../src/invites/invite.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';
import { devicesWaiting } from '../support/waiting.ts';

const USER = '2814613569642996';

/** The SQLite store, except that every pending queue of USER holds `poison` first. */
function storeWithPoison(poison: QueuedInvite): InviteStore {
  const store = createSqliteInviteStore({
    path: ':memory:',
    clock: { now: () => Date.now() },
    maxPendingPerUser: 100,
  });
  return {
    ...store,
    deliver: (invites) => store.deliver(invites),
    register: (registration) => store.register(registration),
    unregister: (xuid, endpointId) => store.unregister(xuid, endpointId),
    acknowledge: (xuid, endpointId, id) => store.acknowledge(xuid, endpointId, id),
    pendingFor: (xuid) => store.pendingFor(xuid),
    sweep: () => store.sweep(),
    close: () => store.close(),
    async pending(xuid, endpointId) {
      const invites = await store.pending(xuid, endpointId);
      return invites && xuid === USER ? [poison, ...invites] : invites;
    },
  };
}

function poisoned(change: Partial<Invite>): QueuedInvite {
  const now = Date.now();
  return {
    id: '00000000-0000-4000-8000-000000000000',
    titleId: TITLE_ID,
    sender: SENDER,
    invitedUser: USER,
    connectionString: '',
    createdAtMs: now,
    expiresAtMs: now + 3_600_000,
    // Before every invite the store hands out.
    seq: 0,
    ...change,
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function poll(url: string, authorization: string, waitSeconds = 0) {
  const response = await fetch(`${url}/users/${USER}/endpoints/console/invites?waitSeconds=${waitSeconds}`, {
    headers: { authorization },
  });
  return {
    status: response.status,
    body: (await response.json()) as { invites: Array<Record<string, unknown>> },
  };
}

async function send(connectionString: string) {
  if (!server) throw new Error('no server');
  const response = await callInvite(server.url, {
    authorization: await server.serviceCredential([TITLE_ID]),
    body: { invitedUsers: [USER], sender: SENDER, connectionString },
  });
  expect(response.status, response.text).toBe(204);
}

describe('a queue holding an invite the contract does not allow', () => {
  it.each([
    ['a connection string of 513 characters', { connectionString: 'c'.repeat(513) }],
    [
      'an activationUri over its maxLength (a connection string of 600 emoji)',
      { connectionString: '😀'.repeat(600) },
    ],
    ['a sender that is not a XUID', { sender: 'not-a-xuid' }],
    ['a lone surrogate in the connection string', { connectionString: 'a\ud800b' }],
  ])('still delivers the other invites, with 200, when the queue holds %s', async (_name, change) => {
    const logged: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    server = await startTestServer({
      overrides: { store: storeWithPoison(poisoned(change)), logger: pino({ level: 'error' }, sink) },
    });
    const user = await server.userCredential(USER);
    const register = await fetch(`${server.url}/users/${USER}/endpoints/console`, {
      method: 'PUT',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'Scarlett' }),
    });
    expect(register.status).toBe(201);
    await send('first');
    await send('second');

    const received = await poll(server.url, user);
    expect(received.status).toBe(200);
    expect(received.body.invites.map((invite) => invite.connectionString)).toEqual(['first', 'second']);
    const ack = await fetch(
      `${server.url}/users/${USER}/endpoints/console/invites/${received.body.invites[0]?.id}`,
      {
        method: 'DELETE',
        headers: { authorization: user },
      },
    );
    expect(ack.status).toBe(204);
    // Reported once, by id, whatever the endpoint polls; never with the invite's content.
    await poll(server.url, user);
    const reports = logged.filter((line) => line.includes('breaks the contract'));
    expect(reports).toHaveLength(1);
    expect(JSON.parse(reports[0] ?? '{}').inviteId).toBe('00000000-0000-4000-8000-000000000000');
    expect(reports[0]).not.toContain('not-a-xuid');
    expect(reports[0]).not.toContain('cccccccccc');
  });

  it('keeps a long poll waiting when only such an invite is queued, and answers with the next one', async () => {
    server = await startTestServer({
      overrides: { store: storeWithPoison(poisoned({ sender: 'not-a-xuid' })) },
    });
    const user = await server.userCredential(USER);
    await fetch(`${server.url}/users/${USER}/endpoints/console`, {
      method: 'PUT',
      headers: { authorization: user, 'content-type': 'application/json' },
      body: JSON.stringify({ platform: 'Scarlett' }),
    });

    const polled = poll(server.url, user, 30);
    // The poll enters the waiting room, finds nothing deliverable, and waits: then the invite is sent.
    await devicesWaiting(server, 1);
    await send('after the wait began');
    const received = await polled;
    expect(received.status).toBe(200);
    expect(received.body.invites.map((invite) => invite.connectionString)).toEqual(['after the wait began']);
  });
});
