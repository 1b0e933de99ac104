// A replica (the built service, as `pnpm serve` runs it) started while its Redis is down or refuses
// its credentials: it starts, alive but not ready, answers JSON 503s, says why in one log line,
// and becomes ready by itself once Redis answers. A fleet restarted during a Redis outage must
// not crash-loop.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../build.ts';
import {
  freePort,
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../../src/backends/redis/test-servers.ts';
import { call, credential, type Replica, startReplica } from '../support/replica.ts';
import { waitFor } from '../support/wait-for.ts';

const TITLE = 1827805096;
const packageDir = join(import.meta.dirname, '..', '..');
let bundleDir: string;
let game: string;
const replicas: Replica[] = [];
const servers: RedisServer[] = [];
const clusters: RedisCluster[] = [];

beforeAll(async () => {
  bundleDir = mkdtempSync(join(packageDir, '.start-up-test-'));
  [, game] = await Promise.all([buildService(bundleDir), credential({ kind: 'service', titleIds: [TITLE] })]);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.kill()));
  await Promise.all([...servers.map((s) => s.remove()), ...clusters.map((c) => c.remove())]);
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

async function replica(env: Record<string, string>): Promise<Replica> {
  const started = await startReplica(bundleDir, { REDIS_COMMAND_TIMEOUT_MS: '500', ...env });
  replicas.push(started);
  return started;
}

const send = (target: Replica) =>
  call(`${target.url}/titles/${TITLE}/invites/server`, {
    method: 'POST',
    authorization: game,
    body: { invitedUsers: ['2814613569642996'], sender: '2533274792693551' },
  });

/** What a replica whose Redis does not answer shows: alive, not ready, JSON 503s, one log line. */
async function expectStartedUnavailable(target: Replica, cause: RegExp): Promise<void> {
  expect((await call(`${target.url}/healthz`)).status).toBe(200);
  const readiness = await call(`${target.url}/readyz`);
  expect(readiness.status).toBe(503);
  expect(readiness.body).toEqual({ status: 'unavailable' });
  const refused = await send(target);
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ errorCode: 'ServiceUnavailable' });
  expect(refused.headers.get('retry-after')).toBe('1');
  // Log lines reach the output in batches (at most 200 ms later): wait for the line, then count.
  const warning = (line: (typeof target.log)[number]) => line.level === 40 && typeof line.cause === 'string';
  await waitFor(async () => target.log.some(warning), 5_000);
  const said = target.log.filter(warning);
  expect(said).toHaveLength(1);
  expect(said[0]?.cause).toMatch(cause);
  expect(said[0]?.msg).toMatch(/^Redis is unavailable \(.+\); answering 503 and retrying until it answers$/);
  // One line, not a stack: nothing logged carries an error object.
  expect(target.log.filter((line) => 'err' in line)).toEqual([]);
}

async function expectReadyBySelf(target: Replica): Promise<void> {
  await waitFor(async () => (await call(`${target.url}/readyz`)).status === 200, 15_000);
  expect((await send(target)).status).toBe(204);
  expect(target.child.exitCode).toBeNull();
  await waitFor(async () => target.log.some((line) => line.msg === 'Redis answers again'), 5_000);
}

describe('a replica started while Redis does not answer', () => {
  it('starts without Redis (connection refused), answers 503, and becomes ready once Redis starts', async () => {
    const port = await freePort();
    const target = await replica({ REDIS_URL: `redis://127.0.0.1:${port}` });
    await expectStartedUnavailable(target, /ECONNREFUSED/);
    servers.push(await startRedisServer({ port }));
    await expectReadyBySelf(target);
  }, 30_000);

  it('starts with a password Redis refuses (WRONGPASS), answers 503, and becomes ready once Redis accepts it', async () => {
    const server = await startRedisServer({ password: 'the-right-one' });
    servers.push(server);
    const target = await replica({ REDIS_URL: `redis://:a-wrong-one@127.0.0.1:${server.port}` });
    await expectStartedUnavailable(target, /WRONGPASS/);
    // The operator fixes Redis's side; the replica retries with what it was given.
    await server.cli('config', 'set', 'requirepass', 'a-wrong-one');
    await expectReadyBySelf(target);
  }, 30_000);

  it('starts while every node of its Cluster refuses its password, answers 503, and becomes ready once they accept it', async () => {
    const cluster = await startRedisCluster({ password: 'the-right-one' });
    clusters.push(cluster);
    const target = await replica({ REDIS_CLUSTER_NODES: cluster.seeds, REDIS_PASSWORD: 'a-wrong-one' });
    await expectStartedUnavailable(target, /no node of the Cluster gave its slots: WRONGPASS/);
    // masterauth stays right: the nodes keep talking to each other.
    for (const node of cluster.nodes) await node.cli('config', 'set', 'requirepass', 'a-wrong-one');
    await expectReadyBySelf(target);
  }, 30_000);

  it('starts while its Cluster is down, answers 503, and becomes ready once the Cluster is back', async () => {
    const cluster = await startRedisCluster();
    clusters.push(cluster);
    await Promise.all(cluster.nodes.map((node) => node.stop()));
    const target = await replica({ REDIS_CLUSTER_NODES: cluster.seeds });
    await expectStartedUnavailable(target, /no node of the Cluster gave its slots/);
    await Promise.all(cluster.nodes.map((node) => node.start()));
    await cluster.waitUntilOk();
    await expectReadyBySelf(target);
  }, 30_000);
});
