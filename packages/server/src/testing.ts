// Starts the real service on a free loopback port, for tests here and in other packages.
import type { Clock } from './clock.ts';
import { buildDependencies, type Dependencies, type Overrides } from './composition.ts';
import { loadConfig } from './config.ts';
import { mintCredential, type TokenSubject } from './credentials/mint.ts';
import type { InviteStore } from './invites/delivery.ts';
import { type RunningServer, startServer } from './server.ts';

export interface TestServerOptions {
  throttle?: {
    burst?: { limit: number; windowSeconds: number };
    sustain?: { limit: number; windowSeconds: number };
    concurrencyPerCaller?: number;
  };
  /** Further environment variables, as the service reads them. */
  env?: Record<string, string>;
  overrides?: Overrides;
}

export interface TestServer {
  url: string;
  running: RunningServer;
  deps: Dependencies;
  /** The invite store (SQLite in memory unless overridden or Redis is configured), to assert what was delivered. */
  invites: InviteStore;
  clock: Clock;
  /** A complete Authorization header value for a game server acting for these titles. */
  serviceCredential(titleIds: number[], ttlSeconds?: number): Promise<string>;
  /** A complete Authorization header value for a user. */
  userCredential(xuid: string, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { throttle = {} } = options;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: ':memory:',
    ...(throttle.burst && {
      THROTTLE_BURST_LIMIT: String(throttle.burst.limit),
      THROTTLE_BURST_WINDOW_SECONDS: String(throttle.burst.windowSeconds),
    }),
    ...(throttle.sustain && {
      THROTTLE_SUSTAIN_LIMIT: String(throttle.sustain.limit),
      THROTTLE_SUSTAIN_WINDOW_SECONDS: String(throttle.sustain.windowSeconds),
    }),
    ...(throttle.concurrencyPerCaller && {
      CONCURRENCY_LIMIT_PER_CALLER: String(throttle.concurrencyPerCaller),
    }),
    ...options.env,
  });
  const clock = options.overrides?.clock ?? { now: () => Date.now() };
  // Without REDIS_URL or REDIS_CLUSTER_NODES in `env`, the backend is SQLite in memory (DATA_DIR).
  const deps = await buildDependencies(config, { ...options.overrides, clock });
  // The store itself (not the metrics decorator around it), so that what a test does to it
  // directly is not counted as traffic.
  const invites = deps.backend.store;
  const running = await startServer(config, deps);
  const { keys } = config.auth;
  const mint = (subject: TokenSubject, ttlSeconds = 3600) => {
    if (keys.kind !== 'hs256-secret') throw new Error('test credentials need an HS256 secret');
    return mintCredential({
      secret: keys.secret,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      subject,
      ttlSeconds,
      nowMs: clock.now(),
    });
  };
  return {
    url: running.url,
    running,
    deps,
    invites,
    clock,
    serviceCredential: (titleIds, ttl) => mint({ kind: 'service', titleIds }, ttl),
    userCredential: (xuid, ttl) => mint({ kind: 'user', xuid }, ttl),
    async close() {
      await running.shutdown();
      invites.close();
    },
  };
}
