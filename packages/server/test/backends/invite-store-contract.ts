// The invite store's contract, one suite for every implementation (SQLite, Redis, Redis Cluster):
// registrations and their expiry, queues, invite expiry, the per-user bound, acknowledgement, the
// sweep. Each implementation's test file calls describeInviteStoreContract with a factory.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import type { DeliveryReceipt, InviteStore } from '../../src/invites/delivery.ts';
import type { ClaimedRecord } from '../../src/invites/idempotency.ts';
import type { Invite } from '../../src/invites/invite.ts';

export interface StoreSetup {
  store: InviteStore;
  advance(ms: number): void;
}

export interface StoreFactory {
  /** A store on this clock. */
  create(options: {
    clock: Clock;
    maxPendingPerUser: number;
    maxEndpointsPerUser?: number;
  }): Promise<InviteStore> | InviteStore;
  /** Called before each test (e.g. to empty a shared Redis). */
  reset?(): Promise<void>;
  /** The store publishes the wake-ups of its deliveries itself: every receipt says `woken`. */
  wakes?: boolean;
}

// Close to the real time: Redis is a real server, and nothing here must look decades off to it.
const NOW = Math.floor(Date.now() / 1000) * 1000;
const A = '1000000000000001';
const B = '1000000000000002';

let ids = 0;
export function invite(invitedUser: string, overrides: Partial<Invite> = {}): Invite {
  ids += 1;
  return {
    id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    titleId: 42,
    sender: '9',
    invitedUser,
    connectionString: 'cs',
    createdAtMs: NOW,
    expiresAtMs: NOW + 3_600_000,
    ...overrides,
  };
}

/**
 * The invites pending for an endpoint as sent, without the sequence the store gives each: checked
 * here to increase oldest first, and tested on its own below.
 */
async function pendingOf(
  store: InviteStore,
  xuid: string,
  endpointId: string,
): Promise<Invite[] | undefined> {
  const invites = await store.pending(xuid, endpointId);
  if (invites === undefined) return undefined;
  const seqs = invites.map((invite) => invite.seq);
  expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
  return invites.map(({ seq: _seq, ...invite }) => invite);
}

export function describeInviteStoreContract(name: string, factory: StoreFactory): void {
  /** The receipt this store gives for what a delivery did. */
  const receiptOf = (did: DeliveryReceipt): DeliveryReceipt =>
    factory.wakes ? { ...did, woken: true } : did;
  describe(`${name} invite store (the store contract)`, () => {
    const stores: InviteStore[] = [];
    let now = NOW;
    const clock: Clock = { now: () => now };
    async function setup(maxPendingPerUser = 100, maxEndpointsPerUser?: number): Promise<StoreSetup> {
      const store = await factory.create({
        clock,
        maxPendingPerUser,
        ...(maxEndpointsPerUser !== undefined && { maxEndpointsPerUser }),
      });
      stores.push(store);
      return {
        store,
        advance: (ms) => {
          now += ms;
        },
      };
    }
    beforeEach(async () => {
      for (const store of stores.splice(0)) store.close();
      now = NOW;
      await factory.reset?.();
    });

    it('registers an endpoint as created, and a second registration as a refresh', async () => {
      const { store } = await setup();
      const first = await store.register({
        xuid: A,
        endpointId: 'console',
        platform: 'Scarlett',
        ttlSeconds: 60,
      });
      expect(first).toEqual({
        created: true,
        endpoint: { xuid: A, endpointId: 'console', platform: 'Scarlett', expiresAtMs: NOW + 60_000 },
      });
      const again = await store.register({
        xuid: A,
        endpointId: 'console',
        platform: 'XboxOne',
        ttlSeconds: 120,
      });
      expect(again).toMatchObject({
        created: false,
        endpoint: { platform: 'XboxOne', expiresAtMs: NOW + 120_000 },
      });
    });

    it('queues an invite once for every live endpoint of the invitee, whatever its platform', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      const sent = invite(A, { platform: 'XboxOne' });
      const { reached } = await store.deliver([sent, invite(B)]);
      expect(reached.sort()).toEqual([`${A}/console`, `${A}/phone`]);
      expect(await pendingOf(store, A, 'console')).toEqual([sent]);
      expect(await pendingOf(store, A, 'phone')).toEqual([sent]);
    });

    it('stores nothing for an invitee with no live endpoint', async () => {
      const { store } = await setup();
      expect(await store.deliver([invite(B)])).toEqual(receiptOf({ reached: [], dropped: 0 }));
      expect(await store.pendingFor(B)).toEqual([]);
      expect(await pendingOf(store, B, 'anything')).toBeUndefined();
      // Registering afterwards does not bring back what was sent before.
      await store.register({ xuid: B, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      expect(await pendingOf(store, B, 'phone')).toEqual([]);
    });

    it('queues for an endpoint only the invites sent after it registered', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      const before = invite(A);
      await store.deliver([before]);
      await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      const after = invite(A);
      await store.deliver([after]);
      expect(await pendingOf(store, A, 'console')).toEqual([before, after]);
      expect(await pendingOf(store, A, 'phone')).toEqual([after]);
      expect(await store.pendingFor(A)).toEqual([before, after]);
    });

    it('takes an acknowledged invite off that endpoint only, and reports a second acknowledgement as not pending', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      const sent = invite(A);
      await store.deliver([sent]);
      expect(await store.acknowledge(A, 'console', sent.id)).toBe(true);
      expect(await store.acknowledge(A, 'console', sent.id)).toBe(false);
      expect(await store.acknowledge(A, 'console', invite(A).id)).toBe(false);
      expect(await pendingOf(store, A, 'console')).toEqual([]);
      expect(await pendingOf(store, A, 'phone')).toEqual([sent]);
    });

    it('hides expired invites at once and deletes them on sweep', async () => {
      const { store, advance } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 86_400 });
      const sent = invite(A, { expiresAtMs: NOW + 1000 });
      const kept = invite(A);
      await store.deliver([sent]);
      await store.deliver([kept]);
      advance(1000);
      expect(await pendingOf(store, A, 'console')).toEqual([kept]);
      expect(await store.acknowledge(A, 'console', sent.id)).toBe(false);
      expect(await store.sweep()).toEqual({ expiredInvites: 1, expiredEndpoints: 0 });
      expect(await store.pendingFor(A)).toEqual([kept]);
      expect(await store.sweep()).toEqual({ expiredInvites: 0, expiredEndpoints: 0 });
    });

    it('forgets an expired registration, sweeps it, and a re-registered endpoint starts with an empty queue', async () => {
      const { store, advance } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.deliver([invite(A, { expiresAtMs: NOW + 3_600_000 })]);
      advance(60_000);
      expect(await pendingOf(store, A, 'console')).toBeUndefined();
      expect(await store.deliver([invite(A)])).toEqual(receiptOf({ reached: [], dropped: 0 }));
      expect(await store.sweep()).toEqual({ expiredInvites: 0, expiredEndpoints: 1 });
      const again = await store.register({
        xuid: A,
        endpointId: 'console',
        platform: 'Scarlett',
        ttlSeconds: 60,
      });
      expect(again).toMatchObject({ created: true });
      expect(await pendingOf(store, A, 'console')).toEqual([]);
    });

    it('bounds a user at the limit: the oldest invites give way first, and each send reports how many', async () => {
      const { store } = await setup(2);
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      const [first, second, third] = [invite(A), invite(A), invite(A)] as [Invite, Invite, Invite];
      const receipts = [];
      for (const sent of [first, second, third]) receipts.push(await store.deliver([sent]));
      expect(receipts.map((receipt) => receipt.dropped)).toEqual([0, 0, 1]);
      for (const endpointId of ['console', 'phone']) {
        expect((await pendingOf(store, A, endpointId))?.map((i) => i.id)).toEqual([second.id, third.id]);
      }
      expect(await store.acknowledge(A, 'console', first.id)).toBe(false);
    });

    it('holds 100 invites per user and drops one for each further invite', async () => {
      const { store } = await setup(100);
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      const sent = Array.from({ length: 105 }, () => invite(A));
      let dropped = 0;
      for (const one of sent) dropped += (await store.deliver([one])).dropped;
      expect(dropped).toBe(5);
      const pending = await pendingOf(store, A, 'console');
      expect(pending?.map((i) => i.id)).toEqual(sent.slice(5).map((i) => i.id));
    });

    it('fills a user up to the bound again after a sweep took its invites, before dropping any', async () => {
      const { store, advance } = await setup(2);
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 3600 });
      for (const sent of [invite(A, { expiresAtMs: NOW + 1000 }), invite(A, { expiresAtMs: NOW + 1000 })])
        await store.deliver([sent]);
      advance(1000);
      expect(await store.sweep()).toMatchObject({ expiredInvites: 2 });
      const later = [invite(A), invite(A), invite(A)];
      const dropped = [];
      for (const sent of later) dropped.push((await store.deliver([sent])).dropped);
      expect(dropped).toEqual([0, 0, 1]);
      expect((await pendingOf(store, A, 'console'))?.map((i) => i.id)).toEqual(
        later.slice(1).map((i) => i.id),
      );
    });

    it('refuses a user a new endpoint past the cap, refreshes one at the cap, and admits one once another is gone', async () => {
      const { store } = await setup(100, 3);
      const register = (endpointId: string, ttlSeconds = 60) =>
        store.register({ xuid: A, endpointId, platform: 'Win32', ttlSeconds });
      for (const endpointId of ['a', 'b', 'c'])
        expect(await register(endpointId)).toMatchObject({ created: true });
      expect(await register('d')).toEqual({ full: true });
      expect(await pendingOf(store, A, 'd')).toBeUndefined();
      // Another user is not affected, and a refresh at the cap is never refused.
      expect(
        await store.register({ xuid: B, endpointId: 'd', platform: 'Win32', ttlSeconds: 60 }),
      ).toMatchObject({
        created: true,
      });
      expect(await register('c', 120)).toMatchObject({ created: false });
      await store.unregister(A, 'a');
      expect(await register('d')).toMatchObject({ created: true });
      // A send fans out to the endpoints within the cap only.
      expect((await store.deliver([invite(A)])).reached.sort()).toEqual([`${A}/b`, `${A}/c`, `${A}/d`]);
    });

    it('counts only live endpoints toward the cap: expired ones make room (and are forgotten)', async () => {
      const { store, advance } = await setup(100, 2);
      await store.register({ xuid: A, endpointId: 'old', platform: 'Win32', ttlSeconds: 60 });
      await store.register({ xuid: A, endpointId: 'new', platform: 'Win32', ttlSeconds: 600 });
      advance(61_000);
      expect(
        await store.register({ xuid: A, endpointId: 'newer', platform: 'Win32', ttlSeconds: 600 }),
      ).toMatchObject({ created: true });
      expect(await pendingOf(store, A, 'old')).toBeUndefined();
      expect((await store.deliver([invite(A)])).reached.sort()).toEqual([`${A}/new`, `${A}/newer`]);
    });

    it('gives each queued invite a sequence that only grows, the same on every endpoint of its user', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      const [first] = (await store.pending(A, 'console')) ?? [];
      expect(first).toBeUndefined();
      await store.deliver([invite(A)]);
      await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      await store.deliver([invite(A)]);
      await store.deliver([invite(A)]);
      const onConsole = (await store.pending(A, 'console'))?.map((queued) => queued.seq) ?? [];
      const onPhone = (await store.pending(A, 'phone'))?.map((queued) => queued.seq) ?? [];
      expect(onConsole).toHaveLength(3);
      expect(onConsole[0]).toBeLessThan(onConsole[1] as number);
      expect(onConsole[1]).toBeLessThan(onConsole[2] as number);
      expect(onPhone).toEqual(onConsole.slice(1));
      // A read does not change them.
      expect((await store.pending(A, 'console'))?.map((queued) => queued.seq)).toEqual(onConsole);
    });

    it('removes an unregistered endpoint and its queue; unregistering again is not an error', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.deliver([invite(A)]);
      await store.unregister(A, 'console');
      await store.unregister(A, 'console');
      expect(await pendingOf(store, A, 'console')).toBeUndefined();
      const again = await store.register({
        xuid: A,
        endpointId: 'console',
        platform: 'Scarlett',
        ttlSeconds: 60,
      });
      expect(again).toMatchObject({ created: true });
      expect(await pendingOf(store, A, 'console')).toEqual([]);
    });

    it('delivers a 16-invitee send to all 48 endpoints of its invitees', async () => {
      const { store } = await setup();
      const invitees = Array.from({ length: 16 }, (_, i) => String(2000000000000000 + i));
      for (const xuid of invitees) {
        for (const endpointId of ['a', 'b', 'c']) {
          await store.register({ xuid, endpointId, platform: 'Win32', ttlSeconds: 60 });
        }
      }
      const batch = invitees.map((xuid) => invite(xuid));
      const receipt = await store.deliver(batch);
      expect(receipt.reached).toHaveLength(48);
      expect(receipt.dropped).toBe(0);
      for (const [i, xuid] of invitees.entries())
        expect(await pendingOf(store, xuid, 'b')).toEqual([batch[i]]);
    });

    it('resolves sends made together each with its own endpoints', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.register({ xuid: B, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      const [toA, toB] = [invite(A), invite(B)];
      const reached = await Promise.all([store.deliver([toA]), store.deliver([toB])]);
      expect(reached).toEqual([
        receiptOf({ reached: [`${A}/console`], dropped: 0 }),
        receiptOf({ reached: [`${B}/phone`], dropped: 0 }),
      ]);
      expect(await pendingOf(store, A, 'console')).toEqual([toA]);
      expect(await pendingOf(store, B, 'phone')).toEqual([toB]);
    });

    it('gives every send made together to the same player all of that player’s endpoints', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      await store.register({ xuid: A, endpointId: 'phone', platform: 'Android', ttlSeconds: 60 });
      const sends = [[invite(A)], [invite(B), invite(A)], [invite(A)]];
      const receipts = await Promise.all(sends.map((send) => store.deliver(send)));
      const bothOfA = [`${A}/console`, `${A}/phone`];
      expect(receipts.map((receipt) => [...receipt.reached].sort())).toEqual([bothOfA, bothOfA, bothOfA]);
      const toA = sends.flat().filter((sent) => sent.invitedUser === A);
      expect(await pendingOf(store, A, 'console')).toEqual(toA);
      expect(await pendingOf(store, A, 'phone')).toEqual(toA);
      expect(await store.pendingFor(B)).toEqual([]);
    });

    it('keeps an invite with every optional field as sent (platform, empty connection string)', async () => {
      const { store } = await setup();
      await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
      const withPlatform = invite(A, { platform: 'Nintendo', connectionString: '' });
      const without = invite(A, { connectionString: 'x'.repeat(512) });
      await store.deliver([withPlatform]);
      await store.deliver([without]);
      expect(await pendingOf(store, A, 'console')).toEqual([withPlatform, without]);
    });

    describe('idempotency records (keyed sends)', () => {
      const LEASE = 2000;
      const WINDOW = 86_400_000;
      const timing = (nowMs = now) => ({ nowMs, leaseMs: LEASE, windowMs: WINDOW });
      let records = 0;
      const record = (fingerprint = 'same-body') => {
        records += 1;
        return { id: `record-${records}-${Math.random().toString(36).slice(2)}`, fingerprint };
      };

      it('claims a new record, and answers a second claim in progress until the lease ends, reused for another body', async () => {
        const { store } = await setup();
        const key = record();
        expect(await store.claim(key, timing())).toEqual({
          outcome: 'claimed',
          resumed: false,
          record: { ...key, createdAtMs: NOW, expiresAtMs: NOW + WINDOW, leaseUntilMs: NOW + LEASE },
        });
        expect(await store.claim(key, timing(NOW + 500))).toEqual({
          outcome: 'in-progress',
          retryAfterMs: LEASE - 500,
        });
        expect(await store.claim({ ...key, fingerprint: 'another-body' }, timing())).toEqual({
          outcome: 'reused',
        });
      });

      it('answers completed once the send’s invites are stored, for the whole window, and forgets the record after it', async () => {
        const { store, advance } = await setup();
        await store.register({ xuid: A, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
        const key = record();
        const claim = await store.claim(key, timing());
        if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
        await store.deliver([invite(A)], { record: claim.record, resumed: false });
        expect(await store.claim(key, timing())).toEqual({ outcome: 'completed' });
        advance(WINDOW - 1);
        expect(await store.claim(key, timing())).toEqual({ outcome: 'completed' });
        advance(1);
        expect(await store.claim(key, timing())).toMatchObject({
          outcome: 'claimed',
          resumed: false,
          record: { createdAtMs: NOW + WINDOW },
        });
      });

      it('resumes a send that failed after storing, or whose lease ran out, as first made; forgets one that stored nothing', async () => {
        const { store, advance } = await setup();
        const [failed, abandoned, refused] = [record(), record(), record()];
        const claims = await Promise.all(
          [failed, abandoned, refused].map((key) => store.claim(key, timing())),
        );
        const [first, second, third] = claims.map((claim) => {
          if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
          return claim.record;
        }) as [ClaimedRecord, ClaimedRecord, ClaimedRecord];
        await store.release(first, true);
        await store.release(third, false);
        advance(100);
        expect(await store.claim(failed, timing())).toEqual({
          outcome: 'claimed',
          resumed: true,
          record: { ...first, leaseUntilMs: NOW + 100 + LEASE },
        });
        expect(await store.claim(refused, timing())).toMatchObject({
          outcome: 'claimed',
          resumed: false,
          record: { createdAtMs: NOW + 100 },
        });
        expect(await store.claim(abandoned, timing())).toMatchObject({ outcome: 'in-progress' });
        advance(LEASE);
        expect(await store.claim(abandoned, timing())).toEqual({
          outcome: 'claimed',
          resumed: true,
          record: { ...second, leaseUntilMs: NOW + 100 + 2 * LEASE },
        });
      });

      it('does not forget a record another request took over meanwhile', async () => {
        const { store, advance } = await setup();
        const key = record();
        const mine = await store.claim(key, timing());
        if (mine.outcome !== 'claimed') throw new Error(mine.outcome);
        advance(LEASE);
        const theirs = await store.claim(key, timing());
        expect(theirs).toMatchObject({ outcome: 'claimed', resumed: true });
        await store.release(mine.record, false);
        expect(await store.claim(key, timing())).toMatchObject({ outcome: 'in-progress' });
      });

      it('stores and queues no invite twice when a resumed send meets what an earlier attempt stored', async () => {
        const { store } = await setup();
        for (const xuid of [A, B])
          await store.register({ xuid, endpointId: 'console', platform: 'Scarlett', ttlSeconds: 60 });
        const key = record();
        const claim = await store.claim(key, timing());
        if (claim.outcome !== 'claimed') throw new Error(claim.outcome);
        const [toA, toB] = [invite(A), invite(B)];
        // The earlier attempt: A's invite stored, then it failed.
        await store.deliver([toA]);
        await store.release(claim.record, true);
        const resumed = await store.claim(key, timing());
        if (resumed.outcome !== 'claimed') throw new Error(resumed.outcome);
        const receipt = await store.deliver([toA, toB], { record: resumed.record, resumed: true });
        expect(receipt).toEqual(receiptOf({ reached: [`${B}/console`], dropped: 0, repeated: 1 }));
        expect(await pendingOf(store, A, 'console')).toEqual([toA]);
        expect(await pendingOf(store, B, 'console')).toEqual([toB]);
        expect(await store.claim(key, timing())).toEqual({ outcome: 'completed' });
      });

      it('forgets records past their window on sweep', async () => {
        const { store, advance } = await setup();
        const key = record();
        await store.claim(key, timing());
        advance(WINDOW);
        await store.sweep();
        expect(await store.claim(key, timing())).toMatchObject({ outcome: 'claimed', resumed: false });
      });
    });
  });
}
