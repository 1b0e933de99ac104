// What one replica holds, and what it answers past each cap (issue 20): waiting devices, open
// connections (idle ones closed first), requests pipelined unread, endpoints per user. Each attack of
// the issue, at a size CI can afford: past the cap the answer is the documented one, and the
// process goes on answering.
import { describe, expect, it } from 'vitest';
import { WAIT_REFUSED_RETRY_AFTER_SECONDS } from '../../src/invites/endpoints.ts';
import type { TestServer } from '../../src/testing.ts';
import { firstDeliveryHeld, gate } from '../support/gate.ts';
import { callInvite, SENDER, TITLE_ID } from '../support/invite-request.ts';
import { sample } from '../support/prometheus.ts';
import { get, openConnection, type RawConnection } from '../support/raw-connection.ts';
import { trackedTestServers } from '../support/test-servers.ts';
import { devicesWaiting } from '../support/waiting.ts';

const start = trackedTestServers();
const PLAYERS = Array.from({ length: 40 }, (_, i) => String(2814613569642996n + BigInt(i)));

function player(server: TestServer, index: number) {
  const xuid = PLAYERS[index] as string;
  const authorization = server.userCredential(xuid);
  const endpoint = (endpointId: string) => `${server.url}/users/${xuid}/endpoints/${endpointId}`;
  return {
    xuid,
    async register(endpointId = 'console') {
      const response = await fetch(endpoint(endpointId), {
        method: 'PUT',
        headers: { authorization: await authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ platform: 'Win32' }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async poll(waitSeconds: number, endpointId = 'console') {
      const response = await fetch(`${endpoint(endpointId)}/invites?waitSeconds=${waitSeconds}`, {
        headers: { authorization: await authorization },
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as never };
    },
    /** A long poll on a connection of its own, which the test reads or closes. */
    async pollOn(waitSeconds: number): Promise<RawConnection> {
      const connection = await openConnection(server.url);
      connection.write(
        get(`/users/${xuid}/endpoints/console/invites?waitSeconds=${waitSeconds}`, {
          Authorization: await authorization,
        }),
      );
      return connection;
    },
  };
}

async function invite(server: TestServer, invitedUsers: string[]) {
  const authorization = await server.serviceCredential([TITLE_ID]);
  return callInvite(server.url, { authorization, body: { invitedUsers, sender: SENDER } });
}

/** Read in process: a scrape over HTTP would itself be a connection, and these tests count them. */
const metricsOf = (server: TestServer) => server.deps.metrics.exposition?.text() ?? Promise.resolve('');
const refusals = async (server: TestServer, resource: string) =>
  sample(await metricsOf(server), 'capacity_refusals_total', { resource });

describe('waiting devices', () => {
  it('refuses a wait past MAX_WAITING_DEVICES with 503 and a jittered Retry-After, answers what is pending, and admits again once a wait ends', async () => {
    const server = await start({ env: { MAX_WAITING_DEVICES: '2' } });
    const [a, b, c, d] = [0, 1, 2, 3].map((index) => player(server, index)) as ReturnType<typeof player>[];
    for (const device of [a, b, c, d]) expect((await device?.register())?.status).toBe(201);
    const waits = [a?.poll(30), b?.poll(30)];
    await devicesWaiting(server, 2);

    const refused = await c?.poll(30);
    expect(refused?.status).toBe(503);
    expect(refused?.body).toEqual({
      errorCode: 'ServiceUnavailable',
      debugMessage:
        'this instance holds as many waiting devices as it can; retry after Retry-After seconds, or poll without waitSeconds',
    });
    const retryAfter = Number(refused?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(WAIT_REFUSED_RETRY_AFTER_SECONDS.min);
    expect(retryAfter).toBeLessThanOrEqual(WAIT_REFUSED_RETRY_AFTER_SECONDS.max);
    expect(await refusals(server, 'waiting_devices')).toBe(1);

    // A device with something pending is answered at once, full room or not.
    expect((await invite(server, [d?.xuid as string])).status).toBe(204);
    const pending = await d?.poll(30);
    expect(pending?.status).toBe(200);
    expect(pending?.body).toMatchObject({ invites: [{ invitedUser: d?.xuid }] });

    // An invite for a waiting device ends its wait; the room then admits a new one.
    expect((await invite(server, [a?.xuid as string])).status).toBe(204);
    expect((await waits[0])?.status).toBe(200);
    await devicesWaiting(server, 1);
    const admitted = c?.poll(30);
    await devicesWaiting(server, 2);
    expect((await invite(server, [b?.xuid as string, c?.xuid as string])).status).toBe(204);
    expect([(await waits[1])?.status, (await admitted)?.status]).toEqual([200, 200]);
    expect(sample(await metricsOf(server), 'capacity_limit', { resource: 'waiting_devices' })).toBe(2);
  });

  it('frees the place of a device that goes away while it waits', async () => {
    const server = await start({ env: { MAX_WAITING_DEVICES: '1' } });
    const [a, b] = [player(server, 0), player(server, 1)];
    await a.register();
    await b.register();
    const connection = await a.pollOn(30);
    await devicesWaiting(server, 1);
    connection.destroy();
    await devicesWaiting(server, 0);
    const waiting = b.poll(30);
    await devicesWaiting(server, 1);
    await invite(server, [b.xuid]);
    expect((await waiting).status).toBe(200);
  });
});

describe('endpoints per user', () => {
  it('refuses a registration past MAX_ENDPOINTS_PER_USER with 409 TooManyEndpoints, and still refreshes one', async () => {
    const server = await start({ env: { MAX_ENDPOINTS_PER_USER: '2' } });
    const a = player(server, 0);
    expect((await a.register('one')).status).toBe(201);
    expect((await a.register('two')).status).toBe(201);
    expect(await a.register('three')).toEqual({
      status: 409,
      body: {
        errorCode: 'TooManyEndpoints',
        debugMessage: `user ${a.xuid} has 2 live endpoints, the most allowed; unregister one first`,
      },
    });
    expect((await a.register('two')).status).toBe(200);
    expect(await refusals(server, 'endpoints')).toBe(1);
  });
});

describe('open connections', () => {
  /** MAX_CONNECTIONS' smallest value: small enough to fill, with raw connections the test holds. */
  const CAP = 16;

  async function idleConnections(server: TestServer, count: number): Promise<RawConnection[]> {
    const connections: RawConnection[] = [];
    for (let i = 0; i < count; i++) {
      const connection = await openConnection(server.url);
      connection.write(get('/healthz'));
      expect((await connection.response()).status).toBe(200);
      connections.push(connection);
    }
    return connections;
  }

  it('serves a new caller at the cap by closing the connection idle the longest', async () => {
    const server = await start({ env: { MAX_CONNECTIONS: String(CAP) } });
    const idle = await idleConnections(server, CAP);
    // The oldest is used again: the second oldest is now the one idle the longest.
    idle[0]?.write(get('/healthz'));
    expect((await idle[0]?.response())?.status).toBe(200);

    const newcomer = await openConnection(server.url);
    newcomer.write(get('/openapi.yaml'));
    expect((await newcomer.response()).status).toBe(200);
    await idle[1]?.closed;
    const metrics = await metricsOf(server);
    expect(sample(metrics, 'idle_connections_closed_total')).toBe(1);
    expect(sample(metrics, 'capacity_limit', { resource: 'connections' })).toBe(CAP);
    for (const connection of [...idle, newcomer]) connection.destroy();
  });

  it('refuses a new caller with 503 when every connection is busy, still answers the probes, and recovers', async () => {
    const held = gate();
    const server = await start({
      env: { MAX_CONNECTIONS: String(CAP), MAX_WAITING_DEVICES: String(CAP - 1) },
      overrides: { delivery: firstDeliveryHeld(held) },
    });
    const devices = Array.from({ length: CAP - 1 }, (_, index) => player(server, index));
    for (const device of devices) await device.register();
    const polls = await Promise.all(devices.map((device) => device.pollOn(30)));
    await devicesWaiting(server, CAP - 1);
    // The last connection: a send held in flight.
    const sending = openConnection(server.url).then(async (connection) => {
      const body = JSON.stringify({ invitedUsers: [PLAYERS[0]], sender: SENDER });
      connection.write(
        `POST /titles/${TITLE_ID}/invites/server HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${await server.serviceCredential([TITLE_ID])}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      return connection;
    });
    await held.reached;

    const refused = await openConnection(server.url);
    refused.write(get('/openapi.yaml'));
    const answer = await refused.response();
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      errorCode: 'ServiceUnavailable',
      debugMessage: 'this instance holds as many connections as it can; retry shortly',
    });
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await refused.closed;

    for (const probe of ['/healthz', '/readyz']) {
      const connection = await openConnection(server.url);
      connection.write(get(probe));
      expect((await connection.response()).status).toBe(200);
      await connection.closed;
    }

    held.open();
    expect((await (await sending).response()).status).toBe(204);
    for (const poll of polls) poll.destroy();
    await devicesWaiting(server, 0);
    expect(await refusals(server, 'connections')).toBe(1);
  });
});

describe('request bodies being received', () => {
  it('refuses a body past MAX_BODY_BYTES_IN_FLIGHT with 503, and takes bodies again once the first is answered', async () => {
    const held = gate();
    const server = await start({
      env: { MAX_BODY_BYTES_IN_FLIGHT: '1024' },
      overrides: { delivery: firstDeliveryHeld(held) },
    });
    const authorization = await server.serviceCredential([TITLE_ID]);
    // ~600 bytes: one fits in the budget, two do not.
    const body = { invitedUsers: PLAYERS.slice(0, 16), sender: SENDER, connectionString: 'x'.repeat(200) };
    const first = callInvite(server.url, { authorization, body });
    await held.reached;
    const refused = await callInvite(server.url, { authorization, body });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      errorCode: 'ServiceUnavailable',
      debugMessage: 'too many request bodies are being received; retry shortly',
    });
    expect(refused.headers.get('retry-after')).toBe('1');
    held.open();
    expect((await first).status).toBe(204);
    expect((await callInvite(server.url, { authorization, body })).status).toBe(204);
    expect(await refusals(server, 'request_bodies')).toBe(1);
  });
});

describe('pipelined requests', () => {
  it('answers requests pipelined within the limit, in order', async () => {
    const server = await start({ env: { MAX_PIPELINED_REQUESTS: '4' } });
    const connection = await openConnection(server.url);
    connection.write(get('/healthz') + get('/readyz') + get('/nope'));
    expect([
      (await connection.response()).status,
      (await connection.response()).status,
      (await connection.response()).status,
    ]).toEqual([200, 200, 404]);
    connection.destroy();
  });

  it('closes a connection that pipelines past the limit without reading, and goes on serving others', async () => {
    const server = await start({ env: { MAX_PIPELINED_REQUESTS: '4' } });
    const flood = await openConnection(server.url, { read: false });
    flood.write(get('/openapi.yaml').repeat(1000));
    await flood.closed;
    expect(await refusals(server, 'pipelined_requests')).toBe(1);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
