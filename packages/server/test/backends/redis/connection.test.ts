// The Redis connection's start-up check and health, against real servers.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkEvictionPolicy,
  connectRedis,
  type RedisConnection,
} from '../../../src/backends/redis/connection.ts';
import { createRedisInviteStore } from '../../../src/backends/redis/redis-invite-store.ts';
import { type RedisServer, startRedisServer } from '../../../src/backends/redis/test-servers.ts';
import { waitFor } from '../../support/wait-for.ts';

const servers: RedisServer[] = [];
const connections: RedisConnection[] = [];
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.close()));
  await Promise.all(servers.map((server) => server.remove()));
});

/** A logger whose lines the test reads. */
function recordingLogger() {
  const lines: { level: number; msg: string; maxmemoryPolicy?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function connected(server: RedisServer, logger = pino({ level: 'silent' })) {
  const connection = connectRedis({ kind: 'standalone', url: server.url, commandTimeoutMs: 500 }, logger);
  connections.push(connection);
  expect(await connection.firstAttempt(5000)).toBe(true);
  return connection;
}

describe('the maxmemory-policy check at start-up', () => {
  it('warns when Redis may evict keys (allkeys-lru), naming the policy', async () => {
    const server = await startRedisServer();
    servers.push(server);
    await server.cli('config', 'set', 'maxmemory-policy', 'allkeys-lru');
    const { logger, lines } = recordingLogger();
    await checkEvictionPolicy(await connected(server), logger);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        maxmemoryPolicy: 'allkeys-lru',
        msg: expect.stringMatching(/noeviction/),
      }),
    ]);
  });

  it('says nothing when the policy is noeviction', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const { logger, lines } = recordingLogger();
    await checkEvictionPolicy(await connected(server), logger);
    expect(lines).toEqual([]);
  });
});

describe('the Redis connection health', () => {
  it('is unavailable while Redis is down and ok again once it returns, without a new connection', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const connection = await connected(server);
    await waitFor(() => connection.state() === 'ok');
    await server.stop('SIGKILL');
    await waitFor(() => connection.state() === 'unavailable');
    await expect(connection.client.get('x')).rejects.toThrow();
    await server.start();
    await waitFor(() => connection.state() === 'ok');
    expect(await connection.client.set('x', '1')).toBe('OK');
  });
});

describe('a full Redis (maxmemory reached, noeviction)', () => {
  it('refuses sends and registrations (503, Retry-After 5), and still serves, acknowledges, unregisters and sweeps', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const connection = await connected(server);
    let now = Date.now();
    const store = createRedisInviteStore({
      client: connection.client,
      clock: { now: () => now },
      maxPendingPerUser: 100,
    });
    const xuid = '1000000000000001';
    for (const endpointId of ['console', 'phone', 'tablet'])
      await store.register({ xuid, endpointId, platform: 'Scarlett', ttlSeconds: 3600 });
    const invite = (n: number) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      titleId: 1,
      sender: '2',
      invitedUser: xuid,
      connectionString: '',
      createdAtMs: now,
      expiresAtMs: now + 60_000,
    });
    const [first, second] = [invite(1), invite(2)];
    await store.deliver([first]);
    await store.deliver([second]);
    await server.cli('config', 'set', 'maxmemory', '1');
    await waitFor(() => connection.state() === 'full');
    await expect(store.deliver([invite(3)])).rejects.toMatchObject({
      code: 'ServiceUnavailable',
      retryAfterSeconds: 5,
      message: expect.stringMatching(/full/),
    });
    await expect(
      store.register({ xuid, endpointId: 'watch', platform: 'Android', ttlSeconds: 60 }),
    ).rejects.toMatchObject({ code: 'ServiceUnavailable' });
    expect(await store.pending(xuid, 'console')).toMatchObject([first, second]);
    expect(await store.pendingFor(xuid)).toEqual([first, second]);
    // What only frees memory still runs.
    expect(await store.acknowledge(xuid, 'console', first.id)).toBe(true);
    expect(await store.pending(xuid, 'console')).toMatchObject([second]);
    await store.unregister(xuid, 'phone');
    expect(await store.pending(xuid, 'phone')).toBeUndefined();
    now += 61_000;
    expect(await store.sweep()).toEqual({ expiredInvites: 2, expiredEndpoints: 0 });
    expect(await store.pendingFor(xuid)).toEqual([]);
    await server.cli('config', 'set', 'maxmemory', '0');
    await waitFor(() => connection.state() === 'ok');
  });
});
