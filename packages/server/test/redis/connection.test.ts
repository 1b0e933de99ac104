// The Redis connection's start-up check and health, against real servers.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEvictionPolicy, connectRedis, type RedisConnection } from '../../src/redis/connection.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';

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
  expect(await connection.connected(5000)).toBe(true);
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

/** Waits for a real connection event, asking every 25 ms, for at most 10 s. */
async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the connection did not change state within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
