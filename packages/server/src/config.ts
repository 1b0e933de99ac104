// Configuration: read once from the environment at start-up, validated, typed and frozen.
// Nothing else in the service reads process.env.
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_ENDPOINTS_PER_USER } from './invites/delivery.ts';

/**
 * The HS256 secret a server started with no configuration (`pnpm start`) accepts, and that
 * `pnpm token` signs with. Development only: production refuses to start without configured keys.
 */
export const DEVELOPMENT_SECRET = 'server-invites-development-secret-do-not-use-in-production';

const seconds = (fallback: number, max = 86_400) => z.coerce.number().int().min(1).max(max).default(fallback);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
    VALIDATE_RESPONSES: flag.optional(),

    AUTH_ISSUER: z.string().min(1).default('server-invites-dev'),
    AUTH_AUDIENCE: z.string().min(1).default('server-invites'),
    AUTH_HS256_SECRET: z.string().min(32, 'AUTH_HS256_SECRET must be at least 32 characters').optional(),
    AUTH_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    AUTH_PUBLIC_KEY_ALGORITHM: z.enum(['ES256', 'RS256']).default('ES256'),
    AUTH_JWKS_FILE: z.string().min(1).optional(),
    AUTH_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
    // Unset: one per connection the capacity plan admits (capacity.ts, tokenCacheEntries).
    TOKEN_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).optional(),

    THROTTLE_BURST_LIMIT: z.coerce.number().int().min(1).default(7),
    THROTTLE_BURST_WINDOW_SECONDS: seconds(15),
    THROTTLE_SUSTAIN_LIMIT: z.coerce.number().int().min(1).default(50),
    THROTTLE_SUSTAIN_WINDOW_SECONDS: seconds(300),
    CONCURRENCY_LIMIT_PER_CALLER: z.coerce.number().int().min(1).default(64),

    INVITE_TTL_SECONDS: seconds(3600, 7 * 86_400),
    // At most 100: the contract bounds an endpoint's InviteList at 100 items.
    INVITE_MAX_PENDING_PER_USER: z.coerce.number().int().min(1).max(100).default(100),
    ENDPOINT_TTL_SECONDS: seconds(30 * 86_400, 30 * 86_400),
    // How long a send's Idempotency-Key is remembered (the draft suggests 24 hours): a retry
    // within it gets the first answer; each keyed send holds a record (~200 bytes) that long.
    IDEMPOTENCY_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(86_400),
    DATA_DIR: z.string().min(1).default('.data'),

    HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(15_000),
    KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(65_000),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    // Capacity (capacity.ts): unset, each is planned from the process's open-file and heap limits.
    MAX_CONNECTIONS: z.coerce.number().int().min(16).max(10_000_000).optional(),
    MAX_WAITING_DEVICES: z.coerce.number().int().min(1).max(10_000_000).optional(),
    MAX_PIPELINED_REQUESTS: z.coerce.number().int().min(1).max(1024).default(16),
    MAX_BODY_BYTES_IN_FLIGHT: z.coerce.number().int().min(1024).max(1_073_741_824).default(16_777_216),
    // At most 25: the contract promises clients a heartbeat at least every 25 seconds.
    STREAM_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(25).default(25),
    STREAM_MAX_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    MAX_ENDPOINTS_PER_USER: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_ENDPOINTS_PER_USER),

    // Shared state for several replicas (see backends/redis/connection.ts); neither set: embedded SQLite.
    REDIS_URL: z
      .url({ protocol: /^rediss?$/, error: 'REDIS_URL must be a redis:// or rediss:// URL' })
      .optional(),
    REDIS_CLUSTER_NODES: z
      .string()
      .regex(
        /^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/,
        'REDIS_CLUSTER_NODES must be comma-separated host:port seed nodes',
      )
      .optional(),
    REDIS_USERNAME: z.string().min(1).optional(),
    REDIS_PASSWORD: z.string().min(1).optional(),
    // Every Redis command answers or fails within this, so a request never hangs on Redis.
    REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1000),
    METRICS_ENABLED: flag.default(true),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value.trim() === '') return undefined;
        const parsed = parseCorsOrigins(value);
        if ('error' in parsed) {
          ctx.addIssue({ code: 'custom', message: parsed.error });
          return z.NEVER;
        }
        return parsed.origins;
      }),
  })
  .superRefine((env, ctx) => {
    const keySources = [env.AUTH_HS256_SECRET, env.AUTH_PUBLIC_KEY_FILE, env.AUTH_JWKS_FILE].filter(Boolean);
    if (keySources.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_HS256_SECRET'],
        message: 'set only one of AUTH_HS256_SECRET, AUTH_PUBLIC_KEY_FILE, AUTH_JWKS_FILE',
      });
    }
    if (env.NODE_ENV === 'production' && keySources.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_HS256_SECRET'],
        message:
          'production needs a token key: set AUTH_HS256_SECRET, AUTH_PUBLIC_KEY_FILE or AUTH_JWKS_FILE (the development secret is refused)',
      });
    }
    if (env.METRICS_PORT !== undefined && !env.METRICS_ENABLED) {
      ctx.addIssue({
        code: 'custom',
        path: ['METRICS_PORT'],
        message: 'METRICS_PORT is set but METRICS_ENABLED is false',
      });
    }
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'METRICS_PORT must differ from PORT' });
    }
    if (env.NODE_ENV === 'production' && env.AUTH_HS256_SECRET === DEVELOPMENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_HS256_SECRET'],
        message: 'the development secret is refused in production',
      });
    }
    if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: 'set only one of REDIS_URL (one Redis server) and REDIS_CLUSTER_NODES (a Redis Cluster)',
      });
    }
    for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD'] as const) {
      if (env[name] && !env.REDIS_CLUSTER_NODES) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} applies to REDIS_CLUSTER_NODES only (REDIS_URL carries its credentials)`,
        });
      }
    }
    if (env.REDIS_CLUSTER_NODES?.split(',').some((node) => Number(node.split(':')[1]) > 65_535)) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'a port is above 65535' });
    }
  });

/**
 * The environment, turned into the service's configuration: one schema, and the type is what it
 * produces (no second declaration to keep in step).
 */
const configSchema = environmentSchema.transform((e) => {
  const production = e.NODE_ENV === 'production';
  return {
    environment: e.NODE_ENV,
    http: {
      port: e.PORT,
      // A development server holding the public development secret listens on loopback only.
      host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      /** Requests one connection may have awaiting their answers; past it the connection is closed. */
      maxPipelinedRequests: e.MAX_PIPELINED_REQUESTS,
      /** Request body bytes being received at once, over every connection; past it 503. */
      maxBodyBytesInFlight: e.MAX_BODY_BYTES_IN_FLIGHT,
    },
    /** Caps planned at start-up against the process's limits (capacity.ts). */
    capacity: { connections: e.MAX_CONNECTIONS, waitingDevices: e.MAX_WAITING_DEVICES },
    /** Origins browsers may call from (exact, or `*` for any); undefined: CORS off. */
    corsOrigins: e.CORS_ORIGINS,
    metrics: {
      enabled: e.METRICS_ENABLED,
      /** A listener of its own serving only GET /metrics; undefined: /metrics on the service's port. */
      port: e.METRICS_PORT,
    },
    logLevel: e.LOG_LEVEL,
    validateResponses: e.VALIDATE_RESPONSES ?? !production,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      keys: tokenKeySource(e),
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
      /** Verified credentials remembered; undefined: sized by the capacity plan. */
      cacheMaxEntries: e.TOKEN_CACHE_MAX_ENTRIES,
    },
    throttle: {
      burst: { limit: e.THROTTLE_BURST_LIMIT, windowSeconds: e.THROTTLE_BURST_WINDOW_SECONDS },
      sustain: { limit: e.THROTTLE_SUSTAIN_LIMIT, windowSeconds: e.THROTTLE_SUSTAIN_WINDOW_SECONDS },
      concurrencyPerCaller: e.CONCURRENCY_LIMIT_PER_CALLER,
    },
    invites: {
      ttlSeconds: e.INVITE_TTL_SECONDS,
      maxPendingPerUser: e.INVITE_MAX_PENDING_PER_USER,
      defaultEndpointTtlSeconds: e.ENDPOINT_TTL_SECONDS,
      /** Invite streams: a heartbeat at least this often, and an end after about this long. */
      stream: { heartbeatSeconds: e.STREAM_HEARTBEAT_SECONDS, maxSeconds: e.STREAM_MAX_SECONDS },
      /** Live endpoints one user may have; registering another is refused (409). */
      maxEndpointsPerUser: e.MAX_ENDPOINTS_PER_USER,
      idempotencyWindowSeconds: e.IDEMPOTENCY_WINDOW_SECONDS,
      /** The SQLite file, or `:memory:`. */
      storePath: e.DATA_DIR === ':memory:' ? ':memory:' : resolve(e.DATA_DIR, 'invites.sqlite'),
    },
    /** Where shared state lives when several replicas run; undefined: the embedded SQLite store. */
    redis: redisTarget(e),
  };
});

export type Config = z.output<typeof configSchema>;
export type TokenKeySource = Config['auth']['keys'];
export type RedisTarget = NonNullable<Config['redis']>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return deepFreeze(parsed.data);
}

type Environment = z.output<typeof environmentSchema>;

function tokenKeySource(e: Environment) {
  if (e.AUTH_PUBLIC_KEY_FILE) {
    return {
      kind: 'public-key-file' as const,
      path: e.AUTH_PUBLIC_KEY_FILE,
      algorithm: e.AUTH_PUBLIC_KEY_ALGORITHM,
    };
  }
  if (e.AUTH_JWKS_FILE) return { kind: 'jwks-file' as const, path: e.AUTH_JWKS_FILE };
  return {
    kind: 'hs256-secret' as const,
    secret: e.AUTH_HS256_SECRET ?? DEVELOPMENT_SECRET,
    isDevelopmentSecret: e.AUTH_HS256_SECRET === undefined,
  };
}

function redisTarget(e: Environment) {
  const commandTimeoutMs = e.REDIS_COMMAND_TIMEOUT_MS;
  if (e.REDIS_URL) return { kind: 'standalone' as const, url: e.REDIS_URL, commandTimeoutMs };
  if (!e.REDIS_CLUSTER_NODES) return undefined;
  const nodes = e.REDIS_CLUSTER_NODES.split(',').map((node) => {
    const at = node.lastIndexOf(':');
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
  return {
    kind: 'cluster' as const,
    nodes,
    ...(e.REDIS_USERNAME && { username: e.REDIS_USERNAME }),
    ...(e.REDIS_PASSWORD && { password: e.REDIS_PASSWORD }),
    commandTimeoutMs,
  };
}

/** `*` alone, or a comma-separated list of exact origins (`scheme://host[:port]`, no path). */
function parseCorsOrigins(value: string): { origins: string[] | '*' } | { error: string } {
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.includes('*')) {
    return entries.length === 1 ? { origins: '*' } : { error: '`*` cannot be combined with other origins' };
  }
  const origins: string[] = [];
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    // The browser sends the origin serialized exactly so: a path, a trailing slash or a different
    // case would never match.
    // Exact origins only: a `*` inside one would read as a pattern, which this is not.
    if (origin === undefined || origin === 'null' || origin !== entry || entry.includes('*')) {
      return {
        error: `${JSON.stringify(entry.slice(0, 200))} is not an origin such as https://app.example.com (scheme, host and port only)`,
      };
    }
    origins.push(origin);
  }
  return { origins };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
