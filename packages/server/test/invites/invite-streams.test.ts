import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import type { Credential } from '../../src/credentials/claims.ts';
import { ServiceError } from '../../src/errors.ts';
import type { EndpointKey, InviteStore, QueuedInvite } from '../../src/invites/delivery.ts';
import type { Invite } from '../../src/invites/invite.ts';
import {
  createInviteStreams,
  type InviteSink,
  type InviteStreams,
  type StreamEnd,
} from '../../src/invites/invite-streams.ts';
import { createWaitingRoom, type Departure, type WaitingRoom } from '../../src/invites/waiting-room.ts';

const A = '2814613569642996';
const B = '2814613569642997';
const NOW = Date.UTC(2026, 11, 4, 12);
const user = (xuid: string): Credential => ({
  kind: 'user',
  subject: xuid,
  xuid,
  userHash: `uhs${xuid}`,
  titleIds: new Set(),
  expiresAtMs: NOW + 3_600_000,
});

/** What a stream sent, in order, and how it ended. */
class RecordingSink implements InviteSink {
  readonly sent: (string | number)[] = [];
  ended: StreamEnd | undefined;
  reading = true;

  invite(invite: QueuedInvite): boolean {
    this.sent.push(invite.connectionString);
    return this.reading;
  }

  heartbeat(): boolean {
    this.sent.push('heartbeat');
    return this.reading;
  }

  end(reason: StreamEnd): void {
    this.ended = reason;
  }

  /** The connection strings of the invites sent, with their cursors' order. */
  get invites() {
    return this.sent.filter((event) => event !== 'heartbeat');
  }
}

function device(): Departure & { leave(): void } {
  const callbacks: (() => void)[] = [];
  let departed = false;
  return {
    get departed() {
      return departed;
    },
    onDeparture: (callback) => void callbacks.push(callback),
    leave() {
      departed = true;
      for (const callback of callbacks) callback();
    },
  };
}

let store: InviteStore;
afterEach(() => store?.close());

function setup(options: { capacity?: number; random?: number } = {}) {
  let now = NOW;
  const clock = { now: () => now };
  store = createSqliteInviteStore({ path: ':memory:', clock, maxPendingPerUser: 100 });
  const room: WaitingRoom = createWaitingRoom({ capacity: options.capacity ?? 10 });
  let tick: () => void = () => {};
  const streams: InviteStreams = createInviteStreams({
    inbox: store,
    room,
    clock,
    heartbeatSeconds: 3,
    maxSeconds: 100,
    random: () => options.random ?? 0,
    ticker: (next) => {
      tick = next;
      return () => {};
    },
  });
  let ids = 0;
  const send = async (invitedUser: string, connectionString: string) => {
    const invite: Invite = {
      id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
      titleId: 1,
      sender: B,
      invitedUser,
      connectionString,
      createdAtMs: now,
      expiresAtMs: now + 3_600_000,
    };
    const receipt = await store.deliver([invite]);
    room.wake(receipt.reached as EndpointKey[]);
    return invite;
  };
  const open = async (endpointId = 'console', cursor?: number) => {
    const sink = new RecordingSink();
    const gone = device();
    const opening = await streams.open({ credential: user(A), xuid: A, endpointId }, cursor);
    opening.start(sink, gone);
    return { sink, gone };
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    room,
    streams,
    send,
    open,
    settle,
    /** One second of the wheel. */
    tick: () => tick(),
    advance: (ms: number) => {
      now += ms;
    },
    register: (endpointId = 'console', xuid = A) =>
      store.register({ xuid, endpointId, platform: 'Win32', ttlSeconds: 3600 }),
  };
}

describe('invite streams', () => {
  it('send every pending invite oldest first, then each new one as it arrives, nothing twice', async () => {
    const s = setup();
    await s.register();
    await s.send(A, 'first');
    await s.send(A, 'second');
    const { sink } = await s.open();
    expect(sink.invites).toEqual(['first', 'second']);
    await s.send(A, 'third');
    await s.settle();
    expect(sink.invites).toEqual(['first', 'second', 'third']);
    // A wake-up that carries nothing new (another endpoint's invite, or a second wake) sends nothing.
    s.room.wake([`${A}/console`]);
    await s.settle();
    expect(sink.invites).toEqual(['first', 'second', 'third']);
    expect([s.room.size, s.streams.size]).toEqual([1, 1]);
  });

  it('continue after a cursor (Last-Event-ID): what was sent up to it is not sent again', async () => {
    const s = setup();
    await s.register();
    await s.send(A, 'first');
    await s.send(A, 'second');
    const [, second] = (await store.pending(A, 'console')) ?? [];
    const { sink } = await s.open('console', (await store.pending(A, 'console'))?.[0]?.seq);
    expect(sink.invites).toEqual(['second']);
    expect(second?.connectionString).toBe('second');
  });

  it('send a heartbeat on every turn of the wheel, one bucket a second', async () => {
    const s = setup();
    await s.register();
    const { sink } = await s.open();
    s.tick();
    expect(sink.sent).toEqual(['heartbeat']);
    s.tick();
    s.tick();
    expect(sink.sent).toEqual(['heartbeat']);
    s.tick();
    expect(sink.sent).toEqual(['heartbeat', 'heartbeat']);
  });

  it('end after the lifetime, less up to a tenth at random', async () => {
    const s = setup({ random: 0.99 });
    await s.register();
    const { sink } = await s.open();
    s.advance(90_000);
    s.tick();
    expect(sink.ended).toBeUndefined();
    s.advance(1_000);
    for (let i = 0; i < 3; i++) s.tick();
    expect(sink.ended).toBe('lifetime');
    expect(s.room.size).toBe(0);
  });

  it('let the newest stream of an endpoint win: the one before ends', async () => {
    const s = setup();
    await s.register();
    const first = await s.open();
    const second = await s.open();
    expect(first.sink.ended).toBe('replaced');
    expect(second.sink.ended).toBeUndefined();
    await s.send(A, 'only to the newest');
    await s.settle();
    expect([first.sink.invites, second.sink.invites]).toEqual([[], ['only to the newest']]);
    expect(s.room.size).toBe(1);
  });

  it('end when the device goes, when the replica drains, and when the device stops reading', async () => {
    const s = setup();
    for (const endpointId of ['a', 'b', 'c']) await s.register(endpointId);
    const gone = await s.open('a');
    const slow = await s.open('b');
    const drained = await s.open('c');
    gone.gone.leave();
    expect(gone.sink.ended).toBe('gone');
    slow.sink.reading = false;
    s.tick();
    expect(slow.sink.ended).toBe('slow');
    s.room.close();
    expect(drained.sink.ended).toBe('draining');
    expect(s.room.size).toBe(0);
  });

  it('end when the endpoint is unregistered while it streams', async () => {
    const s = setup();
    await s.register();
    const { sink } = await s.open();
    await store.unregister(A, 'console');
    s.room.wake([`${A}/console`]);
    await s.settle();
    expect(sink.ended).toBe('unregistered');
  });

  it('refuse before starting: another user, an endpoint not registered, a full room', async () => {
    const s = setup({ capacity: 1 });
    await s.register('console');
    await s.register('phone');
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error as ServiceError,
      );
    expect(
      await refusal(s.streams.open({ credential: user(B), xuid: A, endpointId: 'console' }, undefined)),
    ).toMatchObject({ code: 'AuthorizationError' });
    expect(
      await refusal(s.streams.open({ credential: user(A), xuid: A, endpointId: 'tv' }, undefined)),
    ).toMatchObject({ code: 'NotFound' });
    await s.open('console');
    const full = await refusal(
      s.streams.open({ credential: user(A), xuid: A, endpointId: 'phone' }, undefined),
    );
    expect(full).toBeInstanceOf(ServiceError);
    expect(full?.code).toBe('ServiceUnavailable');
    expect(full?.retryAfterSeconds).toBe(1);
    expect(s.room.size).toBe(1);
  });
});
