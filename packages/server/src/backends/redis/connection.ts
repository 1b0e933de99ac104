// The Redis connections of one replica, built from the configuration: one for commands (the
// stores, the rate windows) and one for wake-up subscriptions, to a single server or a Cluster.
//
// Failure is bounded: every command fails after `commandTimeoutMs`, and while the connection is
// down commands fail at once instead of queueing (`enableOfflineQueue: false`), so a request gets
// a 503 in that time rather than hanging (and a request's calls together have one deadline as
// long: invites/store-deadline.ts). The clients reconnect by themselves, forever, every
// 100 ms to 1 s; nothing has to restart when Redis comes back. A probe says whether Redis answers
// and whether it takes writes (readiness and metrics read it).
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisTarget } from '../../config.ts';
import { ServiceError } from '../../errors.ts';
import type { DependencyState } from '../../lifecycle.ts';
import { defineScripts } from './scripts.ts';

export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  kind: RedisTarget['kind'];
  /** Commands (stores, rate windows). On one server, auto-pipelined: commands issued in one turn share a write. */
  client: RedisClient;
  /** Subscriptions only (a connection in subscriber mode takes no other commands). */
  subscriber: RedisClient;
  /**
   * `ok` while both connections are up and every master answered the last probe in time;
   * `full` when one is over maxmemory (noeviction: it refuses writes), or a write was just refused
   * for lack of memory; else `unavailable`.
   */
  state(): DependencyState;
  /**
   * A failed command as the caller's error (503, with a longer Retry-After when Redis is full).
   * A write refused for lack of memory also makes the state `full` until a write is accepted
   * again (`wrote`), or for a few seconds: Redis may be just under maxmemory by the probe while a
   * send's writes take it over.
   */
  failure(error: unknown): ServiceError;
  /** A write (a send, a registration) was accepted: Redis has room again. */
  wrote(): void;
  /**
   * The first connection attempt's outcome: true once both connections are ready, false as soon as
   * one fails (Redis refused, unreachable, the credentials refused) or after `timeoutMs`. Never
   * rejects: the clients go on retrying either way.
   */
  firstAttempt(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

const reconnectDelay = (attempt: number) => Math.min(100 * attempt, 1000);

/** Seconds a caller should wait before retrying when Redis is unreachable. */
export const REDIS_RETRY_AFTER_SECONDS = 1;
/** … and when Redis is full: it drains as invites are acknowledged or expire, not in a second. */
export const REDIS_FULL_RETRY_AFTER_SECONDS = 5;

/**
 * Whether Redis refuses writes now, read from `INFO memory` as Redis itself decides it
 * (getMaxmemoryState): used memory, less what it does not count (replication and AOF buffers),
 * above maxmemory. INFO is no script and no write: the probe shows in no count of either.
 */
export function refusesWrites(memoryInfo: string): boolean {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(memoryInfo)?.[1] ?? 0);
  const maxmemory = field('maxmemory');
  return maxmemory > 0 && field('used_memory') - field('mem_not_counted_for_evict') > maxmemory;
}

/** Redis's refusal of a write over maxmemory (noeviction): "OOM command not allowed when …". */
export function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('OOM ');
}

export function redisUnavailable(cause: unknown): ServiceError {
  if (isOutOfMemory(cause)) {
    return new ServiceError(
      'ServiceUnavailable',
      'the shared store is full and takes nothing new until invites are acknowledged or expire; retry later',
      { cause, retryAfterSeconds: REDIS_FULL_RETRY_AFTER_SECONDS },
    );
  }
  return new ServiceError('ServiceUnavailable', 'the shared store is unavailable; retry shortly', {
    cause,
    retryAfterSeconds: REDIS_RETRY_AFTER_SECONDS,
  });
}

export function connectRedis(target: RedisTarget, logger: Logger): RedisConnection {
  const common: RedisOptions = {
    commandTimeout: target.commandTimeoutMs,
    connectTimeout: Math.max(target.commandTimeoutMs, 1000),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: reconnectDelay,
    enableAutoPipelining: true,
  };
  let client: RedisClient;
  let subscriber: RedisClient;
  if (target.kind === 'standalone') {
    client = new Redis(target.url, { ...common, connectionName: 'server-invites' });
    subscriber = new Redis(target.url, {
      ...common,
      connectionName: 'server-invites-wake',
      enableAutoPipelining: false,
    });
  } else {
    const {
      retryStrategy: _ignored,
      enableOfflineQueue: _queue,
      enableAutoPipelining: _batched,
      ...perNode
    } = common;
    const options: ClusterOptions = {
      enableOfflineQueue: false,
      // Not auto-pipelined: ioredis retries a Cluster batch only when every command in it failed
      // with the same error (redis/ioredis#2075), and a batch goes to a node, not a slot, so when
      // one slot of a node moves, the batch's MOVED/ASK/TRYAGAIN replies came back to callers as
      // 503s (3.6% of sends during a reshard). Sent one by one, each command follows its own
      // redirection. Commands issued together still go out without waiting for each other's
      // replies, so a send's round trips are the same; only the writes are one per command.
      enableAutoPipelining: false,
      clusterRetryStrategy: reconnectDelay,
      slotsRefreshTimeout: target.commandTimeoutMs,
      // Wake-ups use sharded pub/sub (SSUBSCRIBE): one subscriber per master, each for its slots.
      shardedSubscribers: true,
      redisOptions: {
        ...perNode,
        ...(target.username && { username: target.username }),
        ...(target.password && { password: target.password }),
      },
    };
    client = new Cluster(target.nodes, options);
    subscriber = new Cluster(target.nodes, { ...options });
  }

  // Before the client sends anything (see scripts.ts).
  defineScripts(client);

  // An error event without a listener would be printed by ioredis on every reconnect attempt (and
  // a rejected wait for 'ready' ended the process at start-up): each cause is logged once, in one
  // line that names it, until Redis answers again.
  let reportedCause: string | undefined;
  for (const connection of [client, subscriber]) {
    connection.on('error', (error: Error) => {
      const cause = describeRedisFailure(error);
      if (cause === reportedCause) return;
      reportedCause = cause;
      logger.warn(
        { redis: describeRedisTarget(target), cause },
        `Redis is unavailable (${cause}); answering 503 and retrying until it answers`,
      );
    });
    connection.on('ready', () => {
      if (reportedCause !== undefined && client.status === 'ready' && subscriber.status === 'ready') {
        reportedCause = undefined;
        logger.info('Redis answers again');
      }
    });
  }

  // A server that accepts connections but does not answer (stopped, overloaded) leaves the status
  // 'ready', and a full one answers everything but writes: a probe on every master, every second,
  // within the command timeout, tells both.
  let probed: DependencyState = 'unavailable';
  let probing = false;
  const probe = async () => {
    if (probing) return;
    probing = true;
    try {
      const masters = client instanceof Cluster ? client.nodes('master') : [client];
      const outcomes = await Promise.allSettled(masters.map((node) => node.info('memory')));
      probed =
        masters.length === 0 || outcomes.some((outcome) => outcome.status === 'rejected')
          ? 'unavailable'
          : outcomes.some((outcome) => outcome.status === 'fulfilled' && refusesWrites(outcome.value))
            ? 'full'
            : 'ok';
    } finally {
      probing = false;
    }
  };
  let refusedWriteAt = Number.NEGATIVE_INFINITY;
  client.on('ready', () => void probe());
  const prober = setInterval(() => void probe(), 1000);
  prober.unref();

  return {
    kind: target.kind,
    client,
    subscriber,
    state() {
      if (client.status !== 'ready' || subscriber.status !== 'ready') return 'unavailable';
      if (probed === 'ok' && performance.now() - refusedWriteAt < REDIS_FULL_RETRY_AFTER_SECONDS * 1000)
        return 'full';
      return probed;
    },
    failure(error) {
      if (isOutOfMemory(error)) refusedWriteAt = performance.now();
      return redisUnavailable(error);
    },
    wrote() {
      refusedWriteAt = Number.NEGATIVE_INFINITY;
    },
    firstAttempt(timeoutMs) {
      // Listeners only: a rejected `once(…, 'ready')` (it rejects on 'error') must not escape.
      return new Promise<boolean>((resolve) => {
        const settle = (ready: boolean) => {
          clearTimeout(timer);
          for (const connection of [client, subscriber]) {
            connection.off('ready', onReady);
            connection.off('error', onError);
          }
          resolve(ready);
        };
        const onReady = () => {
          if (client.status === 'ready' && subscriber.status === 'ready') settle(true);
        };
        const onError = () => settle(false);
        const timer = setTimeout(() => settle(false), timeoutMs);
        for (const connection of [client, subscriber]) {
          connection.on('ready', onReady);
          connection.on('error', onError);
        }
        onReady();
      });
    },
    async close() {
      clearInterval(prober);
      await Promise.allSettled([client.quit(), subscriber.quit()]);
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

/**
 * Warns when Redis may evict keys: an evicting maxmemory-policy silently drops queued invites and
 * registrations (every policy but noeviction can pick keys of this service). Managed services may
 * refuse CONFIG GET; that is only logged.
 */
export async function checkEvictionPolicy(connection: RedisConnection, logger: Logger): Promise<void> {
  const nodes =
    connection.client instanceof Cluster ? connection.client.nodes('master') : [connection.client];
  for (const node of nodes) {
    try {
      const [, policy] = (await node.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy !== 'noeviction') {
        logger.warn(
          { maxmemoryPolicy: policy, node: `${node.options.host}:${node.options.port}` },
          'Redis maxmemory-policy is not noeviction: under memory pressure it drops queued invites and registrations; set maxmemory-policy noeviction',
        );
      }
    } catch (error) {
      logger.info(
        { err: error },
        'could not read maxmemory-policy (CONFIG GET refused); make sure it is noeviction',
      );
    }
  }
}

/**
 * What went wrong, in one line for the log: the server's refusal (WRONGPASS, NOAUTH) or the
 * socket's error (ECONNREFUSED, a timeout); for a Cluster, the last node's, which says more than
 * ioredis's "Failed to refresh slots cache".
 */
export function describeRedisFailure(error: Error): string {
  const message = (error.message.split('\n')[0] ?? '') || error.name;
  const last = (error as Error & { lastNodeError?: unknown }).lastNodeError;
  if (error.name !== 'ClusterAllFailedError') return message;
  const cause = last instanceof Error ? describeRedisFailure(last) : 'no answer';
  return `no node of the Cluster gave its slots: ${cause}`;
}

/** Where Redis is, for the log: hosts and ports, never the credentials a URL may carry. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === 'cluster') return target.nodes.map(({ host, port }) => `${host}:${port}`).join(',');
  const url = new URL(target.url);
  return `${url.protocol}//${url.host}`;
}
