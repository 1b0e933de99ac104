// Idempotent sends (the IETF HTTPAPI draft "The Idempotency-Key HTTP Header Field"): a send made
// with a key, retried with the same key and body, answers as the first did and delivers nothing
// twice, on any replica.
//
// Two records make that hold:
// - the request's: one per (caller, title, key), kept for the window, saying whether the send is
//   in flight (a lease), done, or failed, what body it was for (a fingerprint), and when it was
//   first made. It is what answers a retry at once (the same 204, 409 in flight, 422 another body);
// - each invite's own id, derived from the request's record (its id and first time) and the
//   invitee, so that a retry after a partial send (some invitees' invites stored, others not)
//   builds the very same invites, and a store that already holds one stores it no second time.
//   The stores check that in the write that stores the invite (Redis: the delivery script's
//   HSETNX, in the invitee's slot; SQLite: a send is one transaction, so a failed one stored
//   nothing), so idempotency costs a send no extra round trip per invitee.
import { createHash } from 'node:crypto';
import type { SendServerInviteRequest } from '@server-invites/types';

/** A keyed send's record, as a store keeps it. */
export interface IdempotencyRecord {
  /** A digest of the caller (credential subject), the title and the key: the record's name. */
  id: string;
  /** A digest of the send's body: a retry must carry the same. */
  fingerprint: string;
}

/**
 * A record the caller holds: when its send was first made (its invites' ids and times), until
 * when the record is kept, and until when the caller's claim holds it (its lease).
 */
export interface ClaimedRecord extends IdempotencyRecord {
  createdAtMs: number;
  expiresAtMs: number;
  leaseUntilMs: number;
}

/** Where a keyed send is: being answered (under a lease), answered 204, or failed. */
export type RecordState = 'in-flight' | 'done' | 'failed';

/** A record as a store holds it. */
export interface StoredRecord extends ClaimedRecord {
  state: RecordState;
}

export type Claim =
  /** The caller holds the record: send. `resumed`: an earlier attempt failed or was abandoned. */
  | { outcome: 'claimed'; record: ClaimedRecord; resumed: boolean }
  /** A send with this key succeeded: answer as it did, do nothing. */
  | { outcome: 'completed' }
  /** Another request with this key is being answered; it will be done within `retryAfterMs`. */
  | { outcome: 'in-progress'; retryAfterMs: number }
  /** The key was used for another body. */
  | { outcome: 'reused' };

export interface ClaimTiming {
  nowMs: number;
  /** How long a claim holds the record before another request may take it over. */
  leaseMs: number;
  /** How long a record is kept after the send was first made. */
  windowMs: number;
}

/** The port the stores implement (the Redis one across replicas). */
export interface IdempotencyRecords {
  /**
   * Takes the record (a new one, or one whose send failed or whose lease ran out), or says why
   * not. Marking it done is the store's delivery's job (`deliver(invites, record)`), so that a
   * success is recorded with the invites wherever the store can make that one write.
   */
  claim(record: IdempotencyRecord, timing: ClaimTiming): Promise<Claim>;
  /**
   * The send failed. `stored: false` when none of its invites can have been stored (it failed
   * before delivering): the record is forgotten, and a retry starts afresh. Otherwise it is kept,
   * failed, so that a retry resumes it with the same invites.
   */
  release(record: ClaimedRecord, stored: boolean): Promise<void>;
}

/**
 * What a record a store holds means for a request with the same key (the record is within its
 * window): the same answer, a conflict, or the request takes it over (`take-over`: an earlier
 * attempt failed, or its lease ran out, so that it can no longer be answering).
 */
export function judgeRecord(
  held: StoredRecord,
  wanted: IdempotencyRecord,
  nowMs: number,
): Exclude<Claim, { outcome: 'claimed' }> | { outcome: 'take-over' } {
  if (held.fingerprint !== wanted.fingerprint) return { outcome: 'reused' };
  if (held.state === 'done') return { outcome: 'completed' };
  if (held.state === 'in-flight' && held.leaseUntilMs > nowMs) {
    return { outcome: 'in-progress', retryAfterMs: held.leaseUntilMs - nowMs };
  }
  return { outcome: 'take-over' };
}

/** A record taken over: as first made, under a new lease. */
export function takenOver(held: StoredRecord, nowMs: number, leaseMs: number): ClaimedRecord {
  const { id, fingerprint, createdAtMs, expiresAtMs } = held;
  return { id, fingerprint, createdAtMs, expiresAtMs, leaseUntilMs: nowMs + leaseMs };
}

/** What names a keyed send: who sends it, for which title, under which key. */
export function idempotencyRecord(
  subject: string,
  titleId: number,
  key: string,
  request: SendServerInviteRequest,
  invitees: readonly string[],
): IdempotencyRecord {
  return {
    id: digest(JSON.stringify([subject, titleId, key])),
    // The same body: the same sender, invitees (in any order, duplicates aside), connection
    // string (absent is empty) and platform.
    fingerprint: digest(
      JSON.stringify([
        request.sender,
        [...invitees].sort(),
        request.connectionString ?? '',
        request.platform ?? '',
      ]),
    ),
  };
}

/**
 * The id of the invite a keyed send makes for `invitee`: the same for every attempt of that send,
 * another for any other send. A UUID (version 8, RFC 9562's custom layout) from a SHA-256.
 */
export function idempotentInviteId(record: ClaimedRecord, invitee: string): string {
  const bytes = createHash('sha256')
    .update(`${record.id}\u0000${record.createdAtMs}\u0000${invitee}`)
    .digest();
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The key as the header carries it, quoted (the draft's Structured Field string) or bare. */
export function idempotencyKeyOf(header: string): string {
  return header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
}

/** 128 bits of SHA-256, base64url: short for a store, and no collision in practice. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest().subarray(0, 16).toString('base64url');
}
