import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Invite } from '../../src/invites/invite.ts';
import { createSqliteInviteStore } from '../../src/invites/sqlite-invite-store.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const A = '1000000000000001';
const B = '1000000000000002';

function setup(path = ':memory:', maxPendingPerUser = 100) {
  let now = NOW;
  const clock = { now: () => now };
  const store = createSqliteInviteStore({ path, clock, maxPendingPerUser });
  const advance = (ms: number) => {
    now += ms;
  };
  return { store, clock, advance };
}

let ids = 0;
function invite(invitedUser: string, overrides: Partial<Invite> = {}): Invite {
  ids += 1;
  return {
    id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    titleId: 42,
    sender: '9',
    invitedUser,
    connectionString: 'cs',
    createdAtMs: NOW,
    expiresAtMs: NOW + 3_600_000,
    ...overrides,
  };
}

describe('SQLite invite store', () => {
  it('registers an endpoint as created, and a second registration as a refresh', async () => {
    const { store } = setup();
    const first = await store.register({
      xuid: A,
      endpointId: 'console',
      platform: 'Scarlett',
      ttlSeconds: 60,
    });
    expect(first).toEqual({
      created: true,
      endpoint: { xuid: A, endpointId: 'console', platform: 'Scarlett', expiresAtMs: NOW + 60_000 },
    });
    const again = await store.register({
      xuid: A,
      endpointId: 'console',
      platform: 'XboxOne',
      ttlSeconds: 120,
    });
    expect(again).toMatchObject({
      created: false,
      endpoint: { platform: 'XboxOne', expiresAtMs: NOW + 120_000 },
    });
  });

  it('queues an invite once for every live endpoint of the invitee, whatever its platform', async () => {
    const { store } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
    const sent = invite(A, { platform: 'XboxOne' });
    const { reached } = await store.deliver([sent, invite(B)]);
    expect(reached.sort()).toEqual([`${A}/console`, `${A}/phone`]);
    expect(await store.pending(A, 'console')).toEqual([sent]);
    expect(await store.pending(A, 'phone')).toEqual([sent]);
  });

  it('keeps the invite of a user with no endpoints, and queues it nowhere', async () => {
    const { store } = setup();
    const sent = invite(B);
    expect(await store.deliver([sent])).toEqual({ reached: [], dropped: 0 });
    expect(await store.pendingFor(B)).toEqual([sent]);
    expect(await store.pending(B, 'anything')).toBeUndefined();
  });

  it('takes an acknowledged invite off that endpoint only, and reports a second acknowledgement as not pending', async () => {
    const { store } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
    const sent = invite(A);
    await store.deliver([sent]);
    expect(await store.acknowledge(A, 'console', sent.id)).toBe(true);
    expect(await store.acknowledge(A, 'console', sent.id)).toBe(false);
    expect(await store.pending(A, 'console')).toEqual([]);
    expect(await store.pending(A, 'phone')).toEqual([sent]);
  });

  it('hides expired invites at once and deletes them on sweep', async () => {
    const { store, advance } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 86_400 });
    const sent = invite(A, { expiresAtMs: NOW + 1000 });
    await store.deliver([sent]);
    advance(1000);
    expect(await store.pending(A, 'console')).toEqual([]);
    expect(await store.acknowledge(A, 'console', sent.id)).toBe(false);
    expect(await store.sweep()).toEqual({ expiredInvites: 1, expiredEndpoints: 0 });
    expect(await store.pendingFor(A)).toEqual([]);
  });

  it('forgets an expired registration, and a re-registered endpoint starts with an empty queue', async () => {
    const { store, advance } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await store.deliver([invite(A, { expiresAtMs: NOW + 3_600_000 })]);
    advance(60_000);
    expect(await store.pending(A, 'console')).toBeUndefined();
    expect(await store.deliver([invite(A)])).toEqual({ reached: [], dropped: 0 });
    const again = await store.register({
      xuid: A,
      endpointId: 'console',
      platform: 'Scarlett',
      ttlSeconds: 60,
    });
    expect(again.created).toBe(true);
    expect(await store.pending(A, 'console')).toEqual([]);
  });

  it('drops the oldest invites of a full queue first', async () => {
    const { store } = setup(':memory:', 2);
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    const [first, second, third] = [invite(A), invite(A), invite(A)];
    const receipts = [];
    for (const sent of [first, second, third]) receipts.push(await store.deliver([sent as Invite]));
    expect(receipts.map((receipt) => receipt.dropped)).toEqual([0, 0, 1]);
    expect((await store.pending(A, 'console'))?.map((i) => i.id)).toEqual([second?.id, third?.id]);
  });

  it('removes an unregistered endpoint and its queue; unregistering again is not an error', async () => {
    const { store } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await store.deliver([invite(A)]);
    await store.unregister(A, 'console');
    await store.unregister(A, 'console');
    expect(await store.pending(A, 'console')).toBeUndefined();
  });

  it('stores a 16-invitee send in one transaction: a failure leaves nothing behind', async () => {
    const { store } = setup();
    const invitees = Array.from({ length: 16 }, (_, i) => String(2000000000000000 + i));
    for (const xuid of invitees) {
      for (const endpointId of ['a', 'b', 'c']) {
        await store.register({ xuid, endpointId, platform: 'Win32', ttlSeconds: 60 });
      }
    }
    const batch = invitees.map((xuid) => invite(xuid));
    expect((await store.deliver(batch)).reached).toHaveLength(48);

    const duplicateId = batch[0]?.id as string;
    const failing = [invite(invitees[0] as string), invite(invitees[1] as string, { id: duplicateId })];
    await expect(store.deliver(failing)).rejects.toThrow(/UNIQUE/);
    expect(await store.pendingFor(invitees[0] as string)).toEqual([batch[0]]);
  });

  it('keeps registrations and invites across a restart of a file-backed store', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'server-invites-store-')), 'invites.sqlite');
    const first = setup(path);
    await first.store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    const sent = invite(A);
    await first.store.deliver([sent]);
    first.store.close();

    const second = setup(path);
    expect(await second.store.pending(A, 'console')).toEqual([sent]);
    second.store.close();
  });
});

describe('SQLite invite store, sends arriving together', () => {
  it('stores sends made in the same turn together, each resolving with its own endpoints', async () => {
    const { store } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await store.register({ xuid: B, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
    const [toA, toB] = [invite(A), invite(B)];
    const reached = await Promise.all([store.deliver([toA]), store.deliver([toB])]);
    expect(reached).toEqual([
      { reached: [`${A}/console`], dropped: 0 },
      { reached: [`${B}/phone`], dropped: 0 },
    ]);
    expect(await store.pending(A, 'console')).toEqual([toA]);
    expect(await store.pending(B, 'phone')).toEqual([toB]);
  });

  it('does not let a failing send fail the others that shared its turn', async () => {
    const { store } = setup();
    const stored = invite(A);
    const good = invite(B);
    await store.deliver([stored]);
    const results = await Promise.allSettled([
      store.deliver([invite(A, { id: stored.id })]),
      store.deliver([good]),
    ]);
    expect(results[0]).toMatchObject({
      status: 'rejected',
      reason: expect.objectContaining({ message: expect.stringMatching(/UNIQUE/) }),
    });
    expect(results[1]).toEqual({ status: 'fulfilled', value: { reached: [], dropped: 0 } });
    expect(await store.pendingFor(B)).toEqual([good]);
  });

  it('commits sends still waiting when the store closes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'server-invites-store-')), 'invites.sqlite');
    const first = setup(path);
    const sent = invite(A);
    const delivered = first.store.deliver([sent]);
    first.store.close();
    await delivered;
    const second = setup(path);
    expect(await second.store.pendingFor(A)).toEqual([sent]);
    second.store.close();
  });
});
