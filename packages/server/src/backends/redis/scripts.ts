// The Redis backend's Lua scripts (see redis-invite-store.ts for the keys they work on, and
// redis-rate-windows.ts), defined on a client as named commands (EVALSHA, falling back to EVAL
// once per node).
//
// They are defined as soon as a client exists (connection.ts does), before it sends
// anything: ioredis's auto-pipelining batches commands in a pipeline that only knows the scripts
// defined when it was created.
//
// Three come in two forms, the second taking one key more (`…Indexed`): on one server, a send's
// delivery, a registration and a sweep also write the user's entry in the sweep index, which on a
// Cluster lives in another slot than the user's keys and is written by a command of its own.
import type { RedisClient } from './connection.ts';

// Lua helpers shared by the scripts: an endpoint's expiry from its hash value.
const expiryOf = `local function expiry(v) return tonumber(string.sub(v, 1, string.find(v, '|', 1, true) - 1)) end`;

const scripts = {
  // KEYS: ep, inv, order, exp, seq[, the user's sweep index shard]. ARGV: now, max, id, json,
  // expiresAt, queuePrefix, xuid, wake-up channel ('' for none).
  // Stores the invite only if its user has a live endpoint; queues it for each; trims to `max`.
  // With the index key, notes the invite's expiry there (the earliest wins); with a channel,
  // publishes the endpoints reached (`<xuid>/<endpointId>`, comma-separated) as the wake-up.
  // Returns {dropped, endpoint ids reached...}, or {-1} when the id is stored already: an earlier
  // attempt of the same keyed send stored it (idempotency.ts), so it is not queued again.
  // A dropped invite leaves its id behind (an empty value, still indexed by expiry, so the sweep
  // takes it when it expires), so that such a retry does not send it again either.
  deliver: `${expiryOf}
    local now, max, qp = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[6]
    local eps = redis.call('HGETALL', KEYS[1])
    local live = {}
    for i = 1, #eps, 2 do if expiry(eps[i + 1]) > now then live[#live + 1] = eps[i] end end
    if #live == 0 then return {0} end
    if redis.call('HSETNX', KEYS[2], ARGV[3], ARGV[4]) == 0 then return {-1} end
    local seq = redis.call('INCR', KEYS[5])
    redis.call('ZADD', KEYS[3], seq, ARGV[3])
    redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
    for _, e in ipairs(live) do redis.call('ZADD', qp .. e, seq, ARGV[3]) end
    local dropped = 0
    -- The sequence counts every invite stored since the user last held nothing (the sweep deletes
    -- it then), so below max there is nothing to trim, and nothing to count.
    if seq > max then
      local old = redis.call('ZRANGE', KEYS[3], 0, -max - 1)
      if #old > 0 then
        dropped = #old
        redis.call('ZREM', KEYS[3], unpack(old))
        local kept = {}
        for _, id in ipairs(old) do kept[#kept + 1] = id; kept[#kept + 1] = '' end
        redis.call('HSET', KEYS[2], unpack(kept))
        for i = 1, #eps, 2 do redis.call('ZREM', qp .. eps[i], unpack(old)) end
      end
    end
    if KEYS[6] then redis.call('ZADD', KEYS[6], 'LT', ARGV[5], ARGV[7]) end
    local reply = {dropped}
    local reached = {}
    for _, e in ipairs(live) do
      reply[#reply + 1] = e
      reached[#reached + 1] = ARGV[7] .. '/' .. e
    end
    if ARGV[8] ~= '' then redis.call('PUBLISH', ARGV[8], table.concat(reached, ',')) end
    return reply`,
  // KEYS: ep, queue[, the user's sweep index shard]. ARGV: endpointId, expiresAt, platform, now,
  // max endpoints, queuePrefix, xuid. With the index key, notes the endpoint's expiry there.
  // Returns 1 when created, 0 when refreshed, -1 when the user has `max` live endpoints already.
  register: `${expiryOf}
    local now, max = tonumber(ARGV[4]), tonumber(ARGV[5])
    local cur = redis.call('HGET', KEYS[1], ARGV[1])
    local live = cur and expiry(cur) > now
    if not live and redis.call('HLEN', KEYS[1]) >= max then
      -- At the cap only counting the live ones, and forgetting the expired ones (with their
      -- queues) on the way, keeps the hash, and so every send's fan-out, within the cap.
      local eps, n = redis.call('HGETALL', KEYS[1]), 0
      for i = 1, #eps, 2 do
        if expiry(eps[i + 1]) > now then n = n + 1
        else
          redis.call('HDEL', KEYS[1], eps[i])
          redis.call('DEL', ARGV[6] .. eps[i])
        end
      end
      if n >= max then return -1 end
    end
    -- An expired registration's queue belongs to the past: a re-registered device starts empty.
    if not live then redis.call('DEL', KEYS[2]) end
    redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
    if KEYS[3] then redis.call('ZADD', KEYS[3], 'LT', ARGV[2], ARGV[7]) end
    if live then return 0 end
    return 1`,
  // KEYS: ep, queue. ARGV: endpointId.
  unregister: `redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('DEL', KEYS[2])
    return 1`,
  // KEYS: ep, inv, queue. ARGV: endpointId, now. nil when the endpoint is not live; else each
  // queued invite's JSON followed by its sequence (a stream's cursor).
  pending: `${expiryOf}
    local cur = redis.call('HGET', KEYS[1], ARGV[1])
    if not cur or expiry(cur) <= tonumber(ARGV[2]) then return false end
    local queued = redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES')
    if #queued == 0 then return {} end
    local ids = {}
    for i = 1, #queued, 2 do ids[#ids + 1] = queued[i] end
    local values = redis.call('HMGET', KEYS[2], unpack(ids))
    local reply = {}
    for i = 1, #ids do
      reply[#reply + 1] = values[i]
      reply[#reply + 1] = queued[i * 2]
    end
    return reply`,
  // KEYS: exp, queue. ARGV: inviteId, now.
  acknowledge: `local e = redis.call('ZSCORE', KEYS[1], ARGV[1])
    if not e or tonumber(e) <= tonumber(ARGV[2]) then return 0 end
    return redis.call('ZREM', KEYS[2], ARGV[1])`,
  // KEYS: order, inv.
  pendingFor: `local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
    if #ids == 0 then return {} end
    return redis.call('HMGET', KEYS[2], unpack(ids))`,
  // KEYS: ep, inv, order, exp, seq[, the user's sweep index shard]. ARGV: now, queuePrefix, xuid.
  // Returns {expired invites, expired endpoints, the earliest expiry left or -1}. With the index
  // key, also moves the user's entry there to that expiry, or removes it when nothing is left: in
  // the same step as the sweep, so that nothing the user receives meanwhile can be left unindexed.
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
    if KEYS[6] then
      if nextExpiry == -1 then redis.call('ZREM', KEYS[6], ARGV[3])
      else redis.call('ZADD', KEYS[6], nextExpiry, ARGV[3]) end
    end
    return {#old, expiredEndpoints, nextExpiry}`,
  // KEYS: a keyed send's record. ARGV: the value the releasing request wrote.
  // Forgets the record unless another request took it over meanwhile (its lease ran out).
  forgetRecord: `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
    return redis.call('DEL', KEYS[1])`,
  // KEYS: the sweep index. ARGV: xuid, the score the sweep read, the next expiry or -1.
  // Moves the user's entry unless a send or registration changed it meanwhile.
  reindex: `local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
    if not cur or tonumber(cur) ~= tonumber(ARGV[2]) then return 0 end
    if tonumber(ARGV[3]) == -1 then return redis.call('ZREM', KEYS[1], ARGV[1]) end
    return redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])`,
  // KEYS: the rate windows of one key (redis-rate-windows.ts). ARGV: now, then each window's
  // length in milliseconds. The value holds `<start>,<count>` per window, in ARGV's order; a window
  // whose time is over (or that is not there yet) starts again at now. Every call counts.
  // Returns {count, milliseconds until the window resets} per window.
  rateWindows: `local now = tonumber(ARGV[1])
    local held = {}
    local value = redis.call('GET', KEYS[1])
    if value then for part in string.gmatch(value, '[^,]+') do held[#held + 1] = tonumber(part) end end
    local parts, reply, keep = {}, {}, 1
    for i = 2, #ARGV do
      local length = tonumber(ARGV[i])
      local start, count = held[2 * i - 3], held[2 * i - 2]
      if not start or not count or now >= start + length then start, count = now, 0 end
      count = count + 1
      local left = start + length - now
      if left > keep then keep = left end
      parts[#parts + 1] = string.format('%d,%d', start, count)
      reply[#reply + 1] = count
      reply[#reply + 1] = left
    end
    redis.call('SET', KEYS[1], table.concat(parts, ','), 'PX', keep)
    return reply`,
} as const;

type ScriptName = keyof typeof scripts;

/**
 * Redis 7 script flags. A script that may write (`#!lua`) is refused before it runs when Redis is
 * out of memory (maxmemory with noeviction) or read-only, so it never stops half-way through its
 * writes. The reads (`no-writes`) run then, so devices keep receiving what is queued; and so do
 * the scripts that only delete or move what exists (`allow-oom`: acknowledging, unregistering,
 * sweeping, re-indexing), so that a full Redis drains back by itself as invites are acknowledged
 * and expire, with no operator raising maxmemory. Storing and registering take memory: refused.
 */
const shebangs: Record<ScriptName, string> = {
  deliver: '#!lua',
  register: '#!lua',
  unregister: '#!lua flags=allow-oom',
  pending: '#!lua flags=no-writes',
  acknowledge: '#!lua flags=allow-oom',
  pendingFor: '#!lua flags=no-writes',
  sweepUser: '#!lua flags=allow-oom',
  reindex: '#!lua flags=allow-oom',
  forgetRecord: '#!lua flags=allow-oom',
  rateWindows: '#!lua',
};
/** How many keys each takes; the ones named here also come `…Indexed`, with the index key last. */
const keyCounts: Record<ScriptName, number> = {
  deliver: 5,
  register: 2,
  unregister: 2,
  pending: 3,
  acknowledge: 2,
  pendingFor: 2,
  sweepUser: 5,
  reindex: 1,
  forgetRecord: 1,
  rateWindows: 1,
};
const indexed = ['deliver', 'register', 'sweepUser'] as const;

export type Scripted = RedisClient & {
  [name in ScriptName as `invites_${name}`]: (...args: (string | number)[]) => Promise<unknown>;
} & {
  [name in (typeof indexed)[number] as `invites_${name}Indexed`]: (
    ...args: (string | number)[]
  ) => Promise<unknown>;
};

/** Defines the scripts on the client (EVALSHA, falling back to EVAL once per node). */
export function defineScripts(client: RedisClient): Scripted {
  // Prefixed, so that no script can shadow or be shadowed by a client method of the same name.
  // A fixed number of keys each: ioredis finds the slot of a Cluster command from its first key.
  const define = (name: string, lua: string, numberOfKeys: number) => {
    if (!(name in client)) client.defineCommand(name, { lua, numberOfKeys });
  };
  for (const [name, lua] of Object.entries(scripts) as [ScriptName, string][]) {
    define(`invites_${name}`, `${shebangs[name]}\n${lua}`, keyCounts[name]);
  }
  for (const name of indexed) {
    define(`invites_${name}Indexed`, `${shebangs[name]}\n${scripts[name]}`, keyCounts[name] + 1);
  }
  return client as Scripted;
}
