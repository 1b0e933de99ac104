// The two implementations the suite holds to the contract.
// - server: the real service, started from its package on port 0, three times: once with its
//   limits raised (so that the many valid cases are not throttled), once with tight limits for the
//   throttling cases, and once degraded (metrics off, on a Redis stopped after start-up, whatever
//   the target's store) for the responses of an outage. Its traffic also goes through
//   `prism proxy --errors` (see run.ts). It runs on its embedded SQLite store, and once more on
//   Redis (a real redis-server per instance, so that the instances' rate windows stay apart).
// - mock: `prism mock` on the spec, serving its examples.
import { type PrismInstance, startMock, startValidatingProxy } from '@server-invites/mock';
import type { Overrides } from '@server-invites/server';
import { startTestServer, type TestServer } from '@server-invites/server/testing';
import { type RedisServer, startRedisServer } from '@server-invites/server/testing/redis';
import { type Credential, HELD_CONNECTION_STRING, type TargetName } from './case.ts';

export interface Limits {
  burst: { limit: number; windowSeconds: number };
  sustain: { limit: number; windowSeconds: number };
  concurrencyPerCaller: number;
  /** MAX_WAITING_DEVICES; undefined: as the instance plans it. */
  waitingDevices?: number;
  /** MAX_ENDPOINTS_PER_USER; undefined: the default. */
  endpointsPerUser?: number;
}

/** The limits of the throttling instances (the cases' expectations are computed from them). */
export const tightLimits: Limits = {
  burst: { limit: 2, windowSeconds: 15 },
  sustain: { limit: 4, windowSeconds: 300 },
  concurrencyPerCaller: 1,
  waitingDevices: 1,
  endpointsPerUser: 2,
};

/** Limits no case reaches, for the instance that runs every case but the throttling ones. */
export const raisedLimits: Limits = {
  burst: { limit: 100_000, windowSeconds: 15 },
  sustain: { limit: 1_000_000, windowSeconds: 300 },
  concurrencyPerCaller: 64,
};

export interface TargetInstance {
  /** The implementation itself. */
  url: string;
  /**
   * `prism proxy --errors` in front of it: requests the contract allows go through it, and any
   * response that breaks the contract comes back as Prism's 500 with `sl-violations`.
   */
  strictProxyUrl?: string;
  /**
   * `prism proxy` without `--errors`: with `--errors`, Prism answers a request that breaks the
   * contract itself instead of forwarding it, so such requests go through this one, which forwards
   * everything and reports response violations in `sl-violations` (the suite fails on them).
   */
  reportProxyUrl?: string;
  limits: Limits;
  /**
   * Prism cannot be degraded (it has no store to lose, no metrics to turn off): asked for the
   * status the case expects (`Prefer: code=<status>`), it answers its documented response for it.
   */
  asksForStatus?: true;
  /** A complete Authorization header value. */
  credential(credential: Credential): Promise<string>;
  /**
   * How many devices wait in the instance now (a server's own count): setup steps left in flight
   * are counted before the case's request is sent. Undefined where the target keeps no state.
   */
  waitingDevices?(): number;
  /**
   * How many sends it holds in flight on purpose now (those whose connection string is
   * HELD_CONNECTION_STRING); absent for a target that holds none (the mock answers at once).
   */
  heldRequests?(): number;
}

export interface Target {
  name: TargetName;
  /** Printed in the report: what runs and how its traffic is checked. */
  description: string;
  general: TargetInstance;
  throttling: TargetInstance;
  /** Metrics turned off, the shared store (Redis) stopped after start-up (see ConformanceCase). */
  degraded: TargetInstance;
  /** Whether the statuses of setup requests hold (false: Prism keeps no state). */
  keepsState: boolean;
  close(): Promise<void>;
}

/** Puts the two validating proxies (see TargetInstance) in front of an implementation. */
export async function withValidatingProxies(
  url: string,
  limits: Limits,
  credential: TargetInstance['credential'],
): Promise<{ instance: TargetInstance; proxies: PrismInstance[] }> {
  const results = await Promise.allSettled([
    startValidatingProxy({ upstream: url, errors: true }),
    startValidatingProxy({ upstream: url, errors: false }),
  ]);
  const proxies = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.allSettled(proxies.map((proxy) => proxy.close()));
    throw failed.reason;
  }
  const [strict, report] = proxies as [PrismInstance, PrismInstance];
  return {
    instance: { url, strictProxyUrl: strict.url, reportProxyUrl: report.url, limits, credential },
    proxies,
  };
}

/** `store`: the service's embedded SQLite store (the default), or Redis. */
export async function startServerTarget(store: 'sqlite' | 'redis' = 'sqlite'): Promise<Target> {
  const servers: TestServer[] = [];
  const proxies: PrismInstance[] = [];
  const redisServers: RedisServer[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const closeAll = async () => {
    release();
    await Promise.allSettled(proxies.map((proxy) => proxy.close()));
    await Promise.allSettled(servers.map((server) => server.close()));
    await Promise.allSettled(redisServers.map((redis) => redis.remove()));
  };
  const start = async (limits: Limits, degraded = false) => {
    let env: Record<string, string> = {};
    let redis: RedisServer | undefined;
    if (store === 'redis' || degraded) {
      redis = await startRedisServer();
      redisServers.push(redis);
      env = { REDIS_URL: redis.url };
    }
    if (degraded) env.METRICS_ENABLED = 'false';
    if (limits.waitingDevices !== undefined) env.MAX_WAITING_DEVICES = String(limits.waitingDevices);
    if (limits.endpointsPerUser !== undefined) env.MAX_ENDPOINTS_PER_USER = String(limits.endpointsPerUser);
    // Sends are delivered by the instance's own store, except one case's, held in flight (so
    // that a retry of it meets it there) until the suite ends.
    let running: TestServer | undefined;
    let held = 0;
    const delivery: NonNullable<Overrides['delivery']> = {
      async deliver(invites, keyed) {
        if (invites.some((invite) => invite.connectionString === HELD_CONNECTION_STRING)) {
          held += 1;
          await released;
        }
        return (running as TestServer).deps.backend.store.deliver(invites, keyed);
      },
    };
    const server = await startTestServer({ throttle: limits, env, overrides: { delivery } });
    running = server;
    servers.push(server);
    // Stopped once the instance runs on it: every request that needs the store meets the outage.
    if (degraded) await redis?.stop();
    const proxied = await withValidatingProxies(server.url, limits, (credential) =>
      serverCredential(server, credential),
    );
    proxies.push(...proxied.proxies);
    return { ...proxied.instance, waitingDevices: () => server.deps.room.size, heldRequests: () => held };
  };
  const started = await Promise.allSettled([
    start(raisedLimits),
    start(tightLimits),
    start(raisedLimits, true),
  ]);
  const [general, throttling, degraded] = started;
  if (general.status === 'rejected' || throttling.status === 'rejected' || degraded.status === 'rejected') {
    await closeAll();
    throw (started.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason;
  }
  return {
    name: 'server',
    description: `server (@server-invites/server on port 0, ${store === 'redis' ? 'on Redis' : 'on its embedded SQLite store'}; traffic validated by prism proxy --errors, or by prism proxy reporting sl-violations for requests the contract forbids; the degraded cases on an instance whose Redis was stopped after start-up, metrics off)`,
    general: general.value,
    throttling: throttling.value,
    degraded: degraded.value,
    keepsState: true,
    close: closeAll,
  };
}

/** The Authorization header value for a credential, minted by the server under test. */
export async function serverCredential(server: TestServer, credential: Credential): Promise<string> {
  switch (credential.kind) {
    case 'service':
      return server.serviceCredential(credential.titleIds);
    case 'user':
      return server.userCredential(credential.xuid);
    case 'expired-service':
      // Issued now, expired an hour before: far beyond any clock tolerance.
      return server.serviceCredential(credential.titleIds, -3600);
    case 'tampered-service':
      return tamper(await server.serviceCredential(credential.titleIds));
    case 'literal':
      return credential.value;
  }
}

/** Changes one character in the middle of the JWT's signature. */
function tamper(header: string): string {
  const signatureStart = header.lastIndexOf('.') + 1;
  const at = signatureStart + 10;
  const replacement = header[at] === 'A' ? 'B' : 'A';
  return header.slice(0, at) + replacement + header.slice(at + 1);
}

export async function startMockTarget(): Promise<Target> {
  const mock = await startMock();
  const instance: TargetInstance = {
    url: mock.url,
    // The mock gets the same request sequences as the server's throttling instance.
    limits: tightLimits,
    credential: async (credential) => mockCredential(credential),
  };
  return {
    name: 'mock',
    description:
      'mock (prism mock on the spec, serving its examples; Prism keeps no state, so setup requests are checked against the contract but their statuses are not; it cannot be degraded, so the degraded cases ask it for their status with Prefer: code=<status>)',
    general: instance,
    throttling: instance,
    degraded: { ...instance, asksForStatus: true },
    keepsState: false,
    close: () => mock.close(),
  };
}

/** Prism checks only that the header is there; these have the right shape all the same. */
export function mockCredential(credential: Credential): string {
  switch (credential.kind) {
    case 'service':
    case 'expired-service':
    case 'tampered-service':
      return `XBL3.0 x=-;mock-${credential.kind}-${credential.titleIds.join('-')}`;
    case 'user':
      return `XBL3.0 x=uhs${credential.xuid};mock-user-${credential.xuid}`;
    case 'literal':
      return credential.value;
  }
}
