import { describe, expect, it } from 'vitest';
import type { CredentialsContext } from '../src/call.js';
import {
  ApiError,
  AuthorizationError,
  NetworkError,
  NotFoundError,
  RequestValidationError,
  TimeoutError,
} from '../src/errors.js';
import { STALL_TIMEOUT_MS, type StreamedInvite } from '../src/invite-stream.js';
import type { FakeClock } from './support/fake-clock.js';
import { fetchFailure, type ScriptedStream, scriptedStream } from './support/fake-fetch.js';
import {
  A,
  ack,
  acknowledged,
  B,
  C,
  CREDENTIAL,
  ENDPOINT_ID,
  failed,
  received,
  rejection,
  setup,
  tooManyInFlight,
  traffic,
  XUID,
} from './support/receiver.js';

const STREAM = `GET /users/${XUID}/endpoints/${ENDPOINT_ID}/invites/stream`;
// How the service opens every stream: the reconnection time first.
const OPENING = 'retry: 3000\n\n';
// With the jitter at half its span (the setup's random), the waits before reconnecting after a
// `retry: 3000`: between one and two retry times at first, doubling while connections fail.
const FIRST_RECONNECTION_MS = 4_500;

const inviteEvent = (cursor: string, invite: object) =>
  `id: ${cursor}\nevent: invite\ndata: ${JSON.stringify(invite)}\n\n`;
/** A stream the service has already ended after sending `chunks`. */
const ended = (...chunks: string[]) => {
  const stream = scriptedStream(...chunks);
  stream.end();
  return stream;
};
/** The waits the iterator asked for, without the stall watchdog's, which every read sets. */
const waits = (clock: FakeClock) => clock.sleeps.filter((ms) => ms !== STALL_TIMEOUT_MS);
const lastEventIds = (fetch: { requests: readonly { method: string; headers: Headers }[] }) =>
  fetch.requests.filter((r) => r.method === 'GET').map((r) => r.headers.get('Last-Event-ID'));
const idsOf = (invites: readonly StreamedInvite[]) => invites.map((invite) => invite.id);

describe('streamInvites', () => {
  it("opens the stream with the credential and yields each invite event's Invite, dates as Date, its id as cursor", async () => {
    const stream = scriptedStream(OPENING, inviteEvent('1', A), inviteEvent('2', B));
    const { fetch, clock, receiver } = setup([stream.reply]);
    const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

    const first = await clock.settle(iterator.next());

    expect(traffic(fetch)).toEqual([STREAM]);
    expect(fetch.requests[0]?.headers.get('Authorization')).toBe(CREDENTIAL);
    expect(fetch.requests[0]?.headers.has('Last-Event-ID')).toBe(false);
    expect(first).toEqual({ done: false, value: { ...received(A), cursor: '1' } satisfies StreamedInvite });
    await iterator.return();
  });

  it('acknowledges each invite when the next one is asked for, and none when the loop is left', async () => {
    const stream = scriptedStream(OPENING, inviteEvent('1', A), inviteEvent('2', B));
    const { fetch, clock, receiver } = setup([stream.reply, acknowledged]);
    const received: StreamedInvite[] = [];

    await clock.settle(
      (async () => {
        for await (const invite of receiver.streamInvites(XUID, ENDPOINT_ID)) {
          received.push(invite);
          if (received.length === 2) break;
        }
      })(),
    );

    expect(idsOf(received)).toEqual([A.id, B.id]);
    expect(received.map((invite) => invite.cursor)).toEqual(['1', '2']);
    expect(traffic(fetch)).toEqual([STREAM, ack(A)]);
    // Leaving the loop closed the stream.
    expect(fetch.requests[0]?.signal?.aborted).toBe(true);
    expect(stream.cancelled).toBe(true);
  });

  it('waits on the open stream for an invite to arrive, skipping heartbeats and events of other types', async () => {
    const stream = scriptedStream(OPENING);
    const { fetch, clock, receiver } = setup([stream.reply]);
    const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

    const pending = iterator.next();
    await clock.advance(25_000);
    stream.push(': heartbeat\n\n');
    stream.push('event: something-later\ndata: {"not":"an invite"}\n\n');
    stream.push('data: an event without a type\n\n');
    await clock.advance(25_000);
    stream.push(inviteEvent('3', C));

    expect(await pending).toMatchObject({ value: { id: C.id, cursor: '3' } });
    // One connection all along: 50 s without an invite is no reason to reconnect.
    expect(fetch.requests).toHaveLength(1);
    await iterator.return();
  });

  it('sends lastEventId as Last-Event-ID, so that the stream continues after it', async () => {
    const stream = scriptedStream(OPENING, inviteEvent('42', B));
    const { fetch, clock, receiver } = setup([stream.reply]);
    const iterator = receiver.streamInvites(XUID, ENDPOINT_ID, { lastEventId: '41' });

    expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: B.id, cursor: '42' } });

    expect(lastEventIds(fetch)).toEqual(['41']);
    await iterator.return();
  });

  it.each(['with space', 'é', 'line\nbreak'])(
    'refuses a lastEventId fetch cannot send (%j) at once',
    (cursor) => {
      const { receiver } = setup([]);

      expect(() => receiver.streamInvites(XUID, ENDPOINT_ID, { lastEventId: cursor })).toThrow(TypeError);
    },
  );

  describe('reconnecting', () => {
    it('opens the stream again when the service ends it, after its retry time with jitter, continuing after the last event', async () => {
      const first = ended('retry: 2000\n\n', inviteEvent('1', A));
      const second = scriptedStream(OPENING, inviteEvent('2', B));
      const { fetch, clock, receiver } = setup([first.reply, acknowledged, second.reply]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: A.id } });
      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: B.id, cursor: '2' } });

      expect(traffic(fetch)).toEqual([STREAM, ack(A), STREAM]);
      expect(lastEventIds(fetch)).toEqual([null, '1']);
      // retry: 2000, the jitter at half its span: 2000 + 1000.
      expect(waits(clock)).toEqual([3_000]);
      await iterator.return();
    });

    it('continues after the last complete event when the connection breaks mid-event', async () => {
      const first = scriptedStream(OPENING, inviteEvent('1', A));
      const second = scriptedStream(OPENING, inviteEvent('2', B));
      const { fetch, clock, receiver } = setup([first.reply, acknowledged, second.reply]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);
      await clock.settle(iterator.next());

      first.push('id: 2\nevent: invite\ndata: {"id":');
      const pending = iterator.next();
      await clock.advance(0);
      first.fail(new TypeError('terminated'));

      expect(await clock.settle(pending)).toMatchObject({ value: { id: B.id } });
      expect(lastEventIds(fetch)).toEqual([null, '1']);
      expect(waits(clock)).toEqual([FIRST_RECONNECTION_MS]);
      await iterator.return();
    });

    it('closes a stream silent for longer than the stall timeout, and opens it again', async () => {
      const silent = scriptedStream(OPENING);
      const second = scriptedStream(OPENING, inviteEvent('1', A));
      const { fetch, clock, receiver } = setup([silent.reply, second.reply]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      const pending = iterator.next();
      // Connected, the opening read: from here on the stream is silent.
      await clock.advance(0);
      await clock.advance(STALL_TIMEOUT_MS - 1);
      expect(fetch.requests).toHaveLength(1);
      await clock.advance(1);

      expect(fetch.requests[0]?.signal?.aborted).toBe(true);
      expect(silent.cancelled).toBe(true);
      await clock.advance(FIRST_RECONNECTION_MS);
      expect(await pending).toMatchObject({ value: { id: A.id } });
      expect(fetch.requests).toHaveLength(2);
      await iterator.return();
    });

    it('backs off while streams end with nothing past their opening, and starts over after one that worked', async () => {
      const { clock, receiver } = setup([
        ended(OPENING).reply,
        ended(OPENING).reply,
        ended(OPENING).reply,
        ended(OPENING, ': heartbeat\n\n').reply,
        scriptedStream(OPENING, inviteEvent('1', A)).reply,
      ]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: A.id } });

      // Doubling from retry: 3000 (each between one and two of its step), and back to the first
      // step after the stream that carried a heartbeat.
      expect(waits(clock)).toEqual([4_500, 9_000, 18_000, FIRST_RECONNECTION_MS]);
      await iterator.return();
    });

    it('keeps reconnecting through network failures once a stream has opened, backing off', async () => {
      const refused = fetchFailure('ECONNREFUSED');
      const { fetch, clock, receiver } = setup(
        [
          ended(OPENING, inviteEvent('1', A)).reply,
          acknowledged,
          refused,
          refused,
          scriptedStream(OPENING, inviteEvent('2', B)).reply,
        ],
        { retry: { maxAttempts: 1 } },
      );
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      await clock.settle(iterator.next());
      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: B.id } });

      expect(waits(clock)).toEqual([FIRST_RECONNECTION_MS, 9_000, 18_000]);
      expect(lastEventIds(fetch)).toEqual([null, '1', '1', '1']);
      await iterator.return();
    });

    it.each([
      [
        '503 with Retry-After: 10',
        failed(503, 'ServiceUnavailable', { 'Retry-After': '10' }),
        10_000,
        22_500,
      ],
      [
        '429 with Retry-After: 120, beyond retry.maxDelayMs',
        failed(429, 'Throttled', { 'Retry-After': '120' }),
        120_000,
        180_000,
      ],
    ])('waits at least what a reconnection refused with %s asks for', async (_, refusal, asked, expected) => {
      const { clock, receiver } = setup(
        [
          ended(OPENING, inviteEvent('1', A)).reply,
          acknowledged,
          refusal,
          scriptedStream(OPENING, inviteEvent('2', B)).reply,
        ],
        { retry: { maxAttempts: 1 } },
      );
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      await clock.settle(iterator.next());
      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: B.id } });

      const [, afterRefusal] = waits(clock);
      expect(afterRefusal).toBeGreaterThanOrEqual(asked);
      // The second reconnection in a row, from twice the floor the refusal set.
      expect(afterRefusal).toBe(expected);
      await iterator.return();
    });

    it('ends with a NotFoundError when the endpoint is gone by the time it reconnects', async () => {
      const { clock, receiver } = setup([
        ended(OPENING, inviteEvent('1', A)).reply,
        acknowledged,
        failed(404, 'NotFound'),
      ]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);
      await clock.settle(iterator.next());

      expect(await rejection(clock.settle(iterator.next()))).toBeInstanceOf(NotFoundError);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it('asks a credentials function for a fresh credential after a 401, on the first connection and on each reconnection', async () => {
      const asked: boolean[] = [];
      let issued = 0;
      const credentials = ({ forceRefresh }: CredentialsContext) => {
        asked.push(forceRefresh);
        if (forceRefresh) issued += 1;
        return `XBL3.0 x=3456;token-${issued}`;
      };
      const { fetch, clock, receiver } = setup(
        [
          failed(401, 'AuthenticationError', { 'WWW-Authenticate': 'XBL3.0' }),
          ended(OPENING, inviteEvent('1', A)).reply,
          acknowledged,
          // The credential expired while the stream was open.
          failed(401, 'AuthenticationError', { 'WWW-Authenticate': 'XBL3.0' }),
          scriptedStream(OPENING, inviteEvent('2', B)).reply,
        ],
        { credentials, retry: { maxAttempts: 1 } },
      );
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      await clock.settle(iterator.next());
      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: B.id } });

      expect(asked).toEqual([false, true, false, false, true]);
      expect(fetch.requests.map((r) => r.headers.get('Authorization'))).toEqual([
        'XBL3.0 x=3456;token-0',
        'XBL3.0 x=3456;token-1',
        'XBL3.0 x=3456;token-1',
        'XBL3.0 x=3456;token-1',
        'XBL3.0 x=3456;token-2',
      ]);
      await iterator.return();
    });
  });

  describe('the first connection', () => {
    it('retries 429 and 503 after their Retry-After, with jitter', async () => {
      const { fetch, clock, receiver } = setup([
        tooManyInFlight,
        failed(503, 'ServiceUnavailable', { 'Retry-After': '2' }),
        scriptedStream(OPENING, inviteEvent('1', A)).reply,
      ]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      expect(await clock.settle(iterator.next())).toMatchObject({ value: { id: A.id } });

      expect(traffic(fetch)).toEqual([STREAM, STREAM, STREAM]);
      // Retry-After plus half of the second of spread.
      expect(waits(clock)).toEqual([1_500, 2_500]);
      await iterator.return();
    });

    it('ends the iteration with the NetworkError when it fails after its retries (a wrong baseUrl shows at once)', async () => {
      const refused = fetchFailure('ECONNREFUSED');
      const { fetch, clock, receiver } = setup([refused, refused], { retry: { maxAttempts: 2 } });
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

      const error = await rejection(clock.settle(iterator.next()));

      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', mayHaveReachedServer: false });
      expect(fetch.requests).toHaveLength(2);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it.each([
      ['404: the endpoint is not registered', failed(404, 'NotFound'), NotFoundError],
      [
        '400 RequestValidationError (a cursor the service refuses)',
        failed(400, 'RequestValidationError'),
        RequestValidationError,
      ],
      ["400 AuthorizationError (another user's XUID)", failed(400, 'AuthorizationError'), AuthorizationError],
    ])('ends the iteration at once on %s', async (_, answer, type) => {
      const { fetch, clock, receiver } = setup([answer]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID, { lastEventId: '7' });

      const error = await rejection(clock.settle(iterator.next()));

      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ requestId: 'req-7' });
      expect(fetch.requests).toHaveLength(1);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it('times out opening after timeoutMs, but the open stream outlives it', async () => {
      const stream = scriptedStream(OPENING);
      const { fetch, clock, receiver } = setup(['hang', stream.reply], { timeoutMs: 5_000 });

      const error = await rejection(clock.settle(receiver.streamInvites(XUID, ENDPOINT_ID).next()));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(fetch.requests[0]?.signal?.aborted).toBe(true);

      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);
      const pending = iterator.next();
      for (let i = 0; i < 4; i++) {
        await clock.advance(20_000);
        stream.push(': heartbeat\n\n');
      }
      stream.push(inviteEvent('1', A));
      expect(await pending).toMatchObject({ value: { id: A.id } });
      expect(fetch.requests[1]?.signal?.aborted).toBe(false);
      await iterator.return();
    });
  });

  describe('a stream that breaks the contract', () => {
    it.each([
      ['a 200 HTML page', () => new Response('<html>portal</html>', { status: 200 })],
      ['a 204', () => new Response(null, { status: 204, headers: { 'Content-Type': 'text/event-stream' } })],
    ])(
      'ends the iteration with an ApiError UnexpectedResponse on %s, without retrying',
      async (_, answer) => {
        const { fetch, clock, receiver } = setup([answer]);

        const error = await rejection(clock.settle(receiver.streamInvites(XUID, ENDPOINT_ID).next()));

        expect(error).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ errorCode: 'UnexpectedResponse' });
        expect(fetch.requests).toHaveLength(1);
      },
    );

    it.each([
      [
        'data that is not an Invite',
        `id: 1\nevent: invite\ndata: ${JSON.stringify({ ...A, createdAt: 'yesterday' })}\n\n`,
      ],
      ['data that is not JSON', 'id: 1\nevent: invite\ndata: {"id":\n\n'],
      ['no id', `event: invite\ndata: ${JSON.stringify(A)}\n\n`],
      ['an id fetch could not send back', `id: 1 2\nevent: invite\ndata: ${JSON.stringify(A)}\n\n`],
    ])(
      'ends the iteration with an ApiError UnexpectedResponse on an invite event with %s, closing the stream',
      async (_, event) => {
        const stream = scriptedStream(OPENING, event);
        const { clock, receiver } = setup([stream.reply]);
        const iterator = receiver.streamInvites(XUID, ENDPOINT_ID);

        const error = await rejection(clock.settle(iterator.next()));

        expect(error).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ status: 200, errorCode: 'UnexpectedResponse', requestId: 'stream-1' });
        expect(stream.cancelled).toBe(true);
        expect(await iterator.next()).toEqual({ done: true, value: undefined });
      },
    );

    it('ends the iteration with an ApiError UnexpectedResponse on an event larger than any Invite', async () => {
      const stream = scriptedStream(OPENING, `data: ${'x'.repeat(70_000)}`);
      const { clock, receiver } = setup([stream.reply]);

      const error = await rejection(clock.settle(receiver.streamInvites(XUID, ENDPOINT_ID).next()));

      expect(error).toMatchObject({ errorCode: 'UnexpectedResponse' });
      expect(stream.cancelled).toBe(true);
    });
  });

  describe('stopping', () => {
    /** An iterator waiting on an open stream that has sent nothing but its opening. */
    async function waiting(signal?: AbortSignal) {
      const stream = scriptedStream(OPENING);
      const { fetch, clock, receiver } = setup([stream.reply]);
      const iterator = receiver.streamInvites(XUID, ENDPOINT_ID, { signal });
      const pending = iterator.next().catch((error: unknown) => error);
      await clock.advance(10_000);
      expect(fetch.requests).toHaveLength(1);
      return { stream, fetch, clock, iterator, pending };
    }

    function expectClosed(
      stream: ScriptedStream,
      fetch: ReturnType<typeof setup>['fetch'],
      clock: FakeClock,
    ) {
      expect(fetch.requests.every((r) => r.signal?.aborted)).toBe(true);
      expect(stream.cancelled).toBe(true);
      expect(clock.pendingTimers).toBe(0);
    }

    it('rejects the pending next() with the abort reason when the signal aborts, aborting the request', async () => {
      const controller = new AbortController();
      const reason = new Error('the player signed out');
      const { stream, fetch, clock, iterator, pending } = await waiting(controller.signal);

      controller.abort(reason);

      expect(await pending).toBe(reason);
      expectClosed(stream, fetch, clock);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it('resolves the pending next() done when return() is called, aborting the request', async () => {
      const { stream, fetch, clock, iterator, pending } = await waiting();

      await expect(iterator.return()).resolves.toEqual({ done: true, value: undefined });

      expect(await pending).toEqual({ done: true, value: undefined });
      expectClosed(stream, fetch, clock);
    });

    it('rejects with the abort reason during the wait before reconnecting, sending nothing more', async () => {
      const controller = new AbortController();
      const reason = new Error('closing');
      const { fetch, clock, receiver } = setup([ended(OPENING).reply]);
      const pending = receiver
        .streamInvites(XUID, ENDPOINT_ID, { signal: controller.signal })
        .next()
        .catch((error: unknown) => error);
      await clock.advance(0);
      expect(clock.sleeps).toContain(FIRST_RECONNECTION_MS);

      controller.abort(reason);

      expect(await pending).toBe(reason);
      expect(fetch.requests).toHaveLength(1);
      expect(clock.pendingTimers).toBe(0);
    });

    it('closes the stream, acknowledging nothing, when the signal aborts while an invite is processed', async () => {
      const controller = new AbortController();
      const reason = new Error('closing');
      const stream = scriptedStream(OPENING, inviteEvent('1', A));
      const { fetch, clock, receiver } = setup([stream.reply]);

      const error = await rejection(
        clock.settle(
          (async () => {
            for await (const _ of receiver.streamInvites(XUID, ENDPOINT_ID, { signal: controller.signal })) {
              controller.abort(reason);
              // The stream is closed at once, not at the loop's next turn.
              expect(stream.cancelled).toBe(true);
            }
          })(),
        ),
      );

      expect(error).toBe(reason);
      expect(traffic(fetch)).toEqual([STREAM]);
      expect(fetch.requests[0]?.signal?.aborted).toBe(true);
    });
  });
});
