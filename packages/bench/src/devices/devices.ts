// The devices scenario: a replica's real load is not sends per second but devices waiting, each
// holding a long poll open. N devices (distinct users, one endpoint each) wait on one service
// process, on SQLite or on Redis, and the bench reports:
// - heap (after a full collection) and RSS per waiting device;
// - the wake-up latency of a waiting device, from the send's start to the device's answer, p50 and
//   p99, with N devices waiting and with 10, and their ratio (measured in the same run);
// - the service's CPU per waiting device per minute while the devices re-poll (every waitSeconds);
// - every answer that was not 200, connections cut, socket errors.
// Devices live in worker processes (device-worker.ts), ~10,000 per process (their open-file limit).
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceNodeFlags } from '@server-invites/server/build';
import { serverMain, serviceEnv } from '../configurations.ts';
import { freePort, type RunningTarget, startTarget } from '../runner.ts';
import { percentile } from '../stats.ts';
import { type Credentials, INVITE_PATH, inviteRequestHeaders, SENDER, userCredential } from '../workload.ts';
import type { DeviceSpec, Transport, WorkerMessage, WorkerRequest, WorkerStats } from './device-worker.ts';

export interface DevicesPlan {
  /** Devices that try to wait (past the service's cap, the rest are refused and retry). */
  devices: number;
  /** Wake-ups measured with 10 devices waiting, and again with all of them. */
  wakeUps: number;
  /** Seconds over which the service's CPU is read while the devices re-poll. */
  cpuWindowSeconds: number;
  /** The devices' waitSeconds (30, the contract's most, as real devices poll). */
  waitSeconds: number;
}

export interface WakeUpLatency {
  waiting: number;
  p50Ms: number;
  p99Ms: number;
}

export interface DevicesResult {
  store: 'sqlite' | 'redis';
  /** How the devices wait: long polls, or event streams. */
  transport: Transport;
  attempted: number;
  /** The service's waiting-device cap, as it planned it (capacity_limit). */
  capacity: number;
  /** Devices waiting at once (long_polls_waiting) when measured. */
  waiting: number;
  heapPerDeviceBytes: number;
  rssPerDeviceBytes: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  rssAfterBytes: number;
  /** The service's heap limit (V8's heap_size_limit), for the budget. */
  heapLimitBytes: number;
  few: WakeUpLatency;
  many: WakeUpLatency;
  /** many.p99Ms / few.p99Ms. */
  p99Ratio: number;
  cpuMicrosPerDevicePerMinute: number;
  statuses: Record<string, number>;
  cuts: number;
  errors: number;
}

const DEVICES_PER_WORKER = 9_000;
const FEW = 10;

export async function runDevices(
  plan: DevicesPlan,
  options: {
    credentials: Credentials;
    transport: Transport;
    redisUrl?: string;
    progress: (line: string) => void;
  },
): Promise<DevicesResult> {
  const { credentials, transport, redisUrl, progress } = options;
  const store = redisUrl ? 'redis' : 'sqlite';
  const label = `devices (${store}, ${transport === 'poll' ? 'long polls' : 'streams'})`;
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-devices-'));
  const metricsPort = await freePort();
  const service = await startTarget({
    script: serverMain,
    nodeOptions: [...serviceNodeFlags],
    env: {
      ...serviceEnv(credentials, 'warn', dataDir),
      METRICS_PORT: String(metricsPort),
      ...(redisUrl && { REDIS_URL: redisUrl }),
    },
    readiness: { kind: 'probe', path: '/readyz', status: 200 },
    heapProbe: true,
  });
  const port = Number(new URL(service.url).port);
  const metrics = (name: string, labels = '') => metricValue(metricsPort, name, labels);
  const workers: DeviceWorkers[] = [];
  try {
    const specs = await deviceSpecs(plan.devices, credentials);
    progress(`${label}: registering ${plan.devices} endpoints`);
    await registerAll(service.url, specs);
    const capacity = await metrics('capacity_limit', '{resource="waiting_devices"}');
    const before = await service.heapAfterGc();

    // Wake-ups with a few devices waiting.
    const fewWorker = startWorker();
    workers.push(fewWorker);
    await fewWorker.connect(port, plan.waitSeconds, transport, specs.slice(0, FEW));
    await waitUntil(async () => (await metrics('long_polls_waiting')) >= FEW, 30_000, 'few devices waiting');
    const few = await wakeUps(service, credentials, fewWorker, specs.slice(0, FEW), plan.wakeUps);
    await fewWorker.close();
    workers.pop();
    await waitUntil(async () => (await metrics('long_polls_waiting')) === 0, 60_000, 'no device waiting');

    // All of them.
    progress(
      `devices (${store}): ${plan.devices} devices connecting (the service holds at most ${capacity})`,
    );
    for (let from = 0; from < specs.length; from += DEVICES_PER_WORKER) {
      const worker = startWorker();
      workers.push(worker);
      await worker.connect(port, plan.waitSeconds, transport, specs.slice(from, from + DEVICES_PER_WORKER));
    }
    const expected = Math.min(plan.devices, capacity);
    await waitUntil(
      async () => (await metrics('long_polls_waiting')) >= expected,
      120_000,
      `${expected} devices waiting`,
    );
    const waiting = await metrics('long_polls_waiting');
    const after = await service.heapAfterGc();
    progress(`${label}: ${waiting} waiting; measuring wake-ups`);
    const waitingSpecs = await waitingDevices(workers, specs);
    const many = await wakeUps(service, credentials, undefined, waitingSpecs, plan.wakeUps, workers);

    progress(`${label}: reading CPU for ${plan.cpuWindowSeconds} s while the devices re-poll`);
    const cpuStart = service.cpuSeconds();
    await new Promise((resolve) => setTimeout(resolve, plan.cpuWindowSeconds * 1000));
    const cpuSeconds = service.cpuSeconds() - cpuStart;
    const stats = await Promise.all(workers.map((worker) => worker.stats()));
    const statuses: Record<string, number> = {};
    for (const { statuses: counted } of stats) {
      for (const [status, count] of Object.entries(counted))
        statuses[status] = (statuses[status] ?? 0) + count;
    }
    return {
      store,
      transport,
      attempted: plan.devices,
      capacity,
      waiting,
      heapPerDeviceBytes: Math.round((after.heapUsed - before.heapUsed) / waiting),
      rssPerDeviceBytes: Math.round((after.rss - before.rss) / waiting),
      heapBeforeBytes: before.heapUsed,
      heapAfterBytes: after.heapUsed,
      rssAfterBytes: after.rss,
      heapLimitBytes: after.heapLimit,
      few,
      many,
      p99Ratio: many.p99Ms / few.p99Ms,
      cpuMicrosPerDevicePerMinute: (cpuSeconds * 1e6) / waiting / (plan.cpuWindowSeconds / 60),
      statuses,
      cuts: stats.reduce((sum, s) => sum + s.cuts, 0),
      errors: stats.reduce((sum, s) => sum + s.errors, 0),
    };
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.close()));
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function deviceSpecs(count: number, credentials: Credentials): Promise<DeviceSpec[]> {
  const specs: DeviceSpec[] = [];
  for (let index = 0; index < count; index++) {
    const xuid = String(3100000000000000n + BigInt(index));
    specs.push({ index, xuid, authorization: await userCredential(credentials, xuid) });
  }
  return specs;
}

async function registerAll(baseUrl: string, specs: DeviceSpec[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < specs.length) {
        const spec = specs[next++] as DeviceSpec;
        const response = await fetch(`${baseUrl}/users/${spec.xuid}/endpoints/bench-device`, {
          method: 'PUT',
          headers: { authorization: spec.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ platform: 'Win32', ttlSeconds: 86_400 }),
        });
        const body = await response.text();
        if (response.status !== 201 && response.status !== 200) {
          throw new Error(`registering ${spec.xuid} answered ${response.status}: ${body.slice(0, 200)}`);
        }
      }
    }),
  );
}

/**
 * Sends one invite at a time, each to the next device of `targets`, and measures how long each
 * takes to reach its device: from the start of the send to the device's answer (both read on the
 * machine's monotonic clock, which every process shares).
 */
async function wakeUps(
  service: RunningTarget,
  credentials: Credentials,
  worker: DeviceWorkers | undefined,
  targets: DeviceSpec[],
  count: number,
  all: DeviceWorkers[] = worker ? [worker] : [],
): Promise<WakeUpLatency> {
  const latencies: number[] = [];
  const headers = inviteRequestHeaders(credentials);
  // The first few are not measured: they pay for code the service has not run yet.
  const warmUp = 5;
  for (let i = -warmUp; i < count; i++) {
    const target = await heldDevice(all, targets, ((i + warmUp) * 7919) % targets.length);
    const arrived = Promise.race(all.map((w) => w.invited(target.index)));
    const sentAt = process.hrtime.bigint();
    const response = await fetch(`${service.url}${INVITE_PATH}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ invitedUsers: [target.xuid], sender: SENDER }),
    });
    await response.arrayBuffer();
    if (response.status !== 204) throw new Error(`a wake-up send answered ${response.status}`);
    const at = await arrivedWithin(arrived, ARRIVAL_TIMEOUT_MS, target);
    if (i >= 0) latencies.push(Number(at - sentAt) / 1e6);
  }
  return {
    waiting: targets.length,
    p50Ms: percentile([...latencies], 50),
    p99Ms: percentile([...latencies], 99),
  };
}

/** A wake-up that takes longer has been lost: the scenario fails rather than waiting forever. */
const ARRIVAL_TIMEOUT_MS = 60_000;

async function arrivedWithin(
  arrived: Promise<bigint>,
  timeoutMs: number,
  target: DeviceSpec,
): Promise<bigint> {
  let timer: NodeJS.Timeout | undefined;
  const lost = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`devices scenario: device ${target.index} received no invite in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([arrived, lost]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first device from `start` on (in `targets`' order, round) that the service holds now: a
 * device listed as waiting may have lost its place since (its poll timed out, and another device
 * took the place before it polled again), and a poll just sent is not known to be held yet.
 */
async function heldDevice(
  workers: DeviceWorkers[],
  targets: DeviceSpec[],
  start: number,
): Promise<DeviceSpec> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    for (let tried = 0; tried < Math.min(targets.length, 100); tried++) {
      const target = targets[(start + tried) % targets.length] as DeviceSpec;
      const held = await Promise.all(workers.map((worker) => worker.held(target.index)));
      if (held.includes(true)) return target;
    }
    if (performance.now() > deadline) throw new Error('devices scenario: no device held by the service');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The devices waiting or asking to (each wake-up then goes to one the service holds: heldDevice). */
async function waitingDevices(workers: DeviceWorkers[], specs: DeviceSpec[]): Promise<DeviceSpec[]> {
  const polling = new Set<number>();
  for (const worker of workers) for (const index of await worker.polling()) polling.add(index);
  return specs.filter((spec) => polling.has(spec.index));
}

interface DeviceWorkers {
  connect(port: number, waitSeconds: number, transport: Transport, devices: DeviceSpec[]): Promise<void>;
  /** Resolves with the monotonic time the device received its next invite. */
  invited(index: number): Promise<bigint>;
  polling(): Promise<number[]>;
  /** Whether the service holds device `index` now (false if this process has no such device). */
  held(index: number): Promise<boolean>;
  stats(): Promise<WorkerStats>;
  close(): Promise<void>;
}

function startWorker(): DeviceWorkers {
  const child: ChildProcess = fork(new URL('./device-worker.ts', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const invitedWaiters = new Map<number, (at: bigint) => void>();
  let onMessage: ((message: WorkerMessage) => void) | undefined;
  child.on('message', (message: WorkerMessage) => {
    if (message.type === 'invited') {
      invitedWaiters.get(message.index)?.(BigInt(message.at));
      invitedWaiters.delete(message.index);
      return;
    }
    onMessage?.(message);
  });
  const ask = <T extends WorkerMessage['type']>(request: WorkerRequest, type: T) =>
    new Promise<Extract<WorkerMessage, { type: T }>>((resolve) => {
      onMessage = (message) => {
        if (message.type === type) resolve(message as Extract<WorkerMessage, { type: T }>);
      };
      child.send(request);
    });
  return {
    async connect(port, waitSeconds, transport, devices) {
      await ask({ type: 'connect', port, waitSeconds, transport, devices }, 'connected');
    },
    invited: (index) => new Promise((resolve) => invitedWaiters.set(index, resolve)),
    async polling() {
      return (await ask({ type: 'polling' }, 'polling')).indexes;
    },
    async held(index) {
      return (await ask({ type: 'held', index }, 'held')).held;
    },
    async stats() {
      return (await ask({ type: 'stats' }, 'stats')).stats;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'close' } satisfies WorkerRequest);
      await exited;
    },
  };
}

async function metricValue(port: number, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels} `));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`devices scenario: gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
