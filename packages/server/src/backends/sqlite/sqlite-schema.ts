// The SQLite invite store's tables, created on a new file and brought up to date on an old one.
//
// Version 2 (and 3, which adds the idempotency records). An endpoint's queue is not stored row by
// row: it is its user's invites sent after it registered (seq > `queued_after`) that it has not
// acknowledged. A send then writes one row per invitee, whatever their endpoints, into a table
// with one index besides its key. Invite seqs are handed out by the store after the greatest of
// the invites', the queue starts and `store_state.last_seq` (written by each sweep), so that they
// keep increasing for the life of the file, even after every invite has been swept: a seq at or
// below a queue start would be lost.
import type { DatabaseSync } from 'node:sqlite';

export const SCHEMA_VERSION = 3;

/**
 * Version 3 adds the records of keyed sends (invites/idempotency.ts): one per caller, title and
 * Idempotency-Key, kept for the window.
 */
const idempotencyTable = `
  CREATE TABLE IF NOT EXISTS idempotency (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in-flight', 'done', 'failed')),
    lease_until INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS idempotency_by_expiry ON idempotency (expires_at);
`;

const tables = `
  CREATE TABLE IF NOT EXISTS invites (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    invited_user TEXT NOT NULL,
    connection_string TEXT NOT NULL,
    platform TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL CHECK (expires_at > created_at)
  );
  CREATE INDEX IF NOT EXISTS invites_by_user ON invites (invited_user, seq);
  CREATE TABLE IF NOT EXISTS endpoints (
    xuid TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    queued_after INTEGER NOT NULL,
    PRIMARY KEY (xuid, endpoint_id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS endpoints_by_expiry ON endpoints (expires_at);
  CREATE TABLE IF NOT EXISTS acknowledged (
    xuid TEXT NOT NULL,
    endpoint_id TEXT NOT NULL,
    invite_seq INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (xuid, endpoint_id, invite_seq)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS acknowledged_by_expiry ON acknowledged (expires_at);
  CREATE TABLE IF NOT EXISTS store_state (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    last_seq INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO store_state (only_row, last_seq) VALUES (1, 0);
  ${idempotencyTable}
`;

/**
 * Version 1 (before user_version was set) kept one `deliveries` row per queued invite and
 * endpoint. Each endpoint's queue becomes its oldest queued invite's predecessor as queue start,
 * with every invite after it that was no longer queued (acknowledged) recorded as acknowledged.
 */
const fromVersion1 = `
  ALTER TABLE invites RENAME TO invites_v1;
  ALTER TABLE endpoints RENAME TO endpoints_v1;
  DROP INDEX IF EXISTS invites_by_user;
  DROP INDEX IF EXISTS invites_by_expiry;
  DROP INDEX IF EXISTS endpoints_by_expiry;
  ${tables}
  INSERT INTO invites SELECT seq, id, title_id, sender, invited_user, connection_string, platform, created_at, expires_at
    FROM invites_v1 WHERE expires_at > created_at;
  UPDATE store_state SET last_seq = max(
    coalesce((SELECT max(seq) FROM invites_v1), 0),
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'invites_v1'), 0));
  INSERT INTO endpoints (xuid, endpoint_id, platform, expires_at, queued_after)
    SELECT e.xuid, e.endpoint_id, e.platform, e.expires_at,
      coalesce(
        (SELECT min(d.invite_seq) - 1 FROM deliveries d WHERE d.xuid = e.xuid AND d.endpoint_id = e.endpoint_id),
        (SELECT last_seq FROM store_state))
    FROM endpoints_v1 e;
  INSERT INTO acknowledged (xuid, endpoint_id, invite_seq, expires_at)
    SELECT e.xuid, e.endpoint_id, i.seq, i.expires_at
    FROM endpoints e JOIN invites i ON i.invited_user = e.xuid AND i.seq > e.queued_after
    WHERE NOT EXISTS (
      SELECT 1 FROM deliveries d
      WHERE d.xuid = e.xuid AND d.endpoint_id = e.endpoint_id AND d.invite_seq = i.seq);
  DROP TABLE deliveries;
  DROP TABLE endpoints_v1;
  DROP TABLE invites_v1;
`;

/** Creates the tables, or migrates an older file to them, in one transaction. */
export function prepareSchema(db: DatabaseSync): void {
  const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `the invite store's file has schema version ${version}; this service knows up to ${SCHEMA_VERSION}`,
    );
  }
  const hasVersion1 =
    db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'deliveries'").get() !==
    undefined;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(hasVersion1 ? fromVersion1 : version === 2 ? idempotencyTable : tables);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
