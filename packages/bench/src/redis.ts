// The Redis the service-on-Redis configuration runs against: Debian's redis-server on a free
// loopback port of the same machine, in a temporary directory, configured as the README
// recommends (AOF, appendfsync everysec, noeviction). Its INFO counters give what a send costs.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './runner.ts';

const run = promisify(execFile);

export interface RedisCounters {
  /** Reads of client sockets: with pipelining, one per batch a client sent (a round trip). */
  readsProcessed: number;
  commandsProcessed: number;
}

export interface BenchRedis {
  url: string;
  counters(): Promise<RedisCounters>;
  stop(): Promise<void>;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'bench-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.once('error', () => {});
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with ${code} (is it installed?)\n${output}`)),
    );
    child.once('error', (error) => reject(new Error(`redis-server could not start: ${error.message}`)));
  });
  child.stdout?.resume();
  return {
    url: `redis://127.0.0.1:${port}`,
    async counters() {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'info', 'stats']);
      const field = (name: string) =>
        Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(stdout)?.[1] ?? Number.NaN);
      return {
        readsProcessed: field('total_reads_processed'),
        commandsProcessed: field('total_commands_processed'),
      };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
