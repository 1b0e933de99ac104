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
  it('is unhealthy while Redis is down and healthy again once it returns, without a new connection', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const connection = await connected(server);
    await waitFor(() => connection.healthy());
    await server.stop('SIGKILL');
    await waitFor(() => !connection.healthy());
    await expect(connection.client.get('x')).rejects.toThrow();
    await server.start();
    await waitFor(() => connection.healthy());
    expect(await connection.client.set('x', '1')).toBe('OK');
  });
});

describe('a full Redis (maxmemory reached, noeviction)', () => {
  it('refuses sends and registrations with ServiceUnavailable, writes nothing, and still serves what is queued', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const connection = await connected(server);
    const store = createRedisInviteStore({
      client: connection.client,
      clock: { now: () => Date.now() },
      maxPendingPerUser: 100,
    });
    const xuid = '1000000000000001';
    await store.register({ xuid, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
    const kept = {
      id: '00000000-0000-4000-8000-000000000001',
      titleId: 1,
      sender: '2',
      invitedUser: xuid,
      connectionString: '',
      createdAtMs: Date.now(),
      expiresAtMs: Date.now() + 60_000,
    };
    await store.deliver([kept]);
    await server.cli('config', 'set', 'maxmemory', '1');
    try {
      const refused = { ...kept, id: '00000000-0000-4000-8000-000000000002' };
      await expect(store.deliver([refused])).rejects.toMatchObject({
        code: 'ServiceUnavailable',
        retryAfterSeconds: 1,
      });
      await expect(
        store.register({ xuid, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 }),
      ).rejects.toMatchObject({ code: 'ServiceUnavailable' });
      expect(await store.pending(xuid, 'console')).toEqual([kept]);
      expect(await store.pendingFor(xuid)).toEqual([kept]);
    } finally {
      await server.cli('config', 'set', 'maxmemory', '0');
    }
    expect(await store.pending(xuid, 'phone')).toBeUndefined();
  });
});
