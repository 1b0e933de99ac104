// The embedded invite store: SQLite through Node's built-in node:sqlite (no native addon to
// build), in a file so that a restart loses nothing, or in memory for tests.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Platform } from '@server-invites/types';
import type { Clock } from '../../clock.ts';
import { ServiceError } from '../../errors.ts';
import {
  DEFAULT_MAX_ENDPOINTS_PER_USER,
  type DeliveryReceipt,
  type EndpointKey,
  endpointKey,
  type InviteStore,
  type KeyedSend,
  type QueuedInvite,
  type Registration,
} from '../../invites/delivery.ts';
import {
  type ClaimedRecord,
  judgeRecord,
  type RecordState,
  type StoredRecord,
  takenOver,
} from '../../invites/idempotency.ts';
import type { Endpoint, Invite } from '../../invites/invite.ts';
import { prepareSchema } from './sqlite-schema.ts';

interface InviteRow {
  seq: number;
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

const toQueuedInvite = (row: InviteRow): QueuedInvite => ({ ...toInvite(row), seq: Number(row.seq) });
interface RecordRow {
  fingerprint: string;
  created_at: number;
  expires_at: number;
  state: RecordState;
  lease_until: number;
}

/** How many users' invite counts the store keeps in memory (some 100 bytes each). */
const COUNTED_USERS = 10_000;

interface WaitingSend {
  invites: readonly Invite[];
  /** A keyed send: its record is marked done in the transaction that stores its invites. */
  keyed: KeyedSend | undefined;
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
  /** The most live endpoints per user; DEFAULT_MAX_ENDPOINTS_PER_USER unless given. */
  maxEndpointsPerUser?: number;
}

export function createSqliteInviteStore(options: SqliteInviteStoreOptions): InviteStore {
  const { clock, maxPendingPerUser } = options;
  const maxEndpointsPerUser = options.maxEndpointsPerUser ?? DEFAULT_MAX_ENDPOINTS_PER_USER;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  try {
    // One process owns the file (exclusive locking: another one fails with "database is locked"),
    // which the seqs handed out from memory rely on, and which spares each transaction its file
    // locks. No foreign keys: the tables have none, and queues are derived rather than stored.
    db.exec(
      'PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = 5000;',
    );
    prepareSchema(db);
  } catch (error) {
    db.close();
    throw error;
  }

  // Prepared once: each send, poll and acknowledgement reuses them.
  const sql = {
    // Prepared like the rest: exec() would compile them again for every commit.
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    lastSeq: db.prepare(
      `SELECT max(last_seq, coalesce((SELECT max(seq) FROM invites), 0),
         coalesce((SELECT max(queued_after) FROM endpoints), 0)) AS last_seq FROM store_state`,
    ),
    saveLastSeq: db.prepare('UPDATE store_state SET last_seq = ?'),
    // No RETURNING clauses: SQLite buffers returned rows first, which costs more than a plain SELECT.
    insertInvite: db.prepare(
      `INSERT INTO invites (seq, id, title_id, sender, invited_user, connection_string, platform, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    liveEndpointsOf: db.prepare('SELECT endpoint_id FROM endpoints WHERE xuid = ? AND expires_at > ?'),
    liveEndpointCount: db.prepare('SELECT count(*) AS n FROM endpoints WHERE xuid = ? AND expires_at > ?'),
    // On invites_by_user: a user holds at most INVITE_MAX_PENDING_PER_USER invites.
    storedInvite: db.prepare('SELECT 1 FROM invites WHERE invited_user = ? AND id = ?'),
    invitesOf: db.prepare('SELECT count(*) AS n FROM invites WHERE invited_user = ?'),
    // Trimming in two steps, both on the invites_by_user index: the newest of the oldest invites
    // to drop (found from the oldest end: walking the few to drop, not the many to keep), then
    // everything up to it.
    newestDropped: db.prepare('SELECT seq FROM invites WHERE invited_user = ? ORDER BY seq LIMIT 1 OFFSET ?'),
    trimUser: db.prepare('DELETE FROM invites WHERE invited_user = ? AND seq <= ?'),
    liveEndpoint: db.prepare(
      'SELECT platform, expires_at FROM endpoints WHERE xuid = ? AND endpoint_id = ? AND expires_at > ?',
    ),
    // A new (or expired, so new again) registration's queue starts after every invite so far.
    startEndpoint: db.prepare(
      `INSERT INTO endpoints (xuid, endpoint_id, platform, expires_at, queued_after) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (xuid, endpoint_id) DO UPDATE SET
         platform = excluded.platform, expires_at = excluded.expires_at, queued_after = excluded.queued_after`,
    ),
    refreshEndpoint: db.prepare(
      'UPDATE endpoints SET platform = ?, expires_at = ? WHERE xuid = ? AND endpoint_id = ?',
    ),
    forgetAcknowledged: db.prepare('DELETE FROM acknowledged WHERE xuid = ? AND endpoint_id = ?'),
    deleteEndpoint: db.prepare('DELETE FROM endpoints WHERE xuid = ? AND endpoint_id = ?'),
    queued: db.prepare(
      `SELECT i.* FROM endpoints e JOIN invites i ON i.invited_user = e.xuid AND i.seq > e.queued_after
       WHERE e.xuid = ? AND e.endpoint_id = ? AND i.expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM acknowledged a
           WHERE a.xuid = e.xuid AND a.endpoint_id = e.endpoint_id AND a.invite_seq = i.seq)
       ORDER BY i.seq`,
    ),
    acknowledge: db.prepare(
      `INSERT OR IGNORE INTO acknowledged (xuid, endpoint_id, invite_seq, expires_at)
       SELECT e.xuid, e.endpoint_id, i.seq, i.expires_at
       FROM endpoints e JOIN invites i ON i.invited_user = e.xuid AND i.seq > e.queued_after
       WHERE e.xuid = ? AND e.endpoint_id = ? AND i.id = ? AND i.expires_at > ?`,
    ),
    forUser: db.prepare('SELECT * FROM invites WHERE invited_user = ? AND expires_at > ? ORDER BY seq'),
    // Invites expire in about the order they were sent (one TTL for all), so the sweep walks them
    // in seq order up to the first live one, with no expiry index to keep up on every send. An
    // invite outliving a later one (the TTL lowered across a restart) is reclaimed a little later;
    // reads never see it once expired.
    firstLiveSeq: db.prepare('SELECT seq FROM invites WHERE expires_at > ? ORDER BY seq LIMIT 1'),
    sweepInvites: db.prepare('DELETE FROM invites WHERE seq < ? AND expires_at <= ?'),
    sweepAcknowledged: db.prepare('DELETE FROM acknowledged WHERE expires_at <= ?'),
    sweepEndpointsAcknowledged: db.prepare(
      `DELETE FROM acknowledged WHERE (xuid, endpoint_id) IN
         (SELECT xuid, endpoint_id FROM endpoints WHERE expires_at <= ?)`,
    ),
    sweepEndpoints: db.prepare('DELETE FROM endpoints WHERE expires_at <= ?'),
    record: db.prepare(
      'SELECT fingerprint, created_at, expires_at, state, lease_until FROM idempotency WHERE id = ?',
    ),
    putRecord: db.prepare(
      `INSERT INTO idempotency (id, fingerprint, created_at, expires_at, state, lease_until)
       VALUES (?, ?, ?, ?, 'in-flight', ?)
       ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, created_at = excluded.created_at,
         expires_at = excluded.expires_at, state = excluded.state, lease_until = excluded.lease_until`,
    ),
    setRecordState: db.prepare('UPDATE idempotency SET state = ?, lease_until = ? WHERE id = ?'),
    // Unless another request took the record over meanwhile (its lease ran out: a new lease).
    forgetRecord: db.prepare(
      "DELETE FROM idempotency WHERE id = ? AND state = 'in-flight' AND lease_until = ?",
    ),
    sweepRecords: db.prepare('DELETE FROM idempotency WHERE expires_at <= ?'),
  } satisfies Record<string, StatementSync>;

  /**
   * The greatest seq handed out; every queue start is at most this, and every invite to come gets
   * a greater one. On opening, the greatest of the newest invite's, the greatest queue start
   * (which may follow seqs of a rolled-back send) and store_state's, which the sweep writes before
   * it may delete every invite: so a send does not write that table on every commit.
   */
  let lastSeq = Number((sql.lastSeq.get() as { last_seq: number }).last_seq);

  /**
   * How many invites some users hold, as committed: the users sent to lately, at most
   * COUNTED_USERS of them, the least recently sent to forgotten first. A send to a user under the
   * bound then trims nothing and reads nothing more; one to a user at the bound drops its oldest
   * invites without counting the rest. Exact because this process alone writes the file (exclusive
   * locking): forgotten when a transaction fails and after a sweep, which delete what they do.
   */
  const inviteCounts = new Map<string, number>();

  /** Runs `work` in one transaction; a failing store is a 503, not a bug in the caller. */
  function transaction<T>(work: () => T): T {
    guarded(() => sql.begin.run());
    try {
      const result = work();
      sql.commit.run();
      return result;
    } catch (error) {
      inviteCounts.clear();
      try {
        sql.rollback.run();
      } catch {
        // The transaction is gone with the connection; the original failure is what matters.
      }
      throw unavailable(error);
    }
  }

  /**
   * The invites a user holds now, `added` of them stored by the transaction under way: counted
   * from the table the first time (this transaction's included), then kept up as they come and go.
   */
  function invitesHeldBy(user: string, added: number): number {
    const counted = inviteCounts.get(user);
    if (counted === undefined) return Number((sql.invitesOf.get(user) as { n: number }).n);
    // Most recently sent to last: the first entry is the one to forget.
    inviteCounts.delete(user);
    return counted + added;
  }

  function countInvites(user: string, held: number): void {
    inviteCounts.set(user, held);
    if (inviteCounts.size > COUNTED_USERS) inviteCounts.delete(inviteCounts.keys().next().value as string);
  }

  /**
   * Stores the invites of the sends sharing a commit and queues them (an invitee with no live
   * endpoint gets nothing), then trims each invited user's queue once. The same newest invites
   * remain as when trimming after every insert, but a trim costs about as much as the insert, and
   * sends to the same players often share a commit. A user's drops are reported to the last send
   * in the commit that invited them. A send's invitees are distinct users (the use case makes them
   * so), so each endpoint is reached once per send.
   */
  function store(sends: readonly WaitingSend[], now: number): DeliveryReceipt[] {
    const receipts: DeliveryReceipt[] = [];
    // Per invited user: the invites this commit stores for them, and the last send among them.
    const invited = new Map<string, { added: number; receipt: DeliveryReceipt }>();
    // Each invited user's endpoints are read once per commit: nothing in it registers or removes one.
    const endpointsOf = new Map<string, EndpointKey[]>();
    for (const { invites, keyed } of sends) {
      const receipt: DeliveryReceipt = { reached: [], dropped: 0 };
      receipts.push(receipt);
      // With its invites, or not at all: a keyed send that failed stored none of them, so its
      // retry stores them all, and one that succeeded is never sent again.
      if (keyed) sql.setRecordState.run('done', keyed.record.leaseUntilMs, keyed.record.id);
      for (const invite of invites) {
        const user = invite.invitedUser;
        // Only a resumed keyed send can meet its own invites, and only if the store was used out
        // of its order (a send here is one transaction): looked up for those alone.
        if (keyed?.resumed && sql.storedInvite.get(user, invite.id) !== undefined) {
          receipt.repeated = (receipt.repeated ?? 0) + 1;
          continue;
        }
        let endpoints = endpointsOf.get(user);
        if (endpoints === undefined) {
          const rows = sql.liveEndpointsOf.all(user, now) as { endpoint_id: string }[];
          endpoints = rows.map(({ endpoint_id }) => endpointKey(user, endpoint_id));
          endpointsOf.set(user, endpoints);
        }
        if (endpoints.length === 0) continue;
        // A rolled-back transaction leaves a gap in the seqs, which nothing minds.
        lastSeq += 1;
        sql.insertInvite.run(
          lastSeq,
          invite.id,
          invite.titleId,
          invite.sender,
          user,
          invite.connectionString,
          invite.platform ?? null,
          invite.createdAtMs,
          invite.expiresAtMs,
        );
        for (const endpoint of endpoints) receipt.reached.push(endpoint);
        const counted = invited.get(user);
        if (counted === undefined) invited.set(user, { added: 1, receipt });
        else {
          counted.added += 1;
          counted.receipt = receipt;
        }
      }
    }
    // Bounded per user (and so per endpoint): the oldest invites give way, with their queue entries.
    for (const [user, { added, receipt }] of invited) {
      let held = invitesHeldBy(user, added);
      const over = held - maxPendingPerUser;
      if (over > 0) {
        const dropFrom = sql.newestDropped.get(user, over - 1) as { seq: number } | undefined;
        // Their acknowledgements stay until they expire with them (the sweep): seqs are never
        // reused, so they can match nothing meanwhile, and one statement less runs per commit.
        const dropped = dropFrom ? Number(sql.trimUser.run(user, dropFrom.seq).changes) : 0;
        receipt.dropped += dropped;
        held -= dropped;
      }
      countInvites(user, held);
    }
    return receipts;
  }

  // Group commit: the sends that arrive within one turn of the event loop share one transaction.
  // A commit writes its pages to the WAL, and costs several times a send's own statements, so it
  // is shared (packages/bench/findings.md has the measurements). Each send still resolves only
  // once its invites are committed, so nothing acknowledged to a caller can be lost.
  let waiting: WaitingSend[] = [];
  function commitWaiting(): void {
    const sends = waiting;
    waiting = [];
    if (sends.length === 0) return;
    const now = clock.now();
    try {
      const receipts = transaction(() => store(sends, now));
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
          send.resolve(transaction(() => store([send], now)[0] ?? { reached: [], dropped: 0 }));
        } catch (sendError) {
          send.reject(sendError);
        }
      }
    }
  }

  return {
    deliver(invites, keyed) {
      return new Promise((resolve, reject) => {
        if (waiting.push({ invites, keyed, resolve, reject }) === 1) setImmediate(commitWaiting);
      });
    },

    async claim(record, { nowMs, leaseMs, windowMs }) {
      return transaction(() => {
        const row = sql.record.get(record.id) as RecordRow | undefined;
        if (row === undefined || row.expires_at <= nowMs) {
          const fresh: ClaimedRecord = {
            ...record,
            createdAtMs: nowMs,
            expiresAtMs: nowMs + windowMs,
            leaseUntilMs: nowMs + leaseMs,
          };
          sql.putRecord.run(
            fresh.id,
            fresh.fingerprint,
            fresh.createdAtMs,
            fresh.expiresAtMs,
            fresh.leaseUntilMs,
          );
          return { outcome: 'claimed', record: fresh, resumed: false } as const;
        }
        const held: StoredRecord = {
          id: record.id,
          fingerprint: row.fingerprint,
          createdAtMs: row.created_at,
          expiresAtMs: row.expires_at,
          leaseUntilMs: row.lease_until,
          state: row.state,
        };
        const judged = judgeRecord(held, record, nowMs);
        if (judged.outcome !== 'take-over') return judged;
        const taken = takenOver(held, nowMs, leaseMs);
        sql.setRecordState.run('in-flight', taken.leaseUntilMs, taken.id);
        return { outcome: 'claimed', record: taken, resumed: true } as const;
      });
    },

    async release(record, stored) {
      transaction(() => {
        if (stored) sql.setRecordState.run('failed', record.leaseUntilMs, record.id);
        else sql.forgetRecord.run(record.id, record.leaseUntilMs);
      });
    },

    async register({ xuid, endpointId, platform, ttlSeconds }): Promise<Registration> {
      const now = clock.now();
      const endpoint: Endpoint = { xuid, endpointId, platform, expiresAtMs: now + ttlSeconds * 1000 };
      return transaction((): Registration => {
        const live = sql.liveEndpoint.get(xuid, endpointId, now) !== undefined;
        if (live) {
          sql.refreshEndpoint.run(platform, endpoint.expiresAtMs, xuid, endpointId);
          return { endpoint, created: false };
        }
        const { n } = sql.liveEndpointCount.get(xuid, now) as { n: number };
        if (n >= maxEndpointsPerUser) return { full: true };
        // An expired registration's queue belongs to the past: a re-registered device starts empty.
        sql.forgetAcknowledged.run(xuid, endpointId);
        sql.startEndpoint.run(xuid, endpointId, platform, endpoint.expiresAtMs, lastSeq);
        return { endpoint, created: true };
      });
    },

    async unregister(xuid, endpointId) {
      transaction(() => {
        sql.deleteEndpoint.run(xuid, endpointId);
        sql.forgetAcknowledged.run(xuid, endpointId);
      });
    },

    async pending(xuid, endpointId) {
      const now = clock.now();
      return guarded(() => {
        if (sql.liveEndpoint.get(xuid, endpointId, now) === undefined) return undefined;
        return (sql.queued.all(xuid, endpointId, now) as unknown as InviteRow[]).map(toQueuedInvite);
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
      return transaction(() => {
        sql.saveLastSeq.run(lastSeq);
        const firstLive = sql.firstLiveSeq.get(now) as { seq: number } | undefined;
        const expiredInvites = Number(sql.sweepInvites.run(firstLive?.seq ?? lastSeq + 1, now).changes);
        // Whose invites expired is not known here: every count is read again when next needed.
        if (expiredInvites > 0) inviteCounts.clear();
        sql.sweepAcknowledged.run(now);
        sql.sweepEndpointsAcknowledged.run(now);
        const expiredEndpoints = Number(sql.sweepEndpoints.run(now).changes);
        sql.sweepRecords.run(now);
        return { expiredInvites, expiredEndpoints };
      });
    },

    close() {
      commitWaiting();
      db.close();
    },
  };
}
