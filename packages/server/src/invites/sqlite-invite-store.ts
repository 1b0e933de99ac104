// The embedded invite store: SQLite through Node's built-in node:sqlite (no native addon to
// build), in a file so that a restart loses nothing, or in memory for tests.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Platform } from '@server-invites/types';
import type { Clock } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import { type DeliveryReceipt, type EndpointKey, endpointKey, type InviteStore } from './delivery.ts';
import type { Endpoint, Invite } from './invite.ts';

const schema = `
  CREATE TABLE IF NOT EXISTS invites (
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
  CREATE INDEX IF NOT EXISTS invites_by_user ON invites (invited_user, seq);
  CREATE INDEX IF NOT EXISTS invites_by_expiry ON invites (expires_at);
  CREATE TABLE IF NOT EXISTS endpoints (
    xuid TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (xuid, endpoint_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS endpoints_by_expiry ON endpoints (expires_at);
  CREATE TABLE IF NOT EXISTS deliveries (
    xuid TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    invite_seq INTEGER NOT NULL REFERENCES invites (seq) ON DELETE CASCADE,
    PRIMARY KEY (xuid, endpoint_id, invite_seq),
    FOREIGN KEY (xuid, endpoint_id) REFERENCES endpoints (xuid, endpoint_id) ON DELETE CASCADE
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS deliveries_by_invite ON deliveries (invite_seq);
`;

interface InviteRow {
  id: string;
  title_id: number;
  sender: string;
  invited_user: string;
  connection_string: string;
  platform: string | null;
  created_at: number;
  expires_at: number;
}

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  titleId: row.title_id,
  sender: row.sender,
  invitedUser: row.invited_user,
  connectionString: row.connection_string,
  ...(row.platform === null ? {} : { platform: row.platform as Platform }),
  createdAtMs: row.created_at,
  expiresAtMs: row.expires_at,
});

interface WaitingSend {
  invites: readonly Invite[];
  resolve: (receipt: DeliveryReceipt) => void;
  reject: (error: unknown) => void;
}

/** Any failing statement (busy, full disk, I/O, a closed database) is a 503 the caller may retry. */
function unavailable(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  return new ServiceError('ServiceUnavailable', 'the invite store is unavailable; retry shortly', {
    cause: error,
    retryAfterSeconds: 1,
  });
}

function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw unavailable(error);
  }
}

export interface SqliteInviteStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  clock: Clock;
  /** The most invites kept per user, and so per endpoint queue; the oldest give way. */
  maxPendingPerUser: number;
}

export function createSqliteInviteStore(options: SqliteInviteStoreOptions): InviteStore {
  const { clock, maxPendingPerUser } = options;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
  );
  db.exec(schema);

  // Prepared once: each send, poll and acknowledgement reuses them.
  const sql = {
    // Neither insert has a RETURNING clause: SQLite buffers the returned rows first, which cost
    // more than reading the new seq from run() and the endpoints with a plain SELECT.
    insertInvite: db.prepare(
      `INSERT INTO invites (id, title_id, sender, invited_user, connection_string, platform, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    liveEndpointsOf: db.prepare('SELECT endpoint_id FROM endpoints WHERE xuid = ? AND expires_at > ?'),
    queue: db.prepare('INSERT INTO deliveries (xuid, endpoint_id, invite_seq) VALUES (?, ?, ?)'),
    // Trimming in two steps, both on the invites_by_user index: the newest invite past the limit
    // (none while the user is under it), then everything up to it. One `seq NOT IN (newest N)`
    // statement did the same but cost ~60 µs per invite, more than the rest of a send.
    newestDropped: db.prepare(
      'SELECT seq FROM invites WHERE invited_user = ? ORDER BY seq DESC LIMIT 1 OFFSET ?',
    ),
    trimUser: db.prepare('DELETE FROM invites WHERE invited_user = ? AND seq <= ?'),
    liveEndpoint: db.prepare(
      'SELECT platform, expires_at FROM endpoints WHERE xuid = ? AND endpoint_id = ? AND expires_at > ?',
    ),
    upsertEndpoint: db.prepare(
      `INSERT INTO endpoints (xuid, endpoint_id, platform, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (xuid, endpoint_id) DO UPDATE SET platform = excluded.platform, expires_at = excluded.expires_at`,
    ),
    clearQueue: db.prepare('DELETE FROM deliveries WHERE xuid = ? AND endpoint_id = ?'),
    deleteEndpoint: db.prepare('DELETE FROM endpoints WHERE xuid = ? AND endpoint_id = ?'),
    queued: db.prepare(
      `SELECT i.* FROM deliveries d JOIN invites i ON i.seq = d.invite_seq
       WHERE d.xuid = ? AND d.endpoint_id = ? AND i.expires_at > ? ORDER BY i.seq`,
    ),
    acknowledge: db.prepare(
      `DELETE FROM deliveries WHERE xuid = ? AND endpoint_id = ?
         AND invite_seq = (SELECT seq FROM invites WHERE id = ? AND expires_at > ?)`,
    ),
    forUser: db.prepare('SELECT * FROM invites WHERE invited_user = ? AND expires_at > ? ORDER BY seq'),
    sweepInvites: db.prepare('DELETE FROM invites WHERE expires_at <= ?'),
    sweepEndpoints: db.prepare('DELETE FROM endpoints WHERE expires_at <= ?'),
  } satisfies Record<string, StatementSync>;

  /** Runs `work` in one transaction; a failing store is a 503, not a bug in the caller. */
  function transaction<T>(work: () => T): T {
    guarded(() => db.exec('BEGIN IMMEDIATE'));
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The transaction is gone with the connection; the original failure is what matters.
      }
      throw unavailable(error);
    }
  }

  /**
   * Stores the invites of the sends sharing a commit and queues them (an invitee with no live
   * endpoint gets nothing), then trims each invited user's queue once. The same newest invites
   * remain as when trimming after every insert, but a trim costs about as much as the insert, and
   * sends to the same players often share a commit. A user's drops are reported to the last send
   * in the commit that invited them.
   */
  function store(sends: readonly (readonly Invite[])[], now: number): DeliveryReceipt[] {
    const receipts = sends.map(() => ({ reached: new Set<EndpointKey>(), dropped: 0 }));
    const lastSendTo = new Map<string, (typeof receipts)[number]>();
    for (const [index, invites] of sends.entries()) {
      const receipt = receipts[index] as (typeof receipts)[number];
      for (const invite of invites) {
        const endpoints = sql.liveEndpointsOf.all(invite.invitedUser, now) as { endpoint_id: string }[];
        if (endpoints.length === 0) continue;
        const seq = sql.insertInvite.run(
          invite.id,
          invite.titleId,
          invite.sender,
          invite.invitedUser,
          invite.connectionString,
          invite.platform ?? null,
          invite.createdAtMs,
          invite.expiresAtMs,
        ).lastInsertRowid;
        for (const { endpoint_id } of endpoints) {
          sql.queue.run(invite.invitedUser, endpoint_id, seq);
          receipt.reached.add(endpointKey(invite.invitedUser, endpoint_id));
        }
        lastSendTo.set(invite.invitedUser, receipt);
      }
    }
    // Bounded per user (and so per endpoint): the oldest invites give way, with their queue entries.
    for (const [user, receipt] of lastSendTo) {
      const dropFrom = sql.newestDropped.get(user, maxPendingPerUser) as { seq: number } | undefined;
      if (dropFrom) receipt.dropped += Number(sql.trimUser.run(user, dropFrom.seq).changes);
    }
    return receipts.map(({ reached, dropped }) => ({ reached: [...reached], dropped }));
  }

  // Group commit: the sends that arrive within one turn of the event loop share one transaction.
  // A commit writes its pages to the WAL; measured on a file, a send alone cost ~190-340 us and
  // ~65 us per send when four or more share a commit. Each send still resolves only once its
  // invites are committed, so nothing acknowledged to a caller can be lost.
  let waiting: WaitingSend[] = [];
  function commitWaiting(): void {
    const sends = waiting;
    waiting = [];
    if (sends.length === 0) return;
    const now = clock.now();
    try {
      const receipts = transaction(() =>
        store(
          sends.map((send) => send.invites),
          now,
        ),
      );
      for (const [index, send] of sends.entries())
        send.resolve(receipts[index] ?? { reached: [], dropped: 0 });
    } catch (error) {
      if (sends.length === 1) {
        sends[0]?.reject(error);
        return;
      }
      // One failing send must not fail the others: each again, in a transaction of its own.
      for (const send of sends) {
        try {
          send.resolve(transaction(() => store([send.invites], now)[0] ?? { reached: [], dropped: 0 }));
        } catch (sendError) {
          send.reject(sendError);
        }
      }
    }
  }

  return {
    deliver(invites) {
      return new Promise((resolve, reject) => {
        if (waiting.push({ invites, resolve, reject }) === 1) setImmediate(commitWaiting);
      });
    },

    async register({ xuid, endpointId, platform, ttlSeconds }) {
      const now = clock.now();
      const endpoint: Endpoint = { xuid, endpointId, platform, expiresAtMs: now + ttlSeconds * 1000 };
      const created = transaction(() => {
        const live = sql.liveEndpoint.get(xuid, endpointId, now) !== undefined;
        // An expired registration's queue belongs to the past: a re-registered device starts empty.
        if (!live) sql.clearQueue.run(xuid, endpointId);
        sql.upsertEndpoint.run(xuid, endpointId, platform, endpoint.expiresAtMs);
        return !live;
      });
      return { endpoint, created };
    },

    async unregister(xuid, endpointId) {
      guarded(() => sql.deleteEndpoint.run(xuid, endpointId));
    },

    async pending(xuid, endpointId) {
      const now = clock.now();
      return guarded(() => {
        if (sql.liveEndpoint.get(xuid, endpointId, now) === undefined) return undefined;
        return (sql.queued.all(xuid, endpointId, now) as unknown as InviteRow[]).map(toInvite);
      });
    },

    async acknowledge(xuid, endpointId, inviteId) {
      return guarded(() => Number(sql.acknowledge.run(xuid, endpointId, inviteId, clock.now()).changes) > 0);
    },

    async pendingFor(xuid) {
      return guarded(() => (sql.forUser.all(xuid, clock.now()) as unknown as InviteRow[]).map(toInvite));
    },

    async sweep() {
      const now = clock.now();
      return transaction(() => ({
        expiredInvites: Number(sql.sweepInvites.run(now).changes),
        expiredEndpoints: Number(sql.sweepEndpoints.run(now).changes),
      }));
    },

    close() {
      commitWaiting();
      db.close();
    },
  };
}
