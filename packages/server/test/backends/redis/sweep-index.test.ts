// The sweep's index of users by earliest expiry is spread over keys in slots of their own, so
// that no key, and no Cluster master, takes every send's entry; and the single index of earlier
// versions is still swept, and emptied into the shards, after an upgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedisInviteStore,
  LEGACY_SWEEP_INDEX_KEY,
  SWEEP_INDEX_SHARDS,
  sweepIndexKey,
  userKeys,
} from '../../../src/backends/redis/redis-invite-store.ts';
import type { Invite } from '../../../src/invites/invite.ts';
import { type RedisPair, startRedisPair } from '../../support/redis-pair.ts';

let redis: RedisPair;
let cluster: RedisPair['cluster'];
let standalone: RedisPair['standalone'];
let clustered: RedisPair['clustered'];

beforeAll(async () => {
  redis = await startRedisPair();
  ({ cluster, standalone, clustered } = redis);
}, 30_000);

afterAll(() => redis?.remove());

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const invite = (invitedUser: string, n: number, expiresAtMs = NOW + 60_000): Invite => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  titleId: 1,
  sender: '2',
  invitedUser,
  connectionString: '',
  createdAtMs: NOW,
  expiresAtMs,
});

describe('the sweep index', () => {
  it('spreads 200 invitees over most of its shards, and over every master of a Cluster', async () => {
    const store = createRedisInviteStore({
      client: clustered,
      clock: { now: () => NOW },
      maxPendingPerUser: 100,
    });
    const users = Array.from({ length: 200 }, (_, i) => String(2_814_613_569_690_000 + i));
    await Promise.all(
      users.map((xuid) =>
        store.register({ xuid, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 3600 }),
      ),
    );
    await store.deliver(users.map((xuid, n) => invite(xuid, n)));
    const shards = new Map<string, number>();
    const scores = await Promise.all(users.map((xuid) => clustered.zscore(sweepIndexKey(xuid), xuid)));
    expect(scores.map(Number)).toEqual(users.map(() => NOW + 60_000));
    for (const xuid of users) shards.set(sweepIndexKey(xuid), (shards.get(sweepIndexKey(xuid)) ?? 0) + 1);
    expect(await clustered.exists(LEGACY_SWEEP_INDEX_KEY)).toBe(0);
    expect(shards.size).toBeGreaterThan(SWEEP_INDEX_SHARDS / 2);
    expect(Math.max(...shards.values())).toBeLessThan(users.length / 10);
    const masters = new Set<number>();
    for (const key of shards.keys()) masters.add((await cluster.masterOf(await cluster.keySlot(key))).port);
    expect(masters.size).toBe(3);
  });

  it('sweeps the users an earlier version indexed under si:sweep, and moves those still holding something to their shards', async () => {
    await standalone.flushall();
    let now = NOW;
    const store = createRedisInviteStore({
      client: standalone,
      clock: { now: () => now },
      maxPendingPerUser: 100,
    });
    const [gone, staying] = ['2814613569699001', '2814613569699002'];
    for (const xuid of [gone, staying] as string[]) {
      await store.register({ xuid, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 3600 });
    }
    await store.deliver([invite(gone as string, 1), invite(staying as string, 2)]);
    // As an earlier version indexed them: one key, and not in the shards.
    for (const xuid of [gone, staying] as string[]) {
      await standalone.zrem(sweepIndexKey(xuid), xuid);
      await standalone.zadd(LEGACY_SWEEP_INDEX_KEY, NOW + 60_000, xuid);
    }
    await standalone.del(userKeys(gone as string).endpoints);
    now += 61_000;
    expect(await store.sweep()).toEqual({ expiredInvites: 2, expiredEndpoints: 0 });
    expect(await standalone.exists(LEGACY_SWEEP_INDEX_KEY)).toBe(0);
    // Its endpoint's registration, an hour long, is what `staying` still holds.
    expect(Number(await standalone.zscore(sweepIndexKey(staying as string), staying as string))).toBe(
      NOW + 3_600_000,
    );
    expect(await standalone.zscore(sweepIndexKey(gone as string), gone as string)).toBeNull();
  });
});
