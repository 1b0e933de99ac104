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

/** Whether `port` can be bound on loopback now. */
async function bindable(port: number): Promise<boolean> {
  const server = createServer();
  // Listeners, not events.once: its promise for 'listening' rejects on 'error'.
  const outcome = await new Promise<boolean>((resolve) => {
    server.once('listening', () => resolve(true));
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1');
  });
  if (outcome) {
    server.close();
    await once(server, 'close');
  }
  return outcome;
}

/** A free port whose Cluster bus port (port + 10000) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await bindable(port + 10_000))) return port;
  }
}

export interface RedisServerOptions {
  /**
   * AOF on, with this fsync policy (`always` for the persistence tests; `everysec`, as the README
   * recommends, for the bench); absent: no AOF.
   */
  appendfsync?: 'always' | 'everysec';
  cluster?: boolean;
  /** Cluster nodes only: how long a node may be unreachable before it counts as failed (ms). */
  clusterNodeTimeoutMs?: number;
  /** `requirepass` (and `masterauth`, for a Cluster's replicas); the helpers' redis-cli uses it. */
  password?: string;
  /** `maxmemory` in bytes (with `noeviction`, always set): a Redis that fills up. Absent: none. */
  maxmemoryBytes?: number;
  /** A port chosen beforehand (a service told where Redis will be before it starts); default: a free one. */
  port?: number;
}

export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>`, with the password when there is one. */
  url: string;
  dir: string;
  /** Runs redis-cli against this server; returns its output. */
  cli(...args: string[]): Promise<string>;
  /** Whether its process runs (it may be stopped, SIGSTOP, and still run). */
  running(): boolean;
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
  // Another process may take a port between its choice and Redis binding it: a chosen port is
  // tried again (a given one is not).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRedisServerOn(
        options.port ?? (options.cluster ? await freeClusterPort() : await freePort()),
        options,
      );
    } catch (error) {
      const taken = error instanceof Error && error.message.includes('Address already in use');
      if (!taken || options.port !== undefined || attempt === 3) throw error;
    }
  }
}

async function startRedisServerOn(port: number, options: RedisServerOptions): Promise<RedisServer> {
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
      ? [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, 'nodes.conf'),
          ...(options.clusterNodeTimeoutMs
            ? ['--cluster-node-timeout', String(options.clusterNodeTimeoutMs)]
            : []),
        ]
      : []),
    ...(options.password ? ['--requirepass', options.password, '--masterauth', options.password] : []),
    ...(options.maxmemoryBytes ? ['--maxmemory', String(options.maxmemoryBytes)] : []),
  ];
  const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
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
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: options.password
      ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}`
      : `redis://127.0.0.1:${port}`,
    dir,
    async cli(...cliArgs) {
      const { stdout } = await run('redis-cli', ['-p', String(port), ...auth, ...cliArgs]);
      return stdout;
    },
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
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
  /** Masters first (as created), then their replicas; a killed node stays listed. */
  nodes: RedisServer[];
  /** `host:port,...` of the masters as created, as REDIS_CLUSTER_NODES takes it. */
  seeds: string;
  /** Empties every master. */
  flush(): Promise<void>;
  /** The slot a key hashes to. */
  keySlot(key: string): Promise<number>;
  /** The node serving `slot` as master now, as a live node sees it. */
  masterOf(slot: number): Promise<RedisServer>;
  /** The masters (live ones, as a live node sees them). */
  masters(): Promise<RedisServer[]>;
  /**
   * Moves a slot and its keys to another master as `redis-cli --cluster reshard` does: the slot is
   * importing on `to` and migrating on its owner while its keys move a few at a time (clients
   * meanwhile get ASK and TRYAGAIN), then every master is told its new owner (MOVED from then on).
   */
  moveSlot(slot: number, to: RedisServer): Promise<void>;
  /**
   * Resolves once every live node says cluster_state:ok, every replica has synced with its master,
   * and (when given) `master` serves as a master.
   */
  waitUntilOk(options?: { master?: RedisServer; timeoutMs?: number }): Promise<void>;
  remove(): Promise<void>;
}

export interface RedisClusterOptions {
  /** 1: six nodes, three masters with a replica each. 0 (the default): three masters alone. */
  replicasPerMaster?: 0 | 1;
  /** How long a node may be unreachable before it counts as failed (Redis's default: 15 s). */
  nodeTimeoutMs?: number;
  password?: string;
}

/** A Redis Cluster on loopback (`redis-cli --cluster create`), ready when it returns. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = 3;
  const count = masters * (1 + (options.replicasPerMaster ?? 0));
  const nodes = await Promise.all(
    Array.from({ length: count }, () =>
      startRedisServer({
        cluster: true,
        ...(options.nodeTimeoutMs && { clusterNodeTimeoutMs: options.nodeTimeoutMs }),
        ...(options.password && { password: options.password }),
      }),
    ),
  );
  const address = (node: RedisServer) => `127.0.0.1:${node.port}`;
  const auth = options.password ? ['-a', options.password, '--no-auth-warning'] : [];
  // redis-cli makes the first three masters and gives each a replica from the rest.
  await run('redis-cli', [
    ...auth,
    '--cluster',
    'create',
    ...nodes.map(address),
    '--cluster-replicas',
    String(options.replicasPerMaster ?? 0),
    '--cluster-yes',
  ]);
  const alive = () => nodes.filter((node) => node.running());
  const ids = new Map<string, RedisServer>();
  for (const node of nodes) ids.set((await node.cli('cluster', 'myid')).trim(), node);
  const idOf = (node: RedisServer) => [...ids].find(([, known]) => known === node)?.[0] ?? '';
  /** `cluster nodes` as a live node sees it: id, role, and the slots of each master. */
  const view = async () => {
    const [observer] = alive();
    if (!observer) throw new Error('no node of the Redis Cluster is running');
    return (await observer.cli('cluster', 'nodes'))
      .trim()
      .split('\n')
      .map((line) => {
        const [id = '', , flags = '', , , , , , ...slots] = line.split(' ');
        return { id, master: flags.split(',').includes('master') && !flags.includes('fail'), slots };
      });
  };
  const serves = (ranges: string[], slot: number) =>
    ranges.some((range) => {
      if (range.startsWith('[')) return false;
      const [from, to = from] = range.split('-').map(Number);
      return slot >= (from as number) && slot <= (to as number);
    });
  const cluster: RedisCluster = {
    nodes,
    seeds: nodes.slice(0, masters).map(address).join(','),
    async flush() {
      for (const { id, master } of await view()) if (master) await ids.get(id)?.cli('flushall');
    },
    async keySlot(key) {
      return Number((await (alive()[0] as RedisServer).cli('cluster', 'keyslot', key)).trim());
    },
    async masterOf(slot) {
      const owner = (await view()).find(({ master, slots }) => master && serves(slots, slot));
      const node = owner && ids.get(owner.id);
      if (!node) throw new Error(`no master serves slot ${slot}`);
      return node;
    },
    async masters() {
      return (await view()).flatMap(({ id, master }) => {
        const node = master ? ids.get(id) : undefined;
        return node?.running() ? [node] : [];
      });
    },
    async moveSlot(slot, to) {
      const from = await cluster.masterOf(slot);
      if (from === to) return;
      await to.cli('cluster', 'setslot', String(slot), 'importing', idOf(from));
      await from.cli('cluster', 'setslot', String(slot), 'migrating', idOf(to));
      for (;;) {
        const keys = (await from.cli('cluster', 'getkeysinslot', String(slot), '5')).trim();
        if (keys === '') break;
        await from.cli(
          'migrate',
          '127.0.0.1',
          String(to.port),
          '',
          '0',
          '5000',
          ...(options.password ? ['auth', options.password] : []),
          'keys',
          ...keys.split('\n'),
        );
      }
      // The new owner first, as redis-cli does, so that no master points the slot at a node
      // that does not yet know it owns it.
      for (const node of [to, from, ...(await cluster.masters()).filter((m) => m !== to && m !== from)]) {
        await node.cli('cluster', 'setslot', String(slot), 'node', idOf(to));
      }
    },
    async waitUntilOk({ master, timeoutMs = 15_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      const ok = async () => {
        for (const node of alive()) {
          if (!(await node.cli('cluster', 'info')).includes('cluster_state:ok')) return false;
          // A replica that has not synced would lose everything in a failover.
          const replication = await node.cli('info', 'replication');
          if (replication.includes('role:slave') && !replication.includes('master_link_status:up'))
            return false;
        }
        return (
          !master || (await view()).some(({ id, master: isMaster }) => isMaster && ids.get(id) === master)
        );
      };
      while (!(await ok())) {
        if (Date.now() > deadline)
          throw new Error(`the Redis Cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async remove() {
      await Promise.all(nodes.map((node) => node.remove()));
    },
  };
  // Every node must agree that all slots are served, and replicas must have synced, before
  // clients use it.
  await cluster.waitUntilOk();
  return cluster;
}
