// Starts a target as its own process, waits until it takes traffic, and stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { addReading, type GcProbeReading, type GcTotals } from './gc-accounting.ts';
import { type MemorySample, sampleCpuSeconds, sampleMemory } from './process-stats.ts';

export type Readiness =
  /** The target prints `{"listening":<port>}` on stdout (the bench's own targets). */
  | { kind: 'announce' }
  /** The target listens on the port given in PORT; ready once GET path answers `status`. */
  | { kind: 'probe'; path: string; status: number; portArgs?: (port: number) => string[] };

export interface ProcessSpec {
  /** The script Node runs, and its arguments. */
  script: string;
  args?: string[];
  nodeOptions?: string[];
  env?: Record<string, string>;
  readiness: Readiness;
  /** Working directory (Prism resolves the spec path from it). */
  cwd?: string;
  /** Preloads src/gc-probe.mjs, so that `gcTotals()` can read the process's allocation and GC. */
  gcProbe?: boolean;
  /** Preloads src/heap-probe.mjs (with --expose-gc), so that `heapAfterGc()` can read the live heap. */
  heapProbe?: boolean;
}

/** The heap in use after a full collection, the resident set then, and the heap's limit, in bytes. */
export interface HeapReading {
  heapUsed: number;
  rss: number;
  heapLimit: number;
}

export interface RunningTarget {
  pid: number;
  url: string;
  /** From spawn() to the first answer that says it is ready, in milliseconds. */
  startupMs: number;
  memory(): MemorySample;
  /** CPU seconds (user + system) the target has used so far. */
  cpuSeconds(): number;
  /** A keep-alive agent whose connection the readiness probe already opened. */
  agent: Agent;
  /** Allocation and GC since the process started; undefined without `gcProbe`. */
  gcTotals(): Promise<GcTotals | undefined>;
  /** The live heap, after a full collection; only with `heapProbe`. */
  heapAfterGc(): Promise<HeapReading>;
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;
const gcProbeScript = fileURLToPath(new URL('./gc-probe.mjs', import.meta.url));
const heapProbeScript = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));

export async function startTarget(spec: ProcessSpec): Promise<RunningTarget> {
  const port = spec.readiness.kind === 'probe' ? await freePort() : 0;
  const extraArgs = spec.readiness.kind === 'probe' ? (spec.readiness.portArgs?.(port) ?? []) : [];
  const stderrTail: string[] = [];
  if (spec.gcProbe && spec.heapProbe) throw new Error('the GC probe and the heap probe both answer SIGUSR2');
  const probeDirectory =
    spec.gcProbe || spec.heapProbe ? await mkdtemp(join(tmpdir(), 'bench-gc-probe-')) : undefined;
  const probeFile = probeDirectory && join(probeDirectory, 'totals.json');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(spec.gcProbe ? [`--import=${gcProbeScript}`] : []),
      ...(spec.heapProbe ? ['--expose-gc', `--import=${heapProbeScript}`] : []),
      ...(spec.nodeOptions ?? []),
      spec.script,
      ...(spec.args ?? []),
      ...extraArgs,
    ],
    {
      cwd: spec.cwd,
      env: {
        ...process.env,
        ...spec.env,
        PORT: String(port),
        ...(spec.gcProbe && probeFile && { BENCH_GC_PROBE_FILE: probeFile }),
        ...(spec.heapProbe && probeFile && { BENCH_HEAP_PROBE_FILE: probeFile }),
      },
      // A service's request log goes to /dev/null: the bench measures writing it, not shipping it.
      stdio: ['ignore', spec.readiness.kind === 'announce' ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderrTail.push(chunk);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(
      `${spec.script} exited before it was ready (code ${code}, signal ${signal}):\n${stderrTail.join('')}`,
    );
  });
  exited.catch(() => {});
  const giveUp = new AbortController();
  const timer = setTimeout(() => giveUp.abort(), STARTUP_TIMEOUT_MS);
  let url: string;
  try {
    url = await Promise.race([
      spec.readiness.kind === 'announce'
        ? announcedUrl(child)
        : probeUntilReady(`http://127.0.0.1:${port}`, spec.readiness, agent, giveUp.signal),
      exited,
      new Promise<never>((_, reject) =>
        giveUp.signal.addEventListener('abort', () =>
          reject(new Error(`${spec.script} was not ready after ${STARTUP_TIMEOUT_MS} ms`)),
        ),
      ),
    ]);
    // The bench's own targets answer anything: one request opens the agent's connection.
    if (spec.readiness.kind === 'announce') await getStatus(`${url}/`, agent);
  } catch (error) {
    giveUp.abort();
    child.kill('SIGKILL');
    if (probeDirectory) await rm(probeDirectory, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const startupMs = performance.now() - started;
  const pid = child.pid as number;
  let readings = 0;
  let gcTotals: GcTotals = { collections: 0, gcMicros: 0, allocatedBytes: 0 };
  return {
    pid,
    url,
    startupMs,
    agent,
    memory: () => sampleMemory(pid),
    cpuSeconds: () => sampleCpuSeconds(pid),
    async heapAfterGc() {
      if (!spec.heapProbe || !probeFile) throw new Error('started without the heap probe');
      const reading = await readProbe<HeapReading & { reading: number }>(pid, probeFile, readings);
      readings = reading.reading;
      return { heapUsed: reading.heapUsed, rss: reading.rss, heapLimit: reading.heapLimit };
    },
    async gcTotals() {
      if (!spec.gcProbe || !probeFile) return undefined;
      const reading = await readProbe<GcProbeReading>(pid, probeFile, readings);
      readings = reading.reading;
      gcTotals = addReading(gcTotals, reading);
      return gcTotals;
    },
    async stop() {
      agent.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      if (probeDirectory) await rm(probeDirectory, { recursive: true, force: true });
    },
  };
}

/** Asks the probe for a reading (SIGUSR2) and waits until it has written it. */
async function readProbe<Reading extends { reading: number }>(
  pid: number,
  file: string,
  previous: number,
): Promise<Reading> {
  process.kill(pid, 'SIGUSR2');
  const deadline = performance.now() + 5_000;
  while (performance.now() < deadline) {
    await sleep(5);
    // A file being written may be incomplete: read again.
    const current = await readFile(file, 'utf8')
      .then((text) => JSON.parse(text) as Reading)
      .catch(() => undefined);
    if (current && current.reading > previous) return current;
  }
  throw new Error(`the probe of process ${pid} did not answer`);
}

async function announcedUrl(child: ChildProcess): Promise<string> {
  if (!child.stdout) throw new Error('no stdout to read the port from');
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    try {
      const { listening } = JSON.parse(line) as { listening?: unknown };
      if (typeof listening === 'number') {
        child.stdout.resume();
        return `http://127.0.0.1:${listening}`;
      }
    } catch {
      // Not the announcement.
    }
  }
  throw new Error('the target closed stdout without announcing its port');
}

async function probeUntilReady(
  url: string,
  readiness: Extract<Readiness, { kind: 'probe' }>,
  agent: Agent,
  signal: AbortSignal,
): Promise<string> {
  while (!signal.aborted) {
    const status = await getStatus(`${url}${readiness.path}`, agent).catch(() => undefined);
    if (status === readiness.status) return url;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('gave up waiting for readiness');
}

/** One GET; resolves with the status once the body has been read. */
export function getStatus(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.setTimeout(2_000, () => req.destroy(new Error('probe timed out')));
    req.end();
  });
}

/** A loopback port free right now (for targets that take their port from the environment). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
