// What only the SQLite store does: transactions, a file that survives restarts, group commit,
// and failures as 503. What every store does is in invite-store-contract.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/errors.ts';
import type { Invite } from '../../src/invites/invite.ts';
import { createSqliteInviteStore } from '../../src/invites/sqlite-invite-store.ts';
import { invite } from './invite-store-contract.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const A = '1000000000000001';
const B = '1000000000000002';

function setup(path = ':memory:', maxPendingPerUser = 100) {
  const clock = { now: () => NOW };
  return { store: createSqliteInviteStore({ path, clock, maxPendingPerUser }) };
}

const at = (overrides: Partial<Invite> = {}) => ({
  createdAtMs: NOW,
  expiresAtMs: NOW + 3_600_000,
  ...overrides,
});

const unavailable = expect.objectContaining({
  code: 'ServiceUnavailable',
  retryAfterSeconds: 1,
  cause: expect.objectContaining({ message: expect.stringMatching(/UNIQUE/) }),
});

describe('SQLite invite store', () => {
  it('stores a 16-invitee send in one transaction: a failure leaves nothing behind, and is a 503', async () => {
    const { store } = setup();
    const invitees = Array.from({ length: 16 }, (_, i) => String(2000000000000000 + i));
    for (const xuid of invitees) {
      for (const endpointId of ['a', 'b', 'c']) {
        await store.register({ xuid, endpointId, platform: 'Win32', ttlSeconds: 60 });
      }
    }
    const batch = invitees.map((xuid) => invite(xuid, at()));
    expect((await store.deliver(batch)).reached).toHaveLength(48);

    const duplicateId = batch[0]?.id as string;
    const failing = [
      invite(invitees[0] as string, at()),
      invite(invitees[1] as string, at({ id: duplicateId })),
    ];
    await expect(store.deliver(failing)).rejects.toEqual(unavailable);
    expect(await store.pendingFor(invitees[0] as string)).toEqual([batch[0]]);
  });

  it('answers every operation with a 503 (ServiceUnavailable, Retry-After 1) once its database fails', async () => {
    const { store } = setup();
    store.close();
    const attempts = [
      store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 }),
      store.unregister(A, 'console'),
      store.pending(A, 'console'),
      store.acknowledge(A, 'console', '00000000-0000-4000-8000-000000000001'),
      store.pendingFor(A),
      store.sweep(),
      store.deliver([invite(A, at())]),
    ];
    for (const result of await Promise.allSettled(attempts)) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as ServiceError;
      expect(reason).toBeInstanceOf(ServiceError);
      expect([reason.code, reason.retryAfterSeconds]).toEqual(['ServiceUnavailable', 1]);
    }
  });

  it('keeps registrations and invites across a restart of a file-backed store', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'server-invites-store-')), 'invites.sqlite');
    const first = setup(path);
    await first.store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    const sent = invite(A, at());
    await first.store.deliver([sent]);
    first.store.close();

    const second = setup(path);
    expect(await second.store.pending(A, 'console')).toEqual([sent]);
    second.store.close();
  });
});

describe('SQLite invite store, sends arriving together', () => {
  it('does not let a failing send fail the others that shared its turn', async () => {
    const { store } = setup();
    await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await store.register({ xuid: B, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
    const stored = invite(A, at());
    const good = invite(B, at());
    await store.deliver([stored]);
    const results = await Promise.allSettled([
      store.deliver([invite(A, at({ id: stored.id }))]),
      store.deliver([good]),
    ]);
    expect(results[0]).toEqual({ status: 'rejected', reason: unavailable });
    expect(results[1]).toEqual({ status: 'fulfilled', value: { reached: [`${B}/phone`], dropped: 0 } });
    expect(await store.pendingFor(B)).toEqual([good]);
  });

  it('commits sends still waiting when the store closes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'server-invites-store-')), 'invites.sqlite');
    const first = setup(path);
    await first.store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    const sent = invite(A, at());
    const delivered = first.store.deliver([sent]);
    first.store.close();
    await delivered;
    const second = setup(path);
    expect(await second.store.pendingFor(A)).toEqual([sent]);
    second.store.close();
  });
});
