// Probes, documentation, and the server's life: readiness, graceful shutdown, the main process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import { gate } from '../support/gate.ts';
import { callInvite, TITLE_ID, validInvite } from '../support/invite-request.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('probes and documentation', () => {
  it('answers /healthz with 200 ok', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when ready and 503 draining once draining, logged as answers, not errors', async () => {
    const lines: { level: number; msg: string; res?: { statusCode: number } }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    server = await startTestServer({ overrides: { logger } });
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    server.deps.lifecycle.markDraining();
    const draining = await fetch(`${server.url}/readyz`);
    expect([draining.status, await draining.json()]).toEqual([503, { status: 'draining' }]);
    await vi.waitFor(() => expect(lines.filter((line) => line.res?.statusCode === 503)).toHaveLength(1));
    expect(lines.find((line) => line.res?.statusCode === 503)).toMatchObject({
      level: 30,
      msg: 'request completed',
    });
  });

  it('serves its contract at /openapi.yaml', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/openapi.yaml`);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    const document = parse(await response.text());
    expect(document.paths['/titles/{titleId}/invites/server'].post.operationId).toBe('sendServerInvite');
  });

  it('serves rendered documentation at /docs, with its assets from the service itself', async () => {
    server = await startTestServer();
    const page = await fetch(`${server.url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toMatch(/^<!doctype html>/);
    const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts).toEqual(['/docs/assets/swagger-ui-bundle.js']);
    const asset = await fetch(`${server.url}${scripts[0]}`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
  });

  it('answers a missing documentation asset with 404 NotFound as JSON', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/docs/assets/missing.js`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ errorCode: 'NotFound', debugMessage: 'no such resource' });
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new connections, and then resolves', async () => {
    const held = gate();
    server = await startTestServer({
      overrides: {
        delivery: {
          deliver: async () => {
            await held.wait();
            return { reached: [], dropped: 0 };
          },
        },
      },
    });
    const { url } = server;
    const inFlight = callInvite(url, {
      authorization: await server.serviceCredential([TITLE_ID]),
      body: validInvite,
    });
    await held.reached;

    const stopped = server.close();
    expect(server.deps.lifecycle.state).toBe('draining');
    await expect(fetch(`${url}/healthz`, { headers: { connection: 'close' } })).rejects.toThrow();

    held.open();
    const answered = await inFlight;
    expect(answered.status).toBe(204);
    // Told to close its keep-alive connection, so that the client reconnects elsewhere.
    expect(answered.headers.get('connection')).toBe('close');
    await stopped;
    server = undefined;
  });
});

describe('the main process from the sources (src/main.ts; test/build.test.ts starts the bundle)', () => {
  it('starts with no configuration, serves, keeps its data in a data directory, and exits 0 on SIGTERM', async () => {
    // The working directory stands in for a fresh checkout: the default data directory is made in it.
    const cwd = mkdtempSync(join(tmpdir(), 'server-invites-start-'));
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'src', 'main.ts')], {
      cwd,
      env: { PATH: process.env.PATH, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let url: string | undefined;
      for await (const line of createInterface({ input: child.stdout })) {
        const entry = JSON.parse(line) as { msg: string; url?: string };
        if (entry.msg === 'listening') {
          url = entry.url;
          break;
        }
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(existsSync(join(cwd, '.data', 'invites.sqlite'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start in production without keys, naming the variable', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'src', 'main.ts')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/AUTH_HS256_SECRET: production needs a token key/);
  });
});
