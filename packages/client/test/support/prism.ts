import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const SPEC = path.resolve(import.meta.dirname, '../../../../spec/openapi.yaml');
const READY_WITHIN_MS = 30_000;

export interface RunningPrism {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `prism mock` on the contract, on a free loopback port, and waits until it answers. */
export async function startPrism(): Promise<RunningPrism> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Prism's own entry point, run by this Node (24): its bin shim would pick whatever `node` is first on PATH.
  const manifest = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { prism: string } };
  const child = spawn(
    process.execPath,
    [path.join(path.dirname(manifest), bin.prism), 'mock', '-p', String(port), '-h', '127.0.0.1', SPEC],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  try {
    await waitUntilAnswering(`${url}/healthz`, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Prism did not start: ${(error as Error).message}\n${output}`);
  }
  return { url, stop: () => stop(child) };
}

async function waitUntilAnswering(probe: string, child: ChildProcess): Promise<void> {
  const giveUpAt = Date.now() + READY_WITHIN_MS;
  while (Date.now() < giveUpAt) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    try {
      await fetch(probe, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await delay(100);
    }
  }
  throw new Error(`no answer from ${probe} within ${READY_WITHIN_MS} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
