// Three processes of the built service on one Redis (and on a Redis Cluster) are one service:
// shown through HTTP only, as a load balancer spreading requests over them would.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../build.ts';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '../../src/backends/redis/test-servers.ts';
import { sample, scrape } from '../support/prometheus.ts';
import { call, credential, type Replica, startReplica } from '../support/replica.ts';
import { waitFor } from '../support/wait-for.ts';

const TITLE = 1827805096;
const COMMAND_TIMEOUT_MS = 500;
/**
 * A request's Redis work, all its calls together, answers or fails within the command timeout
 * and this much more (the answer's own way back, a busy event loop).
 */
const DEADLINE_MARGIN_MS = 300;
const packageDir = join(import.meta.dirname, '..', '..');
let bundleDir: string;
let redis: RedisServer;
let cluster: RedisCluster;
let game: string;
const started: Replica[] = [];

beforeAll(async () => {
  // The bundle is found next to the package (it reads the contract relative to itself).
  bundleDir = mkdtempSync(join(packageDir, '.replicas-test-'));
  [, redis, cluster, game] = await Promise.all([
    buildService(bundleDir),
    // AOF with fsync on every write: the restart test loses nothing it was told was stored.
    startRedisServer({ appendfsync: 'always' }),
    startRedisCluster(),
    credential({ kind: 'service', titleIds: [TITLE] }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((replica) => replica.kill()));
  await Promise.all([redis?.remove(), cluster?.remove()]);
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

async function replicas(count: number, env: Record<string, string>): Promise<Replica[]> {
  const fleet = await Promise.all(
    Array.from({ length: count }, () =>
      startReplica(bundleDir, { REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS), ...env }),
    ),
  );
  started.push(...fleet);
  return fleet;
}

let xuids = 2_814_613_569_640_000;
/** A user of its own for each test, with a credential for its devices. */
async function player() {
  xuids += 1;
  const xuid = String(xuids);
  return { xuid, authorization: await credential({ kind: 'user', xuid }) };
}

const send = (replica: Replica, body: Record<string, unknown>) =>
  call(`${replica.url}/titles/${TITLE}/invites/server`, { method: 'POST', authorization: game, body });
const endpoint = (replica: Replica, xuid: string, endpointId: string) =>
  `${replica.url}/users/${xuid}/endpoints/${endpointId}`;
const register = (
  replica: Replica,
  xuid: string,
  endpointId: string,
  authorization: string,
  platform: string,
) => call(endpoint(replica, xuid, endpointId), { method: 'PUT', authorization, body: { platform } });

describe.each([
  ['one Redis server', () => ({ REDIS_URL: redis.url })],
  ['a Redis Cluster', () => ({ REDIS_CLUSTER_NODES: cluster.seeds })],
])('three replicas on %s', (_name, env) => {
  let fleet: Replica[];
  beforeAll(async () => {
    fleet = await replicas(3, env());
  }, 60_000);
  const at = (i: number) => fleet[i % fleet.length] as Replica;

  it('throttles the 8th send of a burst spread over the three with 429 and the real Retry-After', async () => {
    const sender = String(2_533_274_792_690_000 + Math.floor(Math.random() * 1000));
    const { xuid } = await player();
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await send(at(i), { invitedUsers: [xuid], sender })).status);
    expect(statuses).toEqual([204, 204, 204, 204, 204, 204, 204]);
    const eighth = await send(at(7), { invitedUsers: [xuid], sender });
    expect(eighth.status).toBe(429);
    expect(eighth.body).toMatchObject({
      limitType: 'Rate',
      maxRequests: 7,
      currentRequests: 8,
      periodInSeconds: 15,
    });
    const retryAfter = Number(eighth.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15);
    expect(eighth.headers.get('ratelimit')).toMatch(/^"burst";r=0;t=\d+/);
  });

  it('wakes a long poll held by one replica within a second of a send through another', async () => {
    const { xuid, authorization } = await player();
    expect((await register(at(0), xuid, 'phone', authorization, 'Android')).status).toBe(201);
    const polling = call(`${endpoint(at(1), xuid, 'phone')}/invites?waitSeconds=20`, { authorization });
    // The poll is waiting once its replica counts it (a real state, bounded).
    await waitFor(async () => sample(await scrape(at(1).url), 'long_polls_waiting') > 0, 5000);
    const sentAt = performance.now();
    expect(
      (await send(at(2), { invitedUsers: [xuid], sender: '2533274792693551', connectionString: 'woken' }))
        .status,
    ).toBe(204);
    const poll = await polling;
    const wokenAfterMs = performance.now() - sentAt;
    expect(poll.status).toBe(200);
    expect(poll.body).toMatchObject({ invites: [{ invitedUser: xuid, connectionString: 'woken' }] });
    expect(wokenAfterMs).toBeLessThan(1000);
  });

  it('delivers a send through one replica to a stream held by another within a second', async () => {
    const { xuid, authorization } = await player();
    expect((await register(at(0), xuid, 'tv', authorization, 'Win32')).status).toBe(201);
    const controller = new AbortController();
    const stream = await fetch(`${endpoint(at(1), xuid, 'tv')}/invites/stream`, {
      headers: { authorization },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
    if (!reader) throw new Error('the stream has no body');
    let received = '';
    const invited = (async () => {
      while (!received.includes('event: invite')) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before the invite: ${received}`);
        received += value;
      }
      return performance.now();
    })();
    await waitFor(async () => sample(await scrape(at(1).url), 'invite_streams_open') > 0, 5000);
    const sentAt = performance.now();
    const sent = await send(at(2), {
      invitedUsers: [xuid],
      sender: '2533274792693551',
      connectionString: 'streamed',
    });
    expect(sent.status).toBe(204);
    expect((await invited) - sentAt).toBeLessThan(1000);
    expect(received).toContain('"connectionString":"streamed"');
    controller.abort();
  });

  it('holds an acknowledgement and an unregistration made through one replica on the others', async () => {
    const { xuid, authorization } = await player();
    expect((await register(at(0), xuid, 'console', authorization, 'Scarlett')).status).toBe(201);
    expect((await register(at(1), xuid, 'console', authorization, 'Scarlett')).status).toBe(200);
    expect((await send(at(1), { invitedUsers: [xuid], sender: '2533274792693552' })).status).toBe(204);
    const received = await call(`${endpoint(at(2), xuid, 'console')}/invites`, { authorization });
    const [invite] = (received.body as { invites: { id: string }[] }).invites;
    expect(invite).toBeDefined();
    const id = invite?.id as string;
    expect(
      (await call(`${endpoint(at(0), xuid, 'console')}/invites/${id}`, { method: 'DELETE', authorization }))
        .status,
    ).toBe(204);
    expect((await call(`${endpoint(at(1), xuid, 'console')}/invites`, { authorization })).body).toEqual({
      invites: [],
    });
    expect(
      (await call(`${endpoint(at(2), xuid, 'console')}/invites/${id}`, { method: 'DELETE', authorization }))
        .status,
    ).toBe(404);

    expect((await call(endpoint(at(1), xuid, 'console'), { method: 'DELETE', authorization })).status).toBe(
      204,
    );
    expect((await call(`${endpoint(at(2), xuid, 'console')}/invites`, { authorization })).status).toBe(404);
    expect((await register(at(0), xuid, 'console', authorization, 'Scarlett')).status).toBe(201);
  });

  it('answers a send retried with the same Idempotency-Key through another replica as the first, and delivers it once', async () => {
    const { xuid, authorization } = await player();
    expect((await register(at(0), xuid, 'console', authorization, 'Scarlett')).status).toBe(201);
    const body = { invitedUsers: [xuid], sender: '2533274792693559', connectionString: 'keyed' };
    const key = `"replicas-${xuid}"`;
    const keyed = (replica: Replica, sent: Record<string, unknown>) =>
      call(`${replica.url}/titles/${TITLE}/invites/server`, {
        method: 'POST',
        authorization: game,
        body: sent,
        headers: { 'idempotency-key': key },
      });
    expect((await keyed(at(0), body)).status).toBe(204);
    expect((await keyed(at(1), body)).status).toBe(204);
    expect((await keyed(at(2), body)).status).toBe(204);
    const reused = await keyed(at(1), { ...body, connectionString: 'another' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ errorCode: 'IdempotencyKeyReused' });
    const received = await call(`${endpoint(at(2), xuid, 'console')}/invites`, { authorization });
    expect((received.body as { invites: { connectionString: string }[] }).invites).toEqual([
      expect.objectContaining({ connectionString: 'keyed' }),
    ]);
  });

  it('loses no accepted invite and delivers none twice when a replica is killed (SIGKILL) under load', async () => {
    const [victim] = await replicas(1, env());
    const targets = [fleet[0], fleet[1], victim] as Replica[];
    const players = await Promise.all([player(), player(), player()]);
    for (const { xuid, authorization } of players) {
      expect((await register(targets[0] as Replica, xuid, 'console', authorization, 'XboxOne')).status).toBe(
        201,
      );
    }
    const invitedUsers = players.map((p) => p.xuid);
    const accepted: string[] = [];
    let answered = 0;
    const sends = Array.from({ length: 60 }, (_, i) => i);
    // Ten at a time, round robin over the three replicas; the victim dies after 15 answers.
    async function worker() {
      for (let i = sends.shift(); i !== undefined; i = sends.shift()) {
        const reply = await send(targets[i % 3] as Replica, {
          invitedUsers,
          sender: String(2_533_274_792_700_000 + i),
          connectionString: `load-${i}`,
        }).catch(() => undefined);
        if (reply?.status === 204) accepted.push(`load-${i}`);
        answered += 1;
        if (answered === 15) void victim?.kill('SIGKILL');
      }
    }
    await Promise.all(Array.from({ length: 10 }, worker));
    expect(victim?.child.signalCode).toBe('SIGKILL');
    expect(accepted.length).toBeGreaterThanOrEqual(40);
    for (const { xuid, authorization } of players) {
      const reply = await call(`${endpoint(targets[1] as Replica, xuid, 'console')}/invites`, {
        authorization,
      });
      const invites = (reply.body as { invites: { id: string; connectionString: string }[] }).invites;
      const ids = invites.map((i) => i.id);
      const delivered = invites.map((i) => i.connectionString);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered).toEqual(expect.arrayContaining(accepted));
    }
  });
});

describe('replicas on one Redis server, when things fail', () => {
  let fleet: Replica[];
  beforeAll(async () => {
    fleet = await replicas(2, { REDIS_URL: redis.url });
  }, 60_000);

  it('answers JSON 503 with Retry-After within the command timeout while Redis hangs (SIGSTOP), and recovers when it resumes', async () => {
    const [one, two] = fleet as [Replica, Replica];
    const { xuid, authorization } = await player();
    expect((await register(one, xuid, 'console', authorization, 'Scarlett')).status).toBe(201);
    const invited = await send(one, { invitedUsers: [xuid], sender: '2533274792693558' });
    const [pending] = (
      (await call(`${endpoint(two, xuid, 'console')}/invites`, { authorization })).body as {
        invites: { id: string }[];
      }
    ).invites;
    expect(invited.status).toBe(204);
    // The connections stay open: only the deadline ends the wait.
    redis.signal('SIGSTOP');
    try {
      const replies = await Promise.all([
        send(one, { invitedUsers: [xuid], sender: '2533274792693556' }),
        call(`${endpoint(two, xuid, 'console')}/invites?waitSeconds=5`, { authorization }),
        register(two, xuid, 'console', authorization, 'Scarlett'),
        call(`${endpoint(one, xuid, 'console')}/invites/${pending?.id}`, { method: 'DELETE', authorization }),
        call(endpoint(two, xuid, 'phone'), { method: 'DELETE', authorization }),
      ]);
      for (const reply of replies) {
        expect(reply.status).toBe(503);
        expect(reply.body).toMatchObject({ errorCode: 'ServiceUnavailable' });
        expect(reply.headers.get('retry-after')).toBe('1');
        expect(reply.ms).toBeLessThan(COMMAND_TIMEOUT_MS + DEADLINE_MARGIN_MS);
      }
      console.warn(
        `SIGSTOP: 503 after ${replies.map((reply) => Math.round(reply.ms)).join(', ')} ms (command timeout ${COMMAND_TIMEOUT_MS} ms)`,
      );
      await waitFor(async () => (await call(`${one.url}/readyz`)).status === 503, 5000);
      expect((await call(`${one.url}/healthz`)).status).toBe(200);
    } finally {
      redis.signal('SIGCONT');
    }
    for (const replica of [one, two]) {
      await waitFor(async () => (await call(`${replica.url}/readyz`)).status === 200, 10_000);
    }
    expect((await send(two, { invitedUsers: [xuid], sender: '2533274792693557' })).status).toBe(204);
  });

  it('answers JSON 503 with Retry-After within the command timeout while Redis is down, and recovers with every accepted invite when it returns (AOF)', async () => {
    const [one, two] = fleet as [Replica, Replica];
    const { xuid, authorization } = await player();
    expect((await register(one, xuid, 'console', authorization, 'Scarlett')).status).toBe(201);
    expect(
      (await send(one, { invitedUsers: [xuid], sender: '2533274792693553', connectionString: 'before' }))
        .status,
    ).toBe(204);

    // Killed, not shut down: only what the AOF holds survives.
    await redis.stop('SIGKILL');
    for (const replica of [one, two]) {
      const sent = await send(replica, { invitedUsers: [xuid], sender: '2533274792693554' });
      const polled = await call(`${endpoint(replica, xuid, 'console')}/invites?waitSeconds=5`, {
        authorization,
      });
      for (const reply of [sent, polled]) {
        expect(reply.status).toBe(503);
        expect(reply.body).toMatchObject({ errorCode: 'ServiceUnavailable' });
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(reply.ms).toBeLessThan(COMMAND_TIMEOUT_MS + DEADLINE_MARGIN_MS);
      }
      await waitFor(async () => (await call(`${replica.url}/readyz`)).status === 503, 5000);
      expect((await call(`${replica.url}/readyz`)).body).toEqual({ status: 'unavailable' });
      expect((await call(`${replica.url}/healthz`)).status).toBe(200);
    }

    await redis.start();
    for (const replica of [one, two]) {
      await waitFor(async () => (await call(`${replica.url}/readyz`)).status === 200, 10_000);
    }
    const after = await call(`${endpoint(two, xuid, 'console')}/invites`, { authorization });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ invites: [{ connectionString: 'before' }] });
    expect((await send(two, { invitedUsers: [xuid], sender: '2533274792693555' })).status).toBe(204);
  });
});
