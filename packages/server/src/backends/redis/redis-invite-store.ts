// The shared invite store: Redis (one server or a Cluster), for any number of replicas.
//
// Every key of one user carries the user's XUID as its hash tag (`si:{<xuid>}:...`), so that a
// user's registrations, invites and queues live in one Cluster slot, and each operation on them is
// one Lua script: atomic, and one round trip. A send runs one script per invitee, all issued in
// the same turn of the event loop (auto-pipelined: one write per Redis node), so a replica that
// dies mid-send leaves each invite either stored and queued for all of its user's endpoints, or
// not at all.
//
// Per user:
//   si:{u}:ep      hash   endpointId -> "<expiresAtMs>|<platform>"
//   si:{u}:inv     hash   inviteId -> the invite (JSON)
//   si:{u}:order   zset   inviteId by sequence (the user's invites, oldest first: the bound)
//   si:{u}:exp     zset   inviteId by expiry (what a sweep reclaims)
//   si:{u}:seq     string the user's invite sequence
//   si:{u}:q:<id>  zset   inviteId by sequence: one endpoint's queue
// And an index of users by their earliest expiry, so that a sweep visits only the users with
// something to reclaim, spread over SWEEP_INDEX_SHARDS keys (`si:sweep:{<n>}`, each in a slot of
// its own) chosen by the user: every send writes its invitee's entry, and one key would have put
// every send on one Cluster node. Expiry is decided by the injected clock, as in the SQLite store;
// the index only says where to look.
//
// On one server, a send's script also writes the invitee's index entry and publishes the wake-up
// (redis-wake-ups.ts), and a sweep moves a user's entry in the same script that sweeps the user:
// a send is then one call per invitee and nothing else. On a Cluster the index shards and the
// wake-up channels live in other slots than the user's keys, which one script cannot touch
// together: the store writes the entry and the service publishes the wake-up with commands of
// their own, sent alongside.
import type { Clock } from '../../clock.ts';
import { ServiceError } from '../../errors.ts';
import {
  DEFAULT_MAX_ENDPOINTS_PER_USER,
  type DeliveryReceipt,
  type EndpointKey,
  endpointKey,
  type InviteStore,
  type QueuedInvite,
} from '../../invites/delivery.ts';
import {
  type ClaimedRecord,
  judgeRecord,
  type RecordState,
  type StoredRecord,
  takenOver,
} from '../../invites/idempotency.ts';
import type { Endpoint, Invite } from '../../invites/invite.ts';
import { type RedisClient, redisUnavailable } from './connection.ts';
import { wakeBucket, wakeChannel } from './redis-wake-ups.ts';
import { defineScripts } from './scripts.ts';

/**
 * How many keys the sweep index is spread over: enough that on a Cluster each master holds several
 * (so none sees every send), few enough that a sweep reads them all in a few milliseconds.
 */
export const SWEEP_INDEX_SHARDS = 64;
const sweepShards = Array.from({ length: SWEEP_INDEX_SHARDS }, (_, n) => `si:sweep:{${n}}`);

/**
 * The single index of earlier versions, which replicas of those versions may still write during a
 * rolling upgrade: swept too, and its entries moved to their shards, until it is empty.
 */
export const LEGACY_SWEEP_INDEX_KEY = 'si:sweep';

/** The index shard holding a user's entry (FNV-1a of the XUID: stable across replicas and versions). */
export function sweepIndexKey(xuid: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < xuid.length; i++) hash = Math.imul(hash ^ xuid.charCodeAt(i), 0x01000193);
  return sweepShards[(hash >>> 0) % SWEEP_INDEX_SHARDS] as string;
}

/** The keys of one user, all in the user's Cluster slot. */
export function userKeys(xuid: string) {
  const tag = `si:{${xuid}}`;
  const endpoints = `${tag}:ep`;
  const invites = `${tag}:inv`;
  const order = `${tag}:order`;
  const expiry = `${tag}:exp`;
  const sequence = `${tag}:seq`;
  return {
    endpoints,
    invites,
    order,
    expiry,
    sequence,
    /** The keys the deliver and sweep scripts take, in their KEYS order. */
    store: [endpoints, invites, order, expiry, sequence] as const,
    queuePrefix: `${tag}:q:`,
    queue: (endpointId: string) => `${tag}:q:${endpointId}`,
  };
}

export interface RedisInviteStoreOptions {
  /** One server or a Cluster: on one server, a send's script also indexes and wakes (above). */
  client: RedisClient;
  clock: Clock;
  maxPendingPerUser: number;
  /** The most live endpoints per user; DEFAULT_MAX_ENDPOINTS_PER_USER unless given. */
  maxEndpointsPerUser?: number;
  /** Turns a failed command into the caller's error (default: redisUnavailable). */
  failure?: (error: unknown) => ServiceError;
  /** Told when a write that takes memory (a send, a registration) was accepted. */
  wrote?: () => void;
  /** Closes the connections the store runs on; the store does not own them otherwise. */
  onClose?: () => void;
}

/** A keyed send's record (idempotency.ts), in a slot of its own. */
const recordKey = (id: string) => `si:idem:{${id}}`;
const stateCodes: Record<RecordState, string> = { 'in-flight': 'p', done: 'd', failed: 'f' };
const statesByCode = new Map(Object.entries(stateCodes).map(([state, code]) => [code, state as RecordState]));

/** `<fingerprint>|<createdAtMs>|<expiresAtMs>|<state>|<leaseUntilMs>`: some 60 bytes. */
function encodeRecord(record: ClaimedRecord, state: RecordState): string {
  return `${record.fingerprint}|${record.createdAtMs}|${record.expiresAtMs}|${stateCodes[state]}|${record.leaseUntilMs}`;
}

function decodeRecord(id: string, value: string): StoredRecord | undefined {
  const [fingerprint = '', createdAtMs, expiresAtMs, code = '', leaseUntilMs] = value.split('|');
  const state = statesByCode.get(code);
  if (!state) return undefined;
  return {
    id,
    fingerprint,
    createdAtMs: Number(createdAtMs),
    expiresAtMs: Number(expiresAtMs),
    leaseUntilMs: Number(leaseUntilMs),
    state,
  };
}

/** The stored form: the invite as the contract's domain type holds it. */
const encode = (invite: Invite) => JSON.stringify(invite);

/** The pending script's reply: each invite's JSON followed by its sequence in the queue. */
function decodeQueued(values: unknown, now: number): QueuedInvite[] {
  if (!Array.isArray(values)) return [];
  const invites: QueuedInvite[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const value: unknown = values[i];
    if (typeof value !== 'string') continue;
    const invite = JSON.parse(value) as Invite;
    if (invite.expiresAtMs > now) invites.push({ ...invite, seq: Number(values[i + 1]) });
  }
  return invites;
}

function decodeLive(values: unknown, now: number): Invite[] {
  if (!Array.isArray(values)) return [];
  const invites: Invite[] = [];
  for (const value of values) {
    // An id left behind by a dropped invite (the delivery script) has an empty value.
    if (typeof value !== 'string' || value === '') continue;
    const invite = JSON.parse(value) as Invite;
    if (invite.expiresAtMs > now) invites.push(invite);
  }
  return invites;
}

export function createRedisInviteStore(options: RedisInviteStoreOptions): InviteStore {
  const { clock, maxPendingPerUser, failure = redisUnavailable, wrote = () => {} } = options;
  const singleServer = !options.client.isCluster;
  const maxEndpointsPerUser = options.maxEndpointsPerUser ?? DEFAULT_MAX_ENDPOINTS_PER_USER;
  const redis = defineScripts(options.client);

  /** Any Redis failure (down, timed out, refused) is a dependency outage: 503 with Retry-After. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      throw failure(error);
    }
  }

  /** Notes that the user holds something expiring at `expiresAtMs` (the earliest wins). */
  const indexUser = (xuid: string, expiresAtMs: number) =>
    redis.zadd(sweepIndexKey(xuid), 'LT', expiresAtMs, xuid);

  /** Sweeps up to `limit` users due in one index key; says how many it visited. */
  async function sweepBatch(index: string, now: number, limit: number) {
    const due = await redis.zrangebyscore(index, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit);
    const users: [string, string][] = [];
    for (let i = 0; i < due.length; i += 2) users.push([due[i] as string, due[i + 1] as string]);
    // The user's entry moves in the same script (one server), unless it is in the old index.
    const inScript = singleServer && index !== LEGACY_SWEEP_INDEX_KEY;
    const results = (await Promise.all(
      users.map(([xuid]) => {
        const k = userKeys(xuid);
        return inScript
          ? redis.invites_sweepUserIndexed(...k.store, index, now, k.queuePrefix, xuid)
          : redis.invites_sweepUser(...k.store, now, k.queuePrefix, xuid);
      }),
    )) as [number, number, number][];
    const swept = { users: users.length, expiredInvites: 0, expiredEndpoints: 0 };
    await Promise.all(
      results.map(async ([invites, endpoints, next], i) => {
        swept.expiredInvites += invites;
        swept.expiredEndpoints += endpoints;
        const [xuid, seen] = users[i] as [string, string];
        if (inScript) return;
        if (index !== LEGACY_SWEEP_INDEX_KEY) return redis.invites_reindex(index, xuid, seen, next);
        // Into its shard while the user holds something, then out of the old index (unless an
        // old replica changed the entry meanwhile). The move adds an entry, which a full Redis
        // refuses: the entry then stays where it is, for the next sweep.
        if (
          next !== -1 &&
          !(await indexUser(xuid, next).then(
            () => true,
            () => false,
          ))
        )
          return;
        return redis.invites_reindex(index, xuid, seen, -1);
      }),
    );
    return swept;
  }

  /** Writes a record the caller holds, keeping its expiry. */
  const writeRecord = (record: ClaimedRecord, state: RecordState) =>
    redis.set(recordKey(record.id), encodeRecord(record, state), 'KEEPTTL', 'XX');

  return {
    async claim(record, { nowMs, leaseMs, windowMs }) {
      return guarded(async () => {
        const key = recordKey(record.id);
        const fresh: ClaimedRecord = {
          ...record,
          createdAtMs: nowMs,
          expiresAtMs: nowMs + windowMs,
          leaseUntilMs: nowMs + leaseMs,
        };
        const value = encodeRecord(fresh, 'in-flight');
        // One command in the common case: the record is new.
        const previous = await redis.set(key, value, 'PX', windowMs, 'NX', 'GET');
        if (previous === null) return { outcome: 'claimed', record: fresh, resumed: false };
        const held = decodeRecord(record.id, previous);
        // Past its window by the service's clock (Redis's own expiry may lag): a new send, unless
        // another request replaced the record first (it sends; this one is told it is in flight).
        if (!held || held.expiresAtMs <= nowMs) {
          const replaced = await redis.set(key, value, 'PX', windowMs, 'GET');
          return replaced === previous
            ? { outcome: 'claimed', record: fresh, resumed: false }
            : { outcome: 'in-progress', retryAfterMs: leaseMs };
        }
        const judged = judgeRecord(held, record, nowMs);
        if (judged.outcome !== 'take-over') return judged;
        // Two requests taking over at once both send: harmless, the invites' ids are the same.
        const taken = takenOver(held, nowMs, leaseMs);
        await writeRecord(taken, 'in-flight');
        return { outcome: 'claimed', record: taken, resumed: true };
      });
    },

    release(record, stored) {
      return guarded(async () => {
        if (stored) await writeRecord(record, 'failed');
        // Nothing of it stored: forgotten, unless another request took it over meanwhile.
        else await redis.invites_forgetRecord(recordKey(record.id), encodeRecord(record, 'in-flight'));
      });
    },

    deliver(invites, keyed) {
      return guarded(async () => {
        const now = clock.now();
        // Issued in one turn: auto-pipelined into one write per node.
        const replies = (await Promise.all(
          invites.map((invite) => {
            const xuid = invite.invitedUser;
            const k = userKeys(xuid);
            const args = [
              now,
              maxPendingPerUser,
              invite.id,
              encode(invite),
              invite.expiresAtMs,
              k.queuePrefix,
              xuid,
            ] as const;
            return singleServer
              ? redis.invites_deliverIndexed(
                  ...k.store,
                  sweepIndexKey(xuid),
                  ...args,
                  wakeChannel(wakeBucket(xuid)),
                )
              : redis.invites_deliver(...k.store, ...args, '');
          }),
        )) as [number, ...string[]][];
        const reached: EndpointKey[] = [];
        let dropped = 0;
        let repeated = 0;
        for (const [index, [droppedHere, ...endpointIds]] of replies.entries()) {
          const invite = invites[index] as Invite;
          if (droppedHere === -1) {
            repeated += 1;
            continue;
          }
          dropped += droppedHere;
          for (const endpointId of endpointIds) reached.push(endpointKey(invite.invitedUser, endpointId));
          // On a Cluster the index is a hint for the sweep, not part of the invite: it is not
          // awaited (it shares the next write with the wake-up), and the invitee's next send or
          // registration writes a lost entry again.
          if (!singleServer && endpointIds.length > 0)
            indexUser(invite.invitedUser, invite.expiresAtMs).catch(() => {});
        }
        // Not awaited either: if it is lost, the record stays in flight until its lease runs out,
        // and a retry then resumes the send and finds every invite stored.
        if (keyed) writeRecord(keyed.record, 'done').catch(() => {});
        wrote();
        return {
          reached,
          dropped,
          ...(repeated > 0 && { repeated }),
          ...(singleServer && { woken: true }),
        } satisfies DeliveryReceipt;
      });
    },

    register({ xuid, endpointId, platform, ttlSeconds }) {
      return guarded(async () => {
        const now = clock.now();
        const endpoint: Endpoint = { xuid, endpointId, platform, expiresAtMs: now + ttlSeconds * 1000 };
        const k = userKeys(xuid);
        const args = [
          endpointId,
          endpoint.expiresAtMs,
          platform,
          now,
          maxEndpointsPerUser,
          k.queuePrefix,
          xuid,
        ] as const;
        const [outcome] = singleServer
          ? [
              await redis.invites_registerIndexed(
                k.endpoints,
                k.queue(endpointId),
                sweepIndexKey(xuid),
                ...args,
              ),
            ]
          : await Promise.all([
              redis.invites_register(k.endpoints, k.queue(endpointId), ...args),
              // A hint for the sweep: harmless when the registration is refused.
              indexUser(xuid, endpoint.expiresAtMs),
            ]);
        if (outcome === -1) return { full: true };
        wrote();
        return { endpoint, created: outcome === 1 };
      });
    },

    unregister(xuid, endpointId) {
      return guarded(async () => {
        const k = userKeys(xuid);
        await redis.invites_unregister(k.endpoints, k.queue(endpointId), endpointId);
      });
    },

    pending(xuid, endpointId) {
      return guarded(async () => {
        const now = clock.now();
        const k = userKeys(xuid);
        const values = await redis.invites_pending(
          k.endpoints,
          k.invites,
          k.queue(endpointId),
          endpointId,
          now,
        );
        return values === null ? undefined : decodeQueued(values, now);
      });
    },

    acknowledge(xuid, endpointId, inviteId) {
      return guarded(async () => {
        const k = userKeys(xuid);
        return (await redis.invites_acknowledge(k.expiry, k.queue(endpointId), inviteId, clock.now())) === 1;
      });
    },

    pendingFor(xuid) {
      return guarded(async () => {
        const k = userKeys(xuid);
        return decodeLive(await redis.invites_pendingFor(k.order, k.invites), clock.now());
      });
    },

    sweep() {
      return guarded(async () => {
        const now = clock.now();
        const report = { expiredInvites: 0, expiredEndpoints: 0 };
        // Shard by shard, in batches, so one sweep holds no long script and no large reply;
        // bounded per run (the next run, a minute later, continues).
        let budget = 4000;
        for (const index of [LEGACY_SWEEP_INDEX_KEY, ...sweepShards]) {
          while (budget > 0) {
            const swept = await sweepBatch(index, now, Math.min(200, budget));
            report.expiredInvites += swept.expiredInvites;
            report.expiredEndpoints += swept.expiredEndpoints;
            budget -= swept.users;
            if (swept.users < 200) break;
          }
        }
        return report;
      });
    },

    close() {
      options.onClose?.();
    },
  };
}
