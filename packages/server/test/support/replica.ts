// Processes of the built service (dist/main.mjs, as `pnpm start` runs it) for the multi-replica
// tests: each on a free port, configured by environment only, spoken to over HTTP only.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { serviceNodeFlags } from '../../build.ts';
import { loadConfig } from '../../src/config.ts';
import { mintCredential, type TokenSubject } from '../../src/credentials/mint.ts';

export interface Replica {
  url: string;
  child: ChildProcess;
  /** Every log line the replica wrote, parsed. */
  log: Record<string, unknown>[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startReplica(bundleDir: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, [...serviceNodeFlags, join(bundleDir, 'main.mjs')], {
    cwd: bundleDir,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATA_DIR: ':memory:',
      NODE_COMPILE_CACHE: join(bundleDir, 'compile-cache'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the replica did not start:\n${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the replica exited with ${code}:\n${stderr}`));
    });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      log.push(entry);
      if (entry.msg === 'listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return {
    url,
    child,
    log,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** An Authorization header the replicas (started with the development secret) accept. */
export function credential(subject: TokenSubject): Promise<string> {
  const config = loadConfig({});
  if (config.auth.keys.kind !== 'hs256-secret') throw new Error('the default keys are an HS256 secret');
  return mintCredential({
    secret: config.auth.keys.secret,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    subject,
    ttlSeconds: 600,
    nowMs: Date.now(),
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  ms: number;
}

/** One HTTP call; the body parsed as JSON when there is one. */
export async function call(
  url: string,
  init: { method?: string; authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const started = performance.now();
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...init.headers,
      ...(init.authorization && { authorization: init.authorization }),
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    ms: performance.now() - started,
  };
}

/** `call` as tests of one service write it: where, as whom, with which method and body. */
export function request(url: string, authorization?: string, method = 'GET', body?: unknown): Promise<Reply> {
  return call(url, {
    method,
    ...(authorization !== undefined && { authorization }),
    ...(body !== undefined && { body }),
  });
}
