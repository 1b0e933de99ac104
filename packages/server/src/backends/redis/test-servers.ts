// Real Redis servers for tests (the server's, the conformance suite's and the Schemathesis run's):
// Debian's redis-server on free loopback ports, each in a temporary directory, stopped (and the
// directory removed) by the test. Never a mock of Redis. A missing redis-server fails the test that
// needs it (CI installs it: .ci/run).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function requireRedisServer(): void {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(
      'redis-server is not installed: these tests need a real Redis (apt-get install redis-server; .ci/run installs it)',
    );
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RedisServerOptions {
  /**
   * AOF on, with this fsync policy (`always` for the persistence tests; `everysec`, as the README
   * recommends, for the bench); absent: no AOF.
   */
  appendfsync?: 'always' | 'everysec';
  cluster?: boolean;
}

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  /** Runs redis-cli against this server; returns its output. */
  cli(...args: string[]): Promise<string>;
  /** Sends the server a signal without waiting for it to exit (SIGSTOP: a hung server; SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  /** Stops the server (SIGTERM, or SIGKILL), keeping its directory for a restart. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  remove(): Promise<void>;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  requireRedisServer();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'server-invites-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
    ...(options.appendfsync
      ? ['--appendonly', 'yes', '--appendfsync', options.appendfsync]
      : ['--appendonly', 'no']),
    ...(options.cluster
      ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')]
      : []),
  ];
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      });
    });
    // Keep draining its output so that the pipe never fills.
    started.stdout?.resume();
    started.stderr?.resume();
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async cli(...cliArgs) {
      const { stdout } = await run('redis-cli', ['-p', String(port), ...cliArgs]);
      return stdout;
    },
    signal(signal) {
      child?.kill(signal);
    },
    stop,
    start,
    async remove() {
      await stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisCluster {
  nodes: RedisServer[];
  /** `host:port,...`, as REDIS_CLUSTER_NODES takes it. */
  seeds: string;
  /** Empties every master. */
  flush(): Promise<void>;
  remove(): Promise<void>;
}

/** Three masters, no replicas, on loopback (`redis-cli --cluster create`), ready when it returns. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const nodes = await Promise.all([0, 1, 2].map(() => startRedisServer({ cluster: true })));
  const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
  await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
  // Every node must agree that all slots are served before clients use it.
  const deadline = Date.now() + 15_000;
  for (const node of nodes) {
    while (!(await node.cli('cluster', 'info')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not reach cluster_state:ok');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    nodes,
    seeds: addresses.join(','),
    async flush() {
      await Promise.all(nodes.map((node) => node.cli('flushall')));
    },
    async remove() {
      await Promise.all(nodes.map((node) => node.remove()));
    },
  };
}
