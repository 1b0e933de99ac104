// The service as deployed: `pnpm build` bundles it into dist/, and `pnpm start` runs that. The
// bundle is built into a scratch folder next to dist/ (the contract is found relative to it) and
// started as `pnpm start` starts it: no configuration, free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildService, serviceNodeFlags } from '../build.ts';
import { loadConfig } from '../src/config.ts';
import { mintCredential } from '../src/credentials/mint.ts';
import { callInvite, TITLE_ID, validInvite } from './support/invite-request.ts';

const packageDir = join(import.meta.dirname, '..');
let outdir: string;
let workdir: string;
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  outdir = mkdtempSync(join(packageDir, '.build-test-'));
  workdir = mkdtempSync(join(tmpdir(), 'server-invites-bundle-'));
  await buildService(outdir);
  child = spawn(process.execPath, [...serviceNodeFlags, join(outdir, 'main.mjs')], {
    cwd: workdir,
    env: { PATH: process.env.PATH, PORT: '0', NODE_COMPILE_CACHE: join(workdir, 'compile-cache') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The log is read to the end (an unread pipe would fill and block the process).
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  url = await new Promise<string>((resolve) => {
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg: string; url?: string };
      if (entry.msg === 'listening' && entry.url) resolve(entry.url);
    });
  });
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(outdir, { recursive: true, force: true });
  rmSync(workdir, { recursive: true, force: true });
});

describe('pnpm start', () => {
  it('builds, then runs dist/main.mjs with the service Node.js flags of build.ts', async () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    // `exec`: the shell pnpm runs the script in gives way to the service, which then receives a
    // stop signal itself and exits 0 (a shell in between would die of it, and pnpm report that).
    expect(manifest.scripts.start).toBe(
      `node build.ts && exec node ${serviceNodeFlags.join(' ')} dist/main.mjs`,
    );
    // `pnpm serve` runs an existing build the same way (several replicas from one build).
    expect(manifest.scripts.serve).toBe(`exec node ${serviceNodeFlags.join(' ')} dist/main.mjs`);
  });

  it('builds two ES modules, as the README says: main.mjs (the compile cache) and serve.mjs (the service)', () => {
    expect(readdirSync(outdir).sort()).toEqual(['main.mjs', 'main.mjs.map', 'serve.mjs', 'serve.mjs.map']);
  });
});

describe('the built service (dist/main.mjs, as `pnpm start` runs it)', () => {
  it('is ready once it listens', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('sends an invite with a development credential (204) and refuses a bad body (400, JSON)', async () => {
    const config = loadConfig({});
    if (config.auth.keys.kind !== 'hs256-secret') throw new Error('the default keys are an HS256 secret');
    const authorization = await mintCredential({
      secret: config.auth.keys.secret,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      subject: { kind: 'service', titleIds: [TITLE_ID] },
      ttlSeconds: 300,
      nowMs: Date.now(),
    });
    expect((await callInvite(url, { authorization, body: validInvite })).status).toBe(204);
    const refused = await callInvite(url, { authorization, body: { sender: 'x' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ errorCode: 'RequestValidationError' });
  });

  it('serves its metrics (prom-client inside the bundle) on its port by default', async () => {
    const response = await fetch(`${url}/metrics`);

    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# HELP /);
  });

  it('serves its contract and the documentation page with its assets', async () => {
    const contract = await fetch(`${url}/openapi.yaml`);
    expect(contract.status).toBe(200);
    expect(await contract.text()).toMatch(/^openapi: 3\.0\.3/m);
    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    const asset = await fetch(`${url}/docs/assets/swagger-ui.css`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/css/);
    // Read to the end: a response still being written holds the SIGTERM drain (by design, up to
    // SHUTDOWN_TIMEOUT_MS), which made the exit test below wait on this one.
    await Promise.all([docs.text(), asset.text()]);
  });

  it('writes its compile cache, keeps its data in .data, and exits 0 on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(existsSync(join(workdir, 'compile-cache'))).toBe(true);
    expect(existsSync(join(workdir, '.data', 'invites.sqlite'))).toBe(true);
  });
});
