// What only the SQLite store does: transactions, a file that survives restarts, group commit,
// and failures as 503. What every store does is in invite-store-contract.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { createSqliteInviteStore } from '../../../src/backends/sqlite/sqlite-invite-store.ts';
import { ServiceError } from '../../../src/errors.ts';
import type { InviteStore } from '../../../src/invites/delivery.ts';
import type { Invite } from '../../../src/invites/invite.ts';
import { invite } from '../invite-store-contract.ts';

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
  cause: expect.objectContaining({ message: expect.stringMatching(/CHECK constraint failed/) }),
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

    // An invite that expires as it is made breaks the table's CHECK constraint.
    const failing = [
      invite(invitees[0] as string, at()),
      invite(invitees[1] as string, at({ expiresAtMs: NOW })),
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
    expect(await second.store.pending(A, 'console')).toMatchObject([sent]);
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
      store.deliver([invite(A, at({ expiresAtMs: NOW }))]),
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

describe('SQLite invite store, its file over time', () => {
  const freshPath = () => join(mkdtempSync(join(tmpdir(), 'server-invites-store-')), 'invites.sqlite');

  it('keeps handing out greater seqs after every invite was swept and the file reopened', async () => {
    const path = freshPath();
    let now = NOW;
    const clock = { now: () => now };
    const first = createSqliteInviteStore({ path, clock, maxPendingPerUser: 100 });
    await first.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 86_400 });
    await first.deliver([
      invite(A, at({ expiresAtMs: NOW + 1000 })),
      invite(A, at({ expiresAtMs: NOW + 1000 })),
    ]);
    now += 1000;
    expect(await first.sweep()).toEqual({ expiredInvites: 2, expiredEndpoints: 0 });
    first.close();

    // A queue starts after the newest seq handed out; a reused seq would hide the next invite.
    const second = createSqliteInviteStore({ path, clock, maxPendingPerUser: 100 });
    await second.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
    await expectDeliveredToBoth(second, invite(A, at({ createdAtMs: now, expiresAtMs: now + 60_000 })));
    second.close();
  });

  it('gives an invite sent after a failed send and a restart a seq past every queue start', async () => {
    const path = freshPath();
    const first = setup(path).store;
    await first.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    await expect(first.deliver([invite(A, at()), invite(A, at({ expiresAtMs: NOW }))])).rejects.toEqual(
      unavailable,
    );
    // Registered after seqs were handed out to the send that was rolled back.
    await first.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
    first.close();

    const second = setup(path).store;
    await expectDeliveredToBoth(second, invite(A, at()));
    second.close();
  });

  it('migrates a version 1 file (a row per queued invite) to the same queues, acknowledgements kept', async () => {
    const path = freshPath();
    const old = new DatabaseSync(path);
    old.exec(VERSION_1_SCHEMA);
    const row = (seq: number, user: string) =>
      `(${seq}, '00000000-0000-4000-8000-${String(seq).padStart(12, '0')}', 42, '9', '${user}', 'cs', NULL, ${NOW}, ${NOW + 3_600_000})`;
    old.exec(`
      INSERT INTO invites (seq, id, title_id, sender, invited_user, connection_string, platform, created_at, expires_at)
        VALUES ${row(1, A)}, ${row(2, A)}, ${row(3, A)}, ${row(4, B)};
      INSERT INTO endpoints VALUES ('${A}', 'console', 'Scarlett', ${NOW + 60_000}),
        ('${A}', 'phone', 'Android', ${NOW + 60_000}), ('${B}', 'pc', 'Win32', ${NOW + 60_000});
      -- console: all three, the second acknowledged; phone registered after the first, nothing left.
      INSERT INTO deliveries VALUES ('${A}', 'console', 1), ('${A}', 'console', 3), ('${B}', 'pc', 4);
      -- AUTOINCREMENT remembers seq 5 after its row is gone.
      INSERT INTO invites (seq, id, title_id, sender, invited_user, connection_string, platform, created_at, expires_at)
        VALUES ${row(5, B)};
      DELETE FROM invites WHERE seq = 5;
    `);
    old.close();

    const { store } = setup(path);
    const ids = async (xuid: string, endpointId: string) =>
      (await store.pending(xuid, endpointId))?.map((one) => one.id.slice(-1));
    expect(await ids(A, 'console')).toEqual(['1', '3']);
    expect(await ids(A, 'phone')).toEqual([]);
    expect(await ids(B, 'pc')).toEqual(['4']);
    expect(await store.acknowledge(A, 'console', '00000000-0000-4000-8000-000000000002')).toBe(false);
    expect(await store.acknowledge(A, 'console', '00000000-0000-4000-8000-000000000003')).toBe(true);
    const next = invite(A, at());
    await store.deliver([next]);
    expect(await store.pending(A, 'phone')).toMatchObject([next]);
    expect((await store.pending(A, 'console'))?.map((one) => one.id)).toEqual([
      '00000000-0000-4000-8000-000000000001',
      next.id,
    ]);
    store.close();
    // Seqs go on past every seq version 1 handed out, not only past the rows it kept.
    const migrated = new DatabaseSync(path);
    expect(migrated.prepare('SELECT max(seq) AS seq FROM invites').get()).toEqual({ seq: 6 });
    migrated.close();
  });

  it('brings a version 2 file (before keyed sends) to version 3, its queues kept and keyed sends taken', async () => {
    const path = freshPath();
    const first = setup(path).store;
    await first.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    const kept = invite(A, at());
    await first.deliver([kept]);
    first.close();
    // Version 2 was version 3 without the records of keyed sends.
    const older = new DatabaseSync(path);
    older.exec('DROP TABLE idempotency; PRAGMA user_version = 2');
    older.close();

    const { store } = setup(path);
    expect(await store.pending(A, 'console')).toMatchObject([kept]);
    const timing = { nowMs: NOW, leaseMs: 2000, windowMs: 60_000 };
    expect(await store.claim({ id: 'a-key', fingerprint: 'a-body' }, timing)).toMatchObject({
      outcome: 'claimed',
    });
    store.close();
    const migrated = new DatabaseSync(path);
    expect(migrated.prepare('PRAGMA user_version').get()).toEqual({ user_version: 3 });
    migrated.close();
  });

  it('is held by one store at a time: a second one on the same file is refused while the first is open', async () => {
    const path = freshPath();
    const first = setup(path).store;
    await first.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    expect(() => setup(path)).toThrow(/database is locked/);
    first.close();
    const second = setup(path).store;
    expect(await second.pending(A, 'console')).toEqual([]);
    second.close();
  });

  it('refuses a file written by a newer version of the service', () => {
    const path = freshPath();
    const newer = new DatabaseSync(path);
    newer.exec('PRAGMA user_version = 99');
    newer.close();
    expect(() => setup(path)).toThrow(/schema version 99/);
  });
});

/** Delivers `next` and expects it, alone, in the queues of both of A's endpoints. */
async function expectDeliveredToBoth(store: InviteStore, next: Invite): Promise<void> {
  await store.deliver([next]);
  expect(await store.pending(A, 'phone')).toMatchObject([next]);
  expect(await store.pending(A, 'console')).toMatchObject([next]);
}

/** The schema before versions were recorded (user_version 0), as the service created it. */
const VERSION_1_SCHEMA = `
  CREATE TABLE invites (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    invited_user TEXT NOT NULL,
    connection_string TEXT NOT NULL,
    platform TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX invites_by_user ON invites (invited_user, seq);
  CREATE INDEX invites_by_expiry ON invites (expires_at);
  CREATE TABLE endpoints (
    xuid TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (xuid, endpoint_id)
  ) WITHOUT ROWID;
  CREATE INDEX endpoints_by_expiry ON endpoints (expires_at);
  CREATE TABLE deliveries (
    xuid TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    invite_seq INTEGER NOT NULL REFERENCES invites (seq) ON DELETE CASCADE,
    PRIMARY KEY (xuid, endpoint_id, invite_seq),
    FOREIGN KEY (xuid, endpoint_id) REFERENCES endpoints (xuid, endpoint_id) ON DELETE CASCADE
  ) WITHOUT ROWID;
  CREATE INDEX deliveries_by_invite ON deliveries (invite_seq);
`;
