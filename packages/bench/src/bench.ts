// One bench run: starts every configuration as its own process, warms each up, then loads them in
// alternating rounds from the load generator's process, sampling memory after every round.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService } from '@server-invites/server/build';
import { allConfigurations, type Configuration, HEADLINE } from './configurations.ts';
import type { Transport } from './devices/device-worker.ts';
import { type DevicesPlan, type DevicesResult, runDevices } from './devices/devices.ts';
import { checkFirstRequest, type FirstRequestCheck } from './first-request.ts';
import { type LoadGenerator, type LoadJob, type LoadResult, startLoadGenerator } from './load.ts';
import type { MemorySample } from './process-stats.ts';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from './profile.ts';
import { type BenchRedis, type RedisCounters, startBenchRedis } from './redis.ts';
import { type RunningTarget, startTarget } from './runner.ts';
import { median, pairedRatio } from './stats.ts';
import {
  type Credentials,
  DISTINCT_SENDERS_FROM,
  INVITE_PATH,
  inviteBody,
  inviteRequestHeaders,
  MAX_INVITEES,
  mintBenchCredentials,
  registerInviteeEndpoints,
  SENDER,
} from './workload.ts';

export interface BenchPlan {
  name: 'full' | 'quick' | 'ci';
  /** Configuration ids, in the order of the first round. */
  configurations: string[];
  connections: number;
  warmupSeconds: number;
  rounds: number;
  roundSeconds: number;
  /** Seconds of CPU profile per profiled configuration; 0 for none. */
  profileSeconds: number;
  profiled: string[];
  /** Consecutive runs of a fixed number of requests against one fresh service process (the
   * headline configuration), memory after each: RSS after so many requests, and whether it grows. */
  soak?: { runs: number; requests: number };
  /** Requests each from a sender of its own, against one fresh process of each configuration
   * named: what per-sender state (rate windows) costs in memory, in the process or in Redis. */
  distinctSenders?: { requests: number; configurations: string[] };
  /** Devices waiting on one service process, on each store and transport (src/devices/devices.ts). */
  devices?: DevicesPlan & { runs: { store: 'sqlite' | 'redis'; transport: Transport }[] };
}

const everyStoreAndTransport = (['sqlite', 'redis'] as const).flatMap((store) =>
  (['poll', 'stream'] as const).map((transport) => ({ store, transport })),
);

export const PLANS: Record<BenchPlan['name'], BenchPlan> = {
  full: {
    name: 'full',
    configurations: [
      'raw-http',
      'bare-express',
      'validator-floor',
      'service-1',
      'service-16',
      'service-1-redis',
      'service-1-warn',
      'service-1-no-metrics',
      'service-1-default-heap',
      'service-1-no-store',
      'prism',
    ],
    connections: 32,
    warmupSeconds: 2,
    rounds: 3,
    roundSeconds: 6,
    profileSeconds: 6,
    profiled: ['bare-express', 'validator-floor', 'service-1'],
    soak: { runs: 3, requests: 100_000 },
    distinctSenders: { requests: 100_000, configurations: ['service-1', 'service-1-redis'] },
    // 19,600 devices: what one process with this machine's 20,000 open files can hold or refuse
    // with an answer (the plan's connections and refusal headroom); 20,000 cannot be connected.
    devices: {
      devices: 19_600,
      wakeUps: 200,
      cpuWindowSeconds: 60,
      waitSeconds: 30,
      runs: everyStoreAndTransport,
    },
  },
  quick: {
    name: 'quick',
    configurations: ['raw-http', 'bare-express', 'service-1'],
    connections: 32,
    warmupSeconds: 2,
    rounds: 2,
    roundSeconds: 4,
    profileSeconds: 0,
    profiled: [],
  },
  ci: {
    name: 'ci',
    configurations: [
      'raw-http',
      'bare-express',
      'service-1',
      'service-16',
      'service-1-redis',
      'service-1-warn',
    ],
    connections: 8,
    warmupSeconds: 0.5,
    rounds: 1,
    roundSeconds: 1,
    profileSeconds: 0,
    profiled: [],
    distinctSenders: { requests: 2000, configurations: ['service-1', 'service-1-redis'] },
    devices: {
      devices: 200,
      wakeUps: 10,
      cpuWindowSeconds: 1,
      waitSeconds: 30,
      runs: everyStoreAndTransport,
    },
  },
};

export interface ConfigurationResult {
  id: string;
  label: string;
  role: Configuration['role'];
  invitees: number;
  startupMs: number;
  firstRequest: FirstRequestCheck | undefined;
  warmup: LoadResult;
  rounds: LoadResult[];
  /** Memory after each round, and how many requests the process had answered by then. */
  memory: (MemorySample & { requestsServed: number })[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The target's own CPU time (user + system) per response, in microseconds: less sensitive than
   * requests/s to what else the machine is doing. */
  cpuUsPerRequest: number;
  /** Bytes the JavaScript heap allocated per response (src/gc-probe.mjs), median over the rounds. */
  allocatedBytesPerRequest: number;
  /** Main-thread GC pauses over the process's CPU time in a round, median over the rounds. */
  gcShareOfCpu: number;
  errors: number;
  non2xx: number;
  peakRssKb: number;
  ratioToBareExpress: number;
  ratioToRawHttp: number;
  /** For a configuration on Redis: what one answered request cost Redis (medians over rounds). */
  redis?: { roundTripsPerRequest: number; commandsPerRequest: number };
}

export interface ProfileResult {
  id: string;
  label: string;
  requestsPerSecond: number;
  summary: ProfileSummary;
}

export interface SoakResult {
  id: string;
  label: string;
  startupRssKb: number;
  runs: { requests: number; requestsPerSecond: number; errors: number; non2xx: number; rssKb: number }[];
}

export interface DistinctSendersResult {
  id: string;
  label: string;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  non2xx: number;
  startupRssKb: number;
  rssKb: number;
}

export interface BenchResult {
  plan: BenchPlan;
  startedAt: Date;
  durationSeconds: number;
  results: ConfigurationResult[];
  profiles: ProfileResult[];
  soak: SoakResult | undefined;
  distinctSenders: DistinctSendersResult[];
  devices: DevicesResult[];
  /** full pipeline (1 invitee) / bare Express, paired by round. */
  headlineRatio: number;
}

export type Progress = (line: string) => void;

export async function runBench(plan: BenchPlan, progress: Progress = () => {}): Promise<BenchResult> {
  const startedAt = new Date();
  // The service runs as deployed: from the bundle of the current sources.
  await buildService();
  const credentials = await mintBenchCredentials();
  const dataRoot = await mkdtemp(join(tmpdir(), 'bench-data-'));
  const needsRedis = selectConfigurations(plan.configurations, credentials, dataRoot).some(
    (c) => c.usesRedis,
  );
  const redis: BenchRedis | undefined = needsRedis ? await startBenchRedis() : undefined;
  const configurations = selectConfigurations(plan.configurations, credentials, dataRoot, redis?.url);
  const load = startLoadGenerator();
  const running = new Map<string, RunningTarget>();
  const redisCost = new Map<string, { roundTrips: number[]; commands: number[] }>();
  try {
    const startup = new Map<string, { ms: number; first: FirstRequestCheck | undefined }>();
    for (const configuration of configurations) {
      const target = await startTarget({ ...configuration.process, gcProbe: true });
      running.set(configuration.id, target);
      if (configuration.role === 'service')
        await registerInviteeEndpoints(target.url, credentials, MAX_INVITEES);
      const job = jobFor(configuration, target, credentials, plan.connections, 0);
      const first =
        configuration.role === 'service'
          ? await checkFirstRequest(`${target.url}${INVITE_PATH}`, target.agent, job.headers, job.body ?? '')
          : undefined;
      target.agent.destroy();
      startup.set(configuration.id, { ms: target.startupMs, first });
      progress(
        `started ${configuration.id} in ${target.startupMs.toFixed(0)} ms` +
          (first
            ? `; first request ${first.firstMs.toFixed(2)} ms, then ${first.laterMedianMs.toFixed(2)} ms`
            : ''),
      );
    }

    const served = new Map<string, number>();
    const warmups = new Map<string, LoadResult>();
    for (const configuration of configurations) {
      const target = running.get(configuration.id) as RunningTarget;
      const warmup = await load.run(
        jobFor(configuration, target, credentials, plan.connections, plan.warmupSeconds),
      );
      warmups.set(configuration.id, warmup);
      served.set(configuration.id, warmup.requests);
      progress(`warmed up ${configuration.id}: ${warmup.requestsPerSecond.toFixed(0)} requests/s`);
    }

    const rounds = new Map<string, LoadResult[]>(configurations.map((c) => [c.id, []]));
    const cpuPerRequest = new Map<string, number[]>(configurations.map((c) => [c.id, []]));
    const allocatedPerRequest = new Map<string, number[]>(configurations.map((c) => [c.id, []]));
    const gcShare = new Map<string, number[]>(configurations.map((c) => [c.id, []]));
    const memory = new Map<string, ConfigurationResult['memory']>(configurations.map((c) => [c.id, []]));
    for (let round = 0; round < plan.rounds; round++) {
      // Each round starts one configuration later, so that no configuration always runs first.
      const order = configurations.map(
        (_, i) => configurations[(i + round) % configurations.length] as Configuration,
      );
      for (const configuration of order) {
        const target = running.get(configuration.id) as RunningTarget;
        const gcBefore = await target.gcTotals();
        const cpuBefore = target.cpuSeconds();
        const redisBefore = configuration.usesRedis ? await redis?.counters() : undefined;
        const result = await load.run(
          jobFor(configuration, target, credentials, plan.connections, plan.roundSeconds),
        );
        const cpuUs = (target.cpuSeconds() - cpuBefore) * 1e6;
        const gcAfter = await target.gcTotals();
        if (redis && redisBefore)
          recordRedisCost(redisCost, configuration.id, redisBefore, await redis.counters(), result.requests);
        rounds.get(configuration.id)?.push(result);
        if (result.requests > 0) {
          cpuPerRequest.get(configuration.id)?.push(cpuUs / result.requests);
          if (gcBefore && gcAfter) {
            allocatedPerRequest
              .get(configuration.id)
              ?.push((gcAfter.allocatedBytes - gcBefore.allocatedBytes) / result.requests);
            if (cpuUs > 0)
              gcShare.get(configuration.id)?.push((gcAfter.gcMicros - gcBefore.gcMicros) / cpuUs);
          }
        }
        const total = (served.get(configuration.id) ?? 0) + result.requests;
        served.set(configuration.id, total);
        memory.get(configuration.id)?.push({ ...target.memory(), requestsServed: total });
        progress(
          `round ${round + 1}/${plan.rounds} ${configuration.id}: ${result.requestsPerSecond.toFixed(0)} requests/s, ` +
            `p99 ${result.p99Ms.toFixed(2)} ms, ${(cpuPerRequest.get(configuration.id)?.at(-1) ?? Number.NaN).toFixed(0)} µs CPU/request, ` +
            `${((allocatedPerRequest.get(configuration.id)?.at(-1) ?? Number.NaN) / 1024).toFixed(1)} KB allocated/request, ` +
            `GC ${((gcShare.get(configuration.id)?.at(-1) ?? Number.NaN) * 100).toFixed(1)}% of CPU, ${result.errors} errors, ${result.non2xx} non-2xx`,
        );
      }
    }

    const rps = (id: string) => (rounds.get(id) ?? []).map((r) => r.requestsPerSecond);
    const results = configurations.map((configuration): ConfigurationResult => {
      const own = rounds.get(configuration.id) ?? [];
      const samples = memory.get(configuration.id) ?? [];
      const warmup = warmups.get(configuration.id) as LoadResult;
      const all = [warmup, ...own];
      return {
        id: configuration.id,
        label: configuration.label,
        role: configuration.role,
        invitees: configuration.invitees,
        startupMs: startup.get(configuration.id)?.ms ?? Number.NaN,
        firstRequest: startup.get(configuration.id)?.first,
        warmup,
        rounds: own,
        memory: samples,
        requestsPerSecond: median(rps(configuration.id)),
        p50Ms: median(own.map((r) => r.p50Ms)),
        p99Ms: median(own.map((r) => r.p99Ms)),
        cpuUsPerRequest: median(cpuPerRequest.get(configuration.id) ?? []),
        allocatedBytesPerRequest: median(allocatedPerRequest.get(configuration.id) ?? []),
        gcShareOfCpu: median(gcShare.get(configuration.id) ?? []),
        errors: all.reduce((sum, r) => sum + r.errors, 0),
        non2xx: all.reduce((sum, r) => sum + r.non2xx, 0),
        peakRssKb: Math.max(0, ...samples.map((s) => s.peakRssKb)),
        ratioToBareExpress: pairedRatio(rps(configuration.id), rps('bare-express')),
        ratioToRawHttp: pairedRatio(rps(configuration.id), rps('raw-http')),
        ...(redisCost.has(configuration.id) && {
          redis: {
            roundTripsPerRequest: median(redisCost.get(configuration.id)?.roundTrips ?? []),
            commandsPerRequest: median(redisCost.get(configuration.id)?.commands ?? []),
          },
        }),
      };
    });
    await stopAll(running);

    const soak = plan.soak && (await runSoak(plan.soak, configurations, load, credentials, progress));
    const distinctSenders: DistinctSendersResult[] = [];
    for (const id of plan.distinctSenders?.configurations ?? []) {
      const configuration = configurations.find((c) => c.id === id);
      if (!configuration || !plan.distinctSenders) continue;
      distinctSenders.push(
        await runDistinctSenders(plan.distinctSenders.requests, configuration, load, credentials, progress),
      );
    }

    const devices: DevicesResult[] = [];
    for (const { store, transport } of plan.devices?.runs ?? []) {
      if (!plan.devices) break;
      // A Redis of its own: the devices' registrations and queues start from nothing.
      const own = store === 'redis' ? await startBenchRedis() : undefined;
      try {
        devices.push(
          await runDevices(plan.devices, {
            credentials,
            transport,
            progress,
            ...(own && { redisUrl: own.url }),
          }),
        );
      } finally {
        await own?.stop();
      }
    }

    const profiles: ProfileResult[] = [];
    for (const id of plan.profileSeconds > 0 ? plan.profiled : []) {
      const configuration = configurations.find((c) => c.id === id);
      if (!configuration) continue;
      progress(`profiling ${id} for ${plan.profileSeconds} s`);
      profiles.push(await profileConfiguration(configuration, load, credentials, plan));
    }

    return {
      plan,
      startedAt,
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      results,
      profiles,
      soak,
      distinctSenders,
      devices,
      headlineRatio: pairedRatio(rps(HEADLINE), rps('bare-express')),
    };
  } finally {
    await stopAll(running);
    await load.close();
    await redis?.stop();
    await rm(dataRoot, { recursive: true, force: true });
  }
}

/** Redis's own counters over a round, per answered request (the service's 1 s health PING included). */
function recordRedisCost(
  costs: Map<string, { roundTrips: number[]; commands: number[] }>,
  id: string,
  before: RedisCounters,
  after: RedisCounters,
  requests: number,
): void {
  if (requests === 0) return;
  const cost = costs.get(id) ?? { roundTrips: [], commands: [] };
  // Minus the INFO call that read `after`.
  cost.roundTrips.push((after.readsProcessed - before.readsProcessed - 1) / requests);
  cost.commands.push((after.commandsProcessed - before.commandsProcessed - 1) / requests);
  costs.set(id, cost);
}

function selectConfigurations(
  ids: string[],
  credentials: Credentials,
  dataRoot: string,
  redisUrl?: string,
): Configuration[] {
  const all = allConfigurations(credentials, dataRoot, redisUrl);
  return ids.map((id) => {
    const configuration = all.find((c) => c.id === id);
    if (!configuration) throw new Error(`unknown configuration ${id}`);
    return configuration;
  });
}

function jobFor(
  configuration: Configuration,
  target: RunningTarget,
  credentials: Credentials,
  connections: number,
  durationSeconds: number,
): LoadJob {
  return {
    url: `${target.url}${INVITE_PATH}`,
    method: 'POST',
    headers: inviteRequestHeaders(credentials),
    body: inviteBody(configuration.invitees),
    connections,
    durationSeconds,
  };
}

async function runSoak(
  soak: NonNullable<BenchPlan['soak']>,
  configurations: Configuration[],
  load: LoadGenerator,
  credentials: Credentials,
  progress: Progress,
): Promise<SoakResult | undefined> {
  const configuration = configurations.find((c) => c.id === HEADLINE);
  if (!configuration) return undefined;
  const target = await startTarget(configuration.process);
  target.agent.destroy();
  try {
    await registerInviteeEndpoints(target.url, credentials, MAX_INVITEES);
    const result: SoakResult = {
      id: configuration.id,
      label: configuration.label,
      startupRssKb: target.memory().rssKb,
      runs: [],
    };
    for (let run = 1; run <= soak.runs; run++) {
      // The duration only bounds a run that would otherwise never reach its request count.
      const done = await load.run({
        ...jobFor(configuration, target, credentials, 32, 600),
        amount: soak.requests,
      });
      const { rssKb } = target.memory();
      result.runs.push({
        requests: done.requests,
        requestsPerSecond: done.requestsPerSecond,
        errors: done.errors,
        non2xx: done.non2xx,
        rssKb,
      });
      progress(
        `soak ${run}/${soak.runs} ${configuration.id}: ${done.requests} requests at ${done.requestsPerSecond.toFixed(0)}/s, RSS ${(rssKb / 1024).toFixed(0)} MB, ${done.errors} errors, ${done.non2xx} non-2xx`,
      );
    }
    return result;
  } finally {
    await target.stop();
  }
}

async function runDistinctSenders(
  requests: number,
  configuration: Configuration,
  load: LoadGenerator,
  credentials: Credentials,
  progress: Progress,
): Promise<DistinctSendersResult> {
  const target = await startTarget(configuration.process);
  target.agent.destroy();
  try {
    await registerInviteeEndpoints(target.url, credentials, MAX_INVITEES);
    const startupRssKb = target.memory().rssKb;
    const done = await load.run({
      ...jobFor(configuration, target, credentials, 32, 600),
      amount: requests,
      distinctSenders: { placeholder: SENDER, firstSender: DISTINCT_SENDERS_FROM },
    });
    const { rssKb } = target.memory();
    progress(
      `distinct senders ${configuration.id}: ${done.requests} requests at ${done.requestsPerSecond.toFixed(0)}/s, RSS ${(rssKb / 1024).toFixed(0)} MB, ${done.errors} errors, ${done.non2xx} non-2xx`,
    );
    return {
      id: configuration.id,
      label: configuration.label,
      requests: done.requests,
      requestsPerSecond: done.requestsPerSecond,
      errors: done.errors,
      non2xx: done.non2xx,
      startupRssKb,
      rssKb,
    };
  } finally {
    await target.stop();
  }
}

async function stopAll(running: Map<string, RunningTarget>): Promise<void> {
  await Promise.all([...running.values()].map((target) => target.stop()));
  running.clear();
}

/**
 * Runs the configuration once more under `--cpu-prof`, warms it up, loads it, and summarises the
 * profile over the measured load only (start-up, warm-up and shutdown left out).
 */
async function profileConfiguration(
  configuration: Configuration,
  load: LoadGenerator,
  credentials: Credentials,
  plan: BenchPlan,
): Promise<ProfileResult> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-cpu-prof-'));
  try {
    const target = await startTarget({
      ...configuration.process,
      nodeOptions: [
        ...(configuration.process.nodeOptions ?? []),
        '--cpu-prof',
        `--cpu-prof-dir=${directory}`,
        '--cpu-prof-interval=250',
      ],
    });
    target.agent.destroy();
    if (configuration.role === 'service')
      await registerInviteeEndpoints(target.url, credentials, MAX_INVITEES);
    let result: LoadResult;
    let loadStarted: number;
    let loadEnded: number;
    try {
      await load.run(
        jobFor(configuration, target, credentials, plan.connections, Math.min(2, plan.warmupSeconds)),
      );
      loadStarted = performance.now();
      result = await load.run(
        jobFor(configuration, target, credentials, plan.connections, plan.profileSeconds),
      );
      loadEnded = performance.now();
    } finally {
      await target.stop();
    }
    const exited = performance.now();
    const files = (await readdir(directory)).filter((file) => file.endsWith('.cpuprofile'));
    if (files.length !== 1)
      throw new Error(`expected one CPU profile in ${directory}, found ${files.length}`);
    const profile = JSON.parse(await readFile(join(directory, files[0] as string), 'utf8')) as CpuProfile;
    const summary = summarizeProfile(profile, {
      fromEndUs: (exited - loadStarted) * 1000,
      toEndUs: (exited - loadEnded) * 1000,
    });
    return {
      id: configuration.id,
      label: configuration.label,
      requestsPerSecond: result.requestsPerSecond,
      summary,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
