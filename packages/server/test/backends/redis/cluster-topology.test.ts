// The service on a Redis Cluster of six nodes (three masters, a replica each) whose topology
// changes under load: slots resharded between masters (MOVED, ASK, TRYAGAIN reach the client and
// must be followed, never answered as 503), and a master killed (503s only while no master owns
// its slots, and sends accepted again within a second of its replica taking over).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
} from '../../../src/backends/redis/test-servers.ts';
import { startTestServer, type TestServer } from '../../../src/testing.ts';
import { request } from '../../support/replica.ts';
import { waitFor } from '../../support/wait-for.ts';

const TITLE = 1827805096;
/** REDIS_COMMAND_TIMEOUT_MS (the default): a request's Redis work answers or fails within it, and a little more. */
const COMMAND_TIMEOUT_MS = 1000;
const DEADLINE_MARGIN_MS = 300;
let cluster: RedisCluster;
let service: TestServer;
let game: string;

interface Player {
  xuid: string;
  authorization: string;
  slot: number;
}
const players: Player[] = [];

beforeAll(async () => {
  cluster = await startRedisCluster({ replicasPerMaster: 1, nodeTimeoutMs: 500 });
  service = await startTestServer({
    env: { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) },
    throttle: {
      burst: { limit: 1_000_000, windowSeconds: 15 },
      sustain: { limit: 1_000_000, windowSeconds: 300 },
    },
  });
  game = await service.serviceCredential([TITLE]);
  for (let i = 0; i < 12; i++) {
    const xuid = String(2_814_613_569_670_000 + i);
    const authorization = await service.userCredential(xuid);
    const registered = await request(`${service.url}/users/${xuid}/endpoints/console`, authorization, 'PUT', {
      platform: 'Scarlett',
    });
    expect(registered.status).toBe(201);
    players.push({ xuid, authorization, slot: await cluster.keySlot(`si:{${xuid}}:ep`) });
  }
}, 60_000);

afterAll(async () => {
  await service?.close();
  await cluster?.remove();
});

describe('the service on a Redis Cluster whose topology changes', () => {
  it('answers every send 204 while the slots of half its players move to other masters under load', async () => {
    const moving = players.slice(0, 6);
    const failures: { status: number; body: unknown }[] = [];
    const accepted = new Map<string, string[]>(players.map((p) => [p.xuid, []]));
    let sent = 0;
    let moved = false;
    const minimum = 300;
    async function worker(id: number) {
      while (!moved || sent < minimum) {
        const n = sent++;
        // Two invitees: one whose slot moves, one whose slot may not.
        const invitees = [moving[n % moving.length], players[(n * 7 + id) % players.length]] as Player[];
        const connectionString = `reshard-${n}`;
        const reply = await request(`${service.url}/titles/${TITLE}/invites/server`, game, 'POST', {
          invitedUsers: invitees.map((p) => p.xuid),
          sender: String(2_533_274_792_910_000 + n),
          connectionString,
        });
        if (reply.status === 204) {
          for (const xuid of new Set(invitees.map((p) => p.xuid))) accepted.get(xuid)?.push(connectionString);
        } else failures.push(reply);
      }
    }
    const load = Promise.all(Array.from({ length: 8 }, (_, id) => worker(id)));
    await waitFor(() => sent >= 20);
    const masters = await cluster.masters();
    for (const [index, player] of moving.entries()) {
      const owner = await cluster.masterOf(player.slot);
      const others = masters.filter((master) => master !== owner);
      await cluster.moveSlot(player.slot, others[index % others.length] as RedisServer);
    }
    moved = true;
    await load;
    console.warn(
      `reshard: ${sent} sends while ${moving.length} slots moved, ${failures.length} not accepted`,
    );
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(minimum);
    // Every accepted invite arrived, once, wherever its slot went (up to the 100 a user keeps).
    for (const player of players) {
      const polled = await request(
        `${service.url}/users/${player.xuid}/endpoints/console/invites`,
        player.authorization,
      );
      const delivered = (polled.body as { invites: { connectionString: string }[] }).invites.map(
        (invite) => invite.connectionString,
      );
      const expected = accepted.get(player.xuid) ?? [];
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(expected).toEqual(expect.arrayContaining(delivered));
      expect(delivered).toHaveLength(Math.min(100, expected.length));
    }
  }, 60_000);

  it('answers 503 (within the deadline) only while no master owns a killed master’s slots, and accepts sends within a second of its replica taking over', async () => {
    const [player] = players as [Player];
    const victim = await cluster.masterOf(player.slot);
    const send = (n: number) =>
      request(`${service.url}/titles/${TITLE}/invites/server`, game, 'POST', {
        invitedUsers: [player.xuid],
        sender: String(2_533_274_792_920_000 + n),
      });
    expect((await send(0)).status).toBe(204);
    await victim.stop('SIGKILL');
    const outage: { status: number; body: unknown; retryAfter: string | null; ms: number }[] = [];
    let n = 1;
    let tookOverAt: number | undefined;
    // The replica's promotion, as the Cluster itself reports it, watched alongside the sends.
    const promotion = (async () => {
      await waitFor(async () => (await cluster.masterOf(player.slot).catch(() => victim)) !== victim, 15_000);
      tookOverAt = performance.now();
    })();
    let acceptedAt: number | undefined;
    while (acceptedAt === undefined) {
      const started = performance.now();
      const reply = await send(n++);
      const ms = performance.now() - started;
      if (reply.status === 204) acceptedAt = performance.now();
      else
        outage.push({
          status: reply.status,
          body: reply.body,
          retryAfter: reply.headers.get('retry-after'),
          ms,
        });
    }
    await promotion;
    expect(outage.length).toBeGreaterThan(0);
    for (const reply of outage) {
      expect(reply).toMatchObject({
        status: 503,
        body: { errorCode: 'ServiceUnavailable' },
        retryAfter: '1',
      });
      // However many redirections and retries ioredis tries meanwhile.
      expect(reply.ms).toBeLessThan(COMMAND_TIMEOUT_MS + DEADLINE_MARGIN_MS);
    }
    // Accepted no sooner than the replica was a master (no 204 while no master owned the slot),
    // and within a second of it.
    expect(tookOverAt).toBeDefined();
    const recoveryMs = (acceptedAt as number) - (tookOverAt as number);
    console.warn(
      `failover: ${outage.length} sends answered 503 (after ${outage.map((reply) => Math.round(reply.ms)).join(', ')} ms); a send accepted ${Math.round(recoveryMs)} ms after the replica took over`,
    );
    expect(recoveryMs).toBeLessThan(1000);
  }, 60_000);
});
