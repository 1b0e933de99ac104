// receiveInviteStream over HTTP: the Server-Sent Events response, its errors before it starts, and
// its end when the service drains.
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';
import { trackedTestServers } from '../support/test-servers.ts';
import { devicesWaiting } from '../support/waiting.ts';

const start = trackedTestServers();
const A = '2814613569642996';

interface StreamEvent {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

/** An open stream, read event by event (blocks separated by a blank line). */
async function openStream(server: TestServer, headers: Record<string, string> = {}, endpointId = 'console') {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/users/${A}/endpoints/${endpointId}/invites/stream`, {
    headers: { authorization: await server.userCredential(A), ...headers },
    signal: controller.signal,
  });
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let buffer = '';
  const next = async (): Promise<StreamEvent | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: StreamEvent = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) event.comment = line.slice(1).trim();
          else {
            const colon = line.indexOf(':');
            event[line.slice(0, colon) as 'id' | 'event' | 'data' | 'retry'] = line.slice(colon + 2);
          }
        }
        return event;
      }
      reader ??= response.body?.pipeThrough(new TextDecoderStream()).getReader();
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return undefined;
      buffer += chunk.value;
    }
  };
  return { response, next, close: () => controller.abort() };
}

async function register(server: TestServer, endpointId = 'console') {
  const response = await fetch(`${server.url}/users/${A}/endpoints/${endpointId}`, {
    method: 'PUT',
    headers: { authorization: await server.userCredential(A), 'content-type': 'application/json' },
    body: JSON.stringify({ platform: 'Win32' }),
  });
  expect(response.status).toBe(201);
}

async function send(server: TestServer, connectionString: string) {
  const authorization = await server.serviceCredential([TITLE_ID]);
  const sent = await callInvite(server.url, {
    authorization,
    body: { invitedUsers: [A], sender: SENDER, connectionString },
  });
  expect(sent.status).toBe(204);
}

describe('receiveInviteStream', () => {
  it('streams Server-Sent Events: retry first, the pending invite, then a new one as it arrives', async () => {
    const server = await start();
    await register(server);
    await send(server, 'pending');
    const stream = await openStream(server);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.response.headers.get('cache-control')).toBe('no-store');
    expect(stream.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const retry = Number((await stream.next())?.retry);
    expect(retry).toBeGreaterThanOrEqual(1000);
    expect(retry).toBeLessThanOrEqual(5000);
    const first = await stream.next();
    expect(first).toMatchObject({ event: 'invite', id: expect.stringMatching(/^[0-9]+$/) });
    const pending = JSON.parse(first?.data ?? '{}');
    // Exactly the Invite receiveInvites returns.
    const polled = await fetch(`${server.url}/users/${A}/endpoints/console/invites`, {
      headers: { authorization: await server.userCredential(A) },
    });
    expect((await polled.json()).invites).toEqual([pending]);

    await send(server, 'new');
    const second = await stream.next();
    expect(JSON.parse(second?.data ?? '{}').connectionString).toBe('new');
    expect(Number(second?.id)).toBeGreaterThan(Number(first?.id));
    stream.close();
  });

  it('continues after Last-Event-ID without sending what came before', async () => {
    const server = await start();
    await register(server);
    await send(server, 'one');
    await send(server, 'two');
    const first = await openStream(server);
    await first.next();
    const one = await first.next();
    first.close();
    const resumed = await openStream(server, { 'last-event-id': String(one?.id) });
    await resumed.next();
    expect(JSON.parse((await resumed.next())?.data ?? '{}').connectionString).toBe('two');
    resumed.close();
  });

  it.each([
    ['a malformed Last-Event-ID', { 'last-event-id': 'abc' }, 'console', 400, 'RequestValidationError'],
    ['an endpoint not registered', {}, 'tv', 404, 'NotFound'],
  ])(
    'answers %s with a JSON error before any event',
    async (_name, headers, endpointId, status, errorCode) => {
      const server = await start();
      await register(server);
      const stream = await openStream(server, headers, endpointId);
      expect(stream.response.status).toBe(status);
      expect(stream.response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await stream.response.json()).toMatchObject({ errorCode });
    },
  );

  it('answers 401 without a credential', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/users/${A}/endpoints/console/invites/stream`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ errorCode: 'AuthenticationError' });
  });

  it('counts as a waiting device: past the capacity a stream is refused 503 before it starts', async () => {
    const server = await start({ env: { MAX_WAITING_DEVICES: '1' } });
    await register(server, 'console');
    await register(server, 'phone');
    const stream = await openStream(server);
    await devicesWaiting(server, 1);
    const refused = await openStream(server, {}, 'phone');
    expect(refused.response.status).toBe(503);
    expect(await refused.response.json()).toEqual({
      errorCode: 'ServiceUnavailable',
      debugMessage: 'this instance holds as many waiting devices as it can; retry after Retry-After seconds',
    });
    stream.close();
    await devicesWaiting(server, 0);
  });

  it('ends the stream promptly when the service drains', async () => {
    const server = await start();
    await register(server);
    const stream = await openStream(server);
    await stream.next();
    await devicesWaiting(server, 1);
    const stopped = server.close();
    expect(await stream.next()).toBeUndefined();
    await stopped;
  });
});
