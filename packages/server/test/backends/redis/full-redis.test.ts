// The service on a Redis that fills up (maxmemory, noeviction), through HTTP: sends are refused
// while it is full, readiness and a metric say so, and it drains back by itself, through
// acknowledgements and the expiry sweep, with no operator raising maxmemory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../src/backends/redis/test-servers.ts';
import { startTestServer, type TestServer } from '../../../src/testing.ts';
import { useFakeClock } from '../../support/fake-clock.ts';
import { sample, scrape } from '../../support/prometheus.ts';
import { request } from '../../support/replica.ts';
import { waitFor } from '../../support/wait-for.ts';

const TITLE = 1827805096;
const TTL_SECONDS = 60;
let redis: RedisServer;
let service: TestServer;

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterAll(async () => {
  await service?.close();
  await redis?.remove();
});

async function usedMemory(): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await redis.cli('info', 'memory'))?.[1]);
}

describe('the service on a Redis that fills up', () => {
  it('refuses sends while full (readiness 200 full, store_refusing_writes 1), and drains back by acknowledgements and expiry alone', async () => {
    const clock = useFakeClock(Date.now());
    service = await startTestServer({
      env: { REDIS_URL: redis.url, INVITE_TTL_SECONDS: String(TTL_SECONDS) },
      throttle: {
        burst: { limit: 100_000, windowSeconds: 15 },
        sustain: { limit: 100_000, windowSeconds: 300 },
      },
      overrides: { clock },
    });
    const invitees = Array.from({ length: 16 }, (_, i) => String(2_814_613_569_660_000 + i));
    const devices = new Map<string, string>();
    for (const xuid of invitees) {
      const authorization = await service.userCredential(xuid);
      devices.set(xuid, authorization);
      const registered = await request(
        `${service.url}/users/${xuid}/endpoints/console`,
        authorization,
        'PUT',
        {
          platform: 'Scarlett',
        },
      );
      expect(registered.status).toBe(201);
    }
    const game = await service.serviceCredential([TITLE]);
    const send = (i: number) =>
      request(`${service.url}/titles/${TITLE}/invites/server`, game, 'POST', {
        invitedUsers: invitees,
        sender: String(2_533_274_792_900_000 + i),
        connectionString: `${i}:`.padEnd(512, 'x'),
      });
    // Room for a dozen sends of 16 invites or so beyond what the service holds now.
    await redis.cli('config', 'set', 'maxmemory', String((await usedMemory()) + 1024 * 1024));

    let sends = 0;
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    while (!refused && sends < 1000) {
      const reply = await send(sends);
      sends += 1;
      if (reply.status === 503) refused = reply;
      else expect(reply.status).toBe(204);
    }
    expect(refused?.body).toMatchObject({
      errorCode: 'ServiceUnavailable',
      debugMessage: expect.stringMatching(/full/),
    });
    expect(refused?.headers.get('retry-after')).toBe('5');
    await waitFor(async () => (await readiness()).status === 'full');
    expect((await request(`${service.url}/readyz`)).status).toBe(200);
    expect(sample(await scrape(service.url), 'store_refusing_writes', { store: 'redis' })).toBe(1);
    expect(sample(await scrape(service.url), 'store_reachable', { store: 'redis' })).toBe(1);
    // Devices go on receiving and acknowledging; acknowledging frees their queues' entries.
    for (const [xuid, authorization] of devices) {
      const polled = await request(`${service.url}/users/${xuid}/endpoints/console/invites`, authorization);
      expect(polled.status).toBe(200);
      const invites = (polled.body as { invites: { id: string }[] }).invites;
      expect(invites.length).toBeGreaterThan(0);
      for (const { id } of invites.slice(0, 5)) {
        const acknowledged = await request(
          `${service.url}/users/${xuid}/endpoints/console/invites/${id}`,
          authorization,
          'DELETE',
        );
        expect(acknowledged.status).toBe(204);
      }
    }
    // The invites expire; the sweep (what the service runs every minute) reclaims them.
    clock.advance((TTL_SECONDS + 1) * 1000);
    const swept = await service.deps.store.sweep();
    // Every invite accepted, and those of the refused send stored before Redis refused the rest.
    expect(swept.expiredInvites).toBeGreaterThanOrEqual(16 * (sends - 1));
    expect(swept.expiredInvites).toBeLessThan(16 * sends);
    expect((await send(sends)).status).toBe(204);
    await waitFor(async () => (await readiness()).status === 'ready');
    expect(sample(await scrape(service.url), 'store_refusing_writes', { store: 'redis' })).toBe(0);
  }, 30_000);
});

/** What readiness says. */
async function readiness(): Promise<{ status?: string }> {
  return ((await request(`${service.url}/readyz`)).body ?? {}) as { status?: string };
}
