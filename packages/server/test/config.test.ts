import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_SECRET, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('starts with embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      environment: 'development',
      http: { port: 3000, host: '127.0.0.1', bodyLimitBytes: 16_384 },
      validateResponses: true,
      auth: { keys: { kind: 'hs256-secret', secret: DEVELOPMENT_SECRET, isDevelopmentSecret: true } },
      throttle: {
        burst: { limit: 7, windowSeconds: 15 },
        sustain: { limit: 50, windowSeconds: 300 },
        concurrencyPerCaller: 64,
      },
    });
  });

  it('leaves the token cache to the capacity plan unless TOKEN_CACHE_MAX_ENTRIES is set', () => {
    expect(loadConfig({}).auth.cacheMaxEntries).toBeUndefined();
    expect(loadConfig({ TOKEN_CACHE_MAX_ENTRIES: '0' }).auth.cacheMaxEntries).toBe(0);
    expect(loadConfig({ TOKEN_CACHE_MAX_ENTRIES: '50000' }).auth.cacheMaxEntries).toBe(50_000);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.throttle.burst)).toBe(true);
  });

  it('reads and coerces variables', () => {
    const config = loadConfig({ PORT: '8080', THROTTLE_BURST_LIMIT: '3', VALIDATE_RESPONSES: 'false' });
    expect(config.http.port).toBe(8080);
    expect(config.throttle.burst.limit).toBe(3);
    expect(config.validateResponses).toBe(false);
  });

  it('refuses to start in production without a token key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/production needs a token key/);
  });

  it('refuses the development secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_HS256_SECRET: DEVELOPMENT_SECRET })).toThrow(
      /development secret is refused/,
    );
  });

  it('in production with a key, listens on all interfaces and turns response validation off', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_HS256_SECRET: 'x'.repeat(32) });
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.validateResponses).toBe(false);
  });

  it('names every invalid variable in one error', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', AUTH_HS256_SECRET: 'short', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/AUTH_HS256_SECRET must be at least 32 characters/);
    expect(attempt).toThrow(/LOG_LEVEL/);
  });

  it('refuses two key sources at once', () => {
    expect(() => loadConfig({ AUTH_HS256_SECRET: 'x'.repeat(32), AUTH_JWKS_FILE: '/keys.json' })).toThrow(
      /set only one of/,
    );
  });
});

describe('every port-like variable, at the edges of 0..65535', () => {
  // Each variable with the environment it needs beside it, and where the port is read back.
  const ports: [string, (port: string) => Record<string, string>, (port: string) => unknown][] = [
    ['PORT', (port) => ({ PORT: port }), (port) => loadConfig({ PORT: port }).http.port],
    [
      'METRICS_PORT',
      (port) => ({ METRICS_PORT: port }),
      (port) => loadConfig({ METRICS_PORT: port }).metrics.port,
    ],
    [
      'REDIS_CLUSTER_NODES',
      (port) => ({ REDIS_CLUSTER_NODES: `10.0.0.1:6379,10.0.0.2:${port}` }),
      (port) => {
        const { redis } = loadConfig({ REDIS_CLUSTER_NODES: `10.0.0.1:6379,10.0.0.2:${port}` });
        return redis?.kind === 'cluster' ? redis.nodes[1]?.port : undefined;
      },
    ],
    [
      'REDIS_URL',
      (port) => ({ REDIS_URL: `redis://redis.internal:${port}` }),
      (port) => {
        const { redis } = loadConfig({ REDIS_URL: `redis://redis.internal:${port}` });
        return redis?.kind === 'standalone' ? new URL(redis.url).port : undefined;
      },
    ],
  ];

  it.each(ports)('%s accepts 65535', (_name, _env, read) => {
    expect(String(read('65535'))).toBe('65535');
  });

  it.each(ports)('%s refuses 65536 and 99999, naming the variable', (name, env) => {
    for (const port of ['65536', '99999']) {
      expect(() => loadConfig(env(port))).toThrow(ConfigError);
      expect(() => loadConfig(env(port))).toThrow(name);
    }
  });

  it.each(['PORT', 'METRICS_PORT'])('%s accepts 0 (any free port) and refuses -1', (name) => {
    expect(() => loadConfig({ [name]: '0' })).not.toThrow();
    expect(() => loadConfig({ [name]: '-1' })).toThrow(name);
  });
});

describe('loadConfig, shared state on Redis', () => {
  it('keeps the embedded SQLite store when neither REDIS_URL nor REDIS_CLUSTER_NODES is set', () => {
    expect(loadConfig({}).redis).toBeUndefined();
  });

  it('reads REDIS_URL (credentials in the URL) with the default command timeout', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://app:secret@redis.internal:6380/2' }).redis).toEqual({
      kind: 'standalone',
      url: 'rediss://app:secret@redis.internal:6380/2',
      commandTimeoutMs: 1000,
    });
  });

  it('reads REDIS_CLUSTER_NODES with REDIS_USERNAME, REDIS_PASSWORD and REDIS_COMMAND_TIMEOUT_MS', () => {
    const config = loadConfig({
      REDIS_CLUSTER_NODES: '10.0.0.1:6379,redis-2.internal:7000',
      REDIS_USERNAME: 'app',
      REDIS_PASSWORD: 'secret',
      REDIS_COMMAND_TIMEOUT_MS: '250',
    });
    expect(config.redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 6379 },
        { host: 'redis-2.internal', port: 7000 },
      ],
      username: 'app',
      password: 'secret',
      commandTimeoutMs: 250,
    });
  });

  it.each([
    [
      'both REDIS_URL and REDIS_CLUSTER_NODES',
      { REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:6379' },
      /REDIS_CLUSTER_NODES: set only one of REDIS_URL/,
    ],
    [
      'a REDIS_URL of another scheme',
      { REDIS_URL: 'http://redis:6379' },
      /REDIS_URL: REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/,
    ],
    ['a REDIS_URL that is no URL', { REDIS_URL: 'redis' }, /REDIS_URL: /],
    [
      'a seed node without a port',
      { REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2' },
      /REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES must be comma-separated host:port/,
    ],
    [
      'a seed node port above 65535',
      { REDIS_CLUSTER_NODES: '10.0.0.1:70000' },
      /REDIS_CLUSTER_NODES: a port is above 65535/,
    ],
    [
      'REDIS_PASSWORD without a Cluster',
      { REDIS_URL: 'redis://a:6379', REDIS_PASSWORD: 'x' },
      /REDIS_PASSWORD: REDIS_PASSWORD applies to REDIS_CLUSTER_NODES only/,
    ],
    [
      'a command timeout below 50 ms',
      { REDIS_URL: 'redis://a:6379', REDIS_COMMAND_TIMEOUT_MS: '10' },
      /REDIS_COMMAND_TIMEOUT_MS/,
    ],
  ])('refuses to start with %s, naming the variable', (_case, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('loadConfig, capacity', () => {
  it('leaves connections and waiting devices to the plan at start-up, and caps pipelining and endpoints by default', () => {
    const config = loadConfig({});
    expect(config.capacity).toEqual({ connections: undefined, waitingDevices: undefined });
    expect(config.http.maxPipelinedRequests).toBe(16);
    expect(config.http.maxBodyBytesInFlight).toBe(16 * 1024 * 1024);
    expect(config.invites.maxEndpointsPerUser).toBe(32);
    expect(config.invites.stream).toEqual({ heartbeatSeconds: 25, maxSeconds: 3600 });
  });

  it('reads every capacity variable', () => {
    const config = loadConfig({
      MAX_CONNECTIONS: '5000',
      MAX_WAITING_DEVICES: '4000',
      MAX_PIPELINED_REQUESTS: '4',
      MAX_ENDPOINTS_PER_USER: '8',
    });
    expect(config.capacity).toEqual({ connections: 5000, waitingDevices: 4000 });
    expect(config.http.maxPipelinedRequests).toBe(4);
    expect(config.invites.maxEndpointsPerUser).toBe(8);
  });

  it.each([
    ['MAX_CONNECTIONS', '15'],
    ['MAX_CONNECTIONS', '1e400'],
    ['MAX_WAITING_DEVICES', '0'],
    ['MAX_WAITING_DEVICES', '2.5'],
    ['MAX_PIPELINED_REQUESTS', '0'],
    ['MAX_PIPELINED_REQUESTS', '1025'],
    ['MAX_BODY_BYTES_IN_FLIGHT', '1023'],
    ['STREAM_HEARTBEAT_SECONDS', '0'],
    ['STREAM_HEARTBEAT_SECONDS', '26'],
    ['STREAM_MAX_SECONDS', '59'],
    ['MAX_ENDPOINTS_PER_USER', '0'],
    ['MAX_ENDPOINTS_PER_USER', '1001'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});
