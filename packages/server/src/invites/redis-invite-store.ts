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
// And one index, `si:sweep` (users by their earliest expiry), so that a sweep visits only the
// users with something to reclaim. Expiry is decided by the injected clock, as in the SQLite
// store; the index only says where to look.
import type { Clock } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import { type RedisClient, redisUnavailable } from '../redis/connection.ts';
import { type DeliveryReceipt, type EndpointKey, endpointKey, type InviteStore } from './delivery.ts';
import type { Endpoint, Invite } from './invite.ts';

export const SWEEP_INDEX_KEY = 'si:sweep';

/** The keys of one user, all in the user's Cluster slot. */
export function userKeys(xuid: string) {
  const tag = `si:{${xuid}}`;
  return {
    endpoints: `${tag}:ep`,
    invites: `${tag}:inv`,
    order: `${tag}:order`,
    expiry: `${tag}:exp`,
    sequence: `${tag}:seq`,
    queuePrefix: `${tag}:q:`,
    queue: (endpointId: string) => `${tag}:q:${endpointId}`,
    /** The user's wake-up channel (see redis-invite-notifier.ts). */
    channel: `${tag}:wake`,
  };
}

// Lua helpers shared by the scripts: an endpoint's expiry from its hash value.
const expiryOf = `local function expiry(v) return tonumber(string.sub(v, 1, string.find(v, '|', 1, true) - 1)) end`;

const scripts = {
  // KEYS: ep, inv, order, exp, seq. ARGV: now, max, id, json, expiresAt, queuePrefix.
  // Stores the invite only if its user has a live endpoint; queues it for each; trims to `max`.
  deliver: `${expiryOf}
    local now, max, qp = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[6]
    local eps = redis.call('HGETALL', KEYS[1])
    local live = {}
    for i = 1, #eps, 2 do if expiry(eps[i + 1]) > now then live[#live + 1] = eps[i] end end
    if #live == 0 then return {0} end
    if redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4]) == 0 then
      return redis.error_reply('ERR invite id ' .. ARGV[3] .. ' is already stored')
    end
    local seq = redis.call('INCR', KEYS[5])
    redis.call('ZADD', KEYS[3], seq, ARGV[3])
    redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
    for _, e in ipairs(live) do redis.call('ZADD', qp .. e, seq, ARGV[3]) end
    local dropped = 0
    local n = redis.call('ZCARD', KEYS[3])
    if n > max then
      local old = redis.call('ZRANGE', KEYS[3], 0, n - max - 1)
      dropped = #old
      redis.call('ZREM', KEYS[3], unpack(old))
      redis.call('ZREM', KEYS[4], unpack(old))
      redis.call('HDEL', KEYS[2], unpack(old))
      for i = 1, #eps, 2 do redis.call('ZREM', qp .. eps[i], unpack(old)) end
    end
    local reply = {dropped}
    for _, e in ipairs(live) do reply[#reply + 1] = e end
    return reply`,
  // KEYS: ep, queue. ARGV: endpointId, expiresAt, platform, now. Returns 1 when created.
  register: `${expiryOf}
    local cur = redis.call('HGET', KEYS[1], ARGV[1])
    local live = cur and expiry(cur) > tonumber(ARGV[4])
    -- An expired registration's queue belongs to the past: a re-registered device starts empty.
    if not live then redis.call('DEL', KEYS[2]) end
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
    if live then return 0 end
    return 1`,
  // KEYS: ep, queue. ARGV: endpointId.
  unregister: `redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('DEL', KEYS[2])
    return 1`,
  // KEYS: ep, inv, queue. ARGV: endpointId, now. nil when the endpoint is not live.
  pending: `${expiryOf}
    local cur = redis.call('HGET', KEYS[1], ARGV[1])
    if not cur or expiry(cur) <= tonumber(ARGV[2]) then return false end
    local ids = redis.call('ZRANGE', KEYS[3], 0, -1)
    if #ids == 0 then return {} end
    return redis.call('HMGET', KEYS[2], unpack(ids))`,
  // KEYS: exp, queue. ARGV: inviteId, now.
  acknowledge: `local e = redis.call('ZSCORE', KEYS[1], ARGV[1])
    if not e or tonumber(e) <= tonumber(ARGV[2]) then return 0 end
    return redis.call('ZREM', KEYS[2], ARGV[1])`,
  // KEYS: order, inv.
  pendingFor: `local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
    if #ids == 0 then return {} end
    return redis.call('HMGET', KEYS[2], unpack(ids))`,
  // KEYS: ep, inv, order, exp, seq. ARGV: now, queuePrefix.
  // Returns {expired invites, expired endpoints, the earliest expiry left or -1}.
  sweepUser: `${expiryOf}
    local now, qp = tonumber(ARGV[1]), ARGV[2]
    local eps = redis.call('HGETALL', KEYS[1])
    local expiredEndpoints, nextExpiry, live = 0, -1, {}
    for i = 1, #eps, 2 do
      local e = expiry(eps[i + 1])
      if e <= now then
        redis.call('HDEL', KEYS[1], eps[i])
        redis.call('DEL', qp .. eps[i])
        expiredEndpoints = expiredEndpoints + 1
      else
        live[#live + 1] = eps[i]
        if nextExpiry == -1 or e < nextExpiry then nextExpiry = e end
      end
    end
    local old = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
    if #old > 0 then
      redis.call('ZREM', KEYS[3], unpack(old))
      redis.call('ZREM', KEYS[4], unpack(old))
      redis.call('HDEL', KEYS[2], unpack(old))
      for _, e in ipairs(live) do redis.call('ZREM', qp .. e, unpack(old)) end
    end
    local first = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
    if first[2] then
      local e = tonumber(first[2])
      if nextExpiry == -1 or e < nextExpiry then nextExpiry = e end
    end
    if nextExpiry == -1 then redis.call('DEL', KEYS[5]) end
    return {#old, expiredEndpoints, nextExpiry}`,
  // KEYS: the sweep index. ARGV: xuid, the score the sweep read, the next expiry or -1.
  // Moves the user's entry unless a send or registration changed it meanwhile.
  reindex: `local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
    if not cur or tonumber(cur) ~= tonumber(ARGV[2]) then return 0 end
    if tonumber(ARGV[3]) == -1 then return redis.call('ZREM', KEYS[1], ARGV[1]) end
    return redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])`,
} as const;

type ScriptName = keyof typeof scripts;
type Scripted = RedisClient & {
  [name in ScriptName as `invites_${name}`]: (...args: (string | number)[]) => Promise<unknown>;
};

/** Defines the scripts on the client (EVALSHA, falling back to EVAL once per node). */
export function defineInviteScripts(client: RedisClient): Scripted {
  const counts: Record<ScriptName, number> = {
    deliver: 5,
    register: 2,
    unregister: 2,
    pending: 3,
    acknowledge: 2,
    pendingFor: 2,
    sweepUser: 5,
    reindex: 1,
  };
  // Prefixed, so that no script can shadow or be shadowed by a client method of the same name.
  // `#!lua` (Redis 7 script flags, none given): Redis checks before a script runs that it may
  // write (no OOM under noeviction, a writable primary), so a script never stops half-way through
  // its writes for those reasons.
  for (const [name, lua] of Object.entries(scripts) as [ScriptName, string][]) {
    if (!(`invites_${name}` in client)) {
      client.defineCommand(`invites_${name}`, { lua: `#!lua\n${lua}`, numberOfKeys: counts[name] });
    }
  }
  return client as Scripted;
}

export interface RedisInviteStoreOptions {
  client: RedisClient;
  clock: Clock;
  maxPendingPerUser: number;
  /** Closes the connections the store runs on; the store does not own them otherwise. */
  onClose?: () => void;
}

/** The stored form: the invite as the contract's domain type holds it. */
const encode = (invite: Invite) => JSON.stringify(invite);

function decodeLive(values: unknown, now: number): Invite[] {
  if (!Array.isArray(values)) return [];
  const invites: Invite[] = [];
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const invite = JSON.parse(value) as Invite;
    if (invite.expiresAtMs > now) invites.push(invite);
  }
  return invites;
}

export function createRedisInviteStore(options: RedisInviteStoreOptions): InviteStore {
  const { clock, maxPendingPerUser } = options;
  const redis = defineInviteScripts(options.client);

  /** Any Redis failure (down, timed out, refused) is a dependency outage: 503 with Retry-After. */
  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      throw redisUnavailable(error);
    }
  }

  /** Notes that the user holds something expiring at `expiresAtMs` (the earliest wins). */
  const indexUser = (xuid: string, expiresAtMs: number) =>
    redis.zadd(SWEEP_INDEX_KEY, 'LT', expiresAtMs, xuid);

  return {
    deliver(invites) {
      return guarded(async () => {
        const now = clock.now();
        // Issued in one turn: auto-pipelined into one write per node.
        const replies = (await Promise.all(
          invites.map((invite) => {
            const k = userKeys(invite.invitedUser);
            return redis.invites_deliver(
              k.endpoints,
              k.invites,
              k.order,
              k.expiry,
              k.sequence,
              now,
              maxPendingPerUser,
              invite.id,
              encode(invite),
              invite.expiresAtMs,
              k.queuePrefix,
            );
          }),
        )) as [number, ...string[]][];
        const reached: EndpointKey[] = [];
        let dropped = 0;
        for (const [index, [droppedHere, ...endpointIds]] of replies.entries()) {
          const invite = invites[index] as Invite;
          dropped += droppedHere;
          for (const endpointId of endpointIds) reached.push(endpointKey(invite.invitedUser, endpointId));
          // The index is a hint for the sweep, not part of the invite: it is not awaited (it shares
          // the next write with the wake-up), and a lost entry only delays reclaiming space.
          if (endpointIds.length > 0) indexUser(invite.invitedUser, invite.expiresAtMs).catch(() => {});
        }
        return { reached, dropped } satisfies DeliveryReceipt;
      });
    },

    register({ xuid, endpointId, platform, ttlSeconds }) {
      return guarded(async () => {
        const now = clock.now();
        const endpoint: Endpoint = { xuid, endpointId, platform, expiresAtMs: now + ttlSeconds * 1000 };
        const k = userKeys(xuid);
        const [created] = await Promise.all([
          redis.invites_register(
            k.endpoints,
            k.queue(endpointId),
            endpointId,
            endpoint.expiresAtMs,
            platform,
            now,
          ),
          indexUser(xuid, endpoint.expiresAtMs),
        ]);
        return { endpoint, created: created === 1 };
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
        return values === null ? undefined : decodeLive(values, now);
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
        // In batches, so one sweep holds no long script and no large reply; bounded per run (the
        // next run, a minute later, continues).
        for (let batch = 0; batch < 20; batch++) {
          const due = await redis.zrangebyscore(SWEEP_INDEX_KEY, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 200);
          if (due.length === 0) break;
          const users: [string, string][] = [];
          for (let i = 0; i < due.length; i += 2) users.push([due[i] as string, due[i + 1] as string]);
          const results = (await Promise.all(
            users.map(([xuid]) => {
              const k = userKeys(xuid);
              return redis.invites_sweepUser(
                k.endpoints,
                k.invites,
                k.order,
                k.expiry,
                k.sequence,
                now,
                k.queuePrefix,
              );
            }),
          )) as [number, number, number][];
          await Promise.all(
            results.map(([invites, endpoints, next], i) => {
              report.expiredInvites += invites;
              report.expiredEndpoints += endpoints;
              const [xuid, seen] = users[i] as [string, string];
              return redis.invites_reindex(SWEEP_INDEX_KEY, xuid, seen, next);
            }),
          );
          if (users.length < 200) break;
        }
        return report;
      });
    },

    close() {
      options.onClose?.();
    },
  };
}
