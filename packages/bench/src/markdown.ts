// Renders a bench run as Markdown: the table of BENCHMARKS.md and the lines the CLI prints.

import { serviceNodeFlags } from '@server-invites/server/build';
import type {
  BenchResult,
  ConfigurationResult,
  DistinctSendersResult,
  ProfileResult,
  SoakResult,
} from './bench.ts';
import type { DevicesResult } from './devices/devices.ts';
import type { Machine } from './machine.ts';

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const thousands = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
const mb = (kb: number) => (kb > 0 ? `${(kb / 1024).toFixed(0)} MB` : 'n/a');
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function resultsTable(results: readonly ConfigurationResult[]): string {
  const rows = results.map((r) =>
    [
      r.label,
      thousands(r.requestsPerSecond),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      fixed(r.cpuUsPerRequest, 0),
      fixed(r.allocatedBytesPerRequest / 1024, 1),
      Number.isFinite(r.gcShareOfCpu) ? percent(r.gcShareOfCpu) : 'n/a',
      String(r.errors),
      String(r.non2xx),
      mb(r.peakRssKb),
      fixed(r.ratioToBareExpress, 2),
      fixed(r.ratioToRawHttp, 2),
    ].join(' | '),
  );
  return [
    '| configuration | requests/s | p50 ms | p99 ms | server CPU µs/request | allocated KB/request | GC share of CPU | errors | non-2xx | peak RSS | / bare Express | / raw node:http |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** What a request cost Redis, for the configurations on Redis (from Redis's INFO stats). */
export function redisTable(results: readonly ConfigurationResult[]): string {
  const rows = results.flatMap((r) =>
    r.redis
      ? [
          `| ${r.label} | ${fixed(r.redis.roundTripsPerRequest, 2)} | ${fixed(r.redis.commandsPerRequest, 2)} | ${mb(r.memory.at(-1)?.rssKb ?? 0)} |`,
        ]
      : [],
  );
  if (rows.length === 0) return '';
  return [
    '| configuration | Redis round trips per send | Redis commands per send | service RSS after the last round |',
    '| --- | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export function startupTable(results: readonly ConfigurationResult[]): string {
  const rows = results.map((r) =>
    [
      r.label,
      `${fixed(r.startupMs, 0)} ms`,
      r.firstRequest ? `${fixed(r.firstRequest.firstMs, 2)} ms (${r.firstRequest.status})` : '—',
      r.firstRequest ? `${fixed(r.firstRequest.laterMedianMs, 2)} ms` : '—',
    ].join(' | '),
  );
  return [
    '| configuration | process start → ready | first invite request | median of the next 30 |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

export function memoryTable(results: readonly ConfigurationResult[]): string {
  const rounds = Math.max(0, ...results.map((r) => r.memory.length));
  const header = Array.from({ length: rounds }, (_, i) => `RSS after round ${i + 1}`);
  const rows = results
    .filter((r) => r.role === 'service')
    .map((r) =>
      [
        r.label,
        ...r.memory.map((m) => `${mb(m.rssKb)} (${thousands(m.requestsServed)} requests)`),
        mb(r.peakRssKb),
      ].join(' | '),
    );
  return [
    `| configuration | ${header.join(' | ')} | peak RSS |`,
    `| --- | ${header.map(() => '---:').join(' | ')} | ---: |`,
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

export function soakTable(soak: SoakResult): string {
  return [
    '| run | requests | requests/s | errors | non-2xx | RSS after the run |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| start (ready, before any request) | | | | | ${mb(soak.startupRssKb)} |`,
    ...soak.runs.map(
      (run, i) =>
        `| ${i + 1} | ${thousands(run.requests)} | ${thousands(run.requestsPerSecond)} | ${run.errors} | ${run.non2xx} | ${mb(run.rssKb)} |`,
    ),
  ].join('\n');
}

export function distinctSendersTable(results: readonly DistinctSendersResult[]): string {
  return [
    '| configuration | requests | requests/s | errors | non-2xx | RSS at start | RSS after |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.label} | ${thousands(r.requests)} | ${thousands(r.requestsPerSecond)} | ${r.errors} | ${r.non2xx} | ${mb(r.startupRssKb)} | ${mb(r.rssKb)} |`,
    ),
  ].join('\n');
}

const kib = (bytes: number) => `${fixed(bytes / 1024, 1)} KB`;
const mib = (bytes: number) => `${fixed(bytes / 1024 / 1024, 0)} MB`;

export function devicesTable(results: readonly DevicesResult[]): string {
  const answers = (r: DevicesResult) =>
    Object.entries(r.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}×${thousands(count)}`)
      .join(', ');
  return [
    '| store | waiting by | devices | cap | waiting | heap/device | RSS/device | heap after (limit) | RSS after | wake-up p50 / p99, 10 waiting | wake-up p50 / p99, all waiting | p99 ratio | CPU µs/device/minute | poll answers | cut | socket errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.store} | ${r.transport === 'poll' ? 'long polls' : 'streams'} | ${thousands(r.attempted)} | ${thousands(r.capacity)} | ${thousands(r.waiting)} | ${kib(r.heapPerDeviceBytes)} | ${kib(r.rssPerDeviceBytes)} | ${mib(r.heapAfterBytes)} (${mib(r.heapLimitBytes)}) | ${mib(r.rssAfterBytes)} | ${fixed(r.few.p50Ms, 1)} / ${fixed(r.few.p99Ms, 1)} ms | ${fixed(r.many.p50Ms, 1)} / ${fixed(r.many.p99Ms, 1)} ms | ${fixed(r.p99Ratio, 2)} | ${fixed(r.cpuMicrosPerDevicePerMinute, 0)} | ${answers(r)} | ${r.cuts} | ${r.errors} |`,
    ),
  ].join('\n');
}

export function roundsTable(results: readonly ConfigurationResult[]): string {
  const rounds = Math.max(0, ...results.map((r) => r.rounds.length));
  const header = Array.from({ length: rounds }, (_, i) => `round ${i + 1}`);
  return [
    `| configuration | warm-up | ${header.join(' | ')} |`,
    `| --- | ---: | ${header.map(() => '---:').join(' | ')} |`,
    ...results.map(
      (r) =>
        `| ${r.id} | ${thousands(r.warmup.requestsPerSecond)} | ${r.rounds.map((x) => thousands(x.requestsPerSecond)).join(' | ')} |`,
    ),
  ].join('\n');
}

export function profileSection(profile: ProfileResult): string {
  const { summary } = profile;
  return [
    `#### ${profile.label}: ${thousands(profile.requestsPerSecond)} requests/s under the profiler`,
    '',
    `Busy ${fixed(summary.busyMs, 0)} ms, idle ${fixed(summary.idleMs, 0)} ms of the measured load. Self time by owner:`,
    '',
    '| owner | self time | share |',
    '| --- | ---: | ---: |',
    ...summary.byOwner.slice(0, 12).map((o) => `| ${o.owner} | ${fixed(o.ms, 0)} ms | ${percent(o.share)} |`),
    '',
    'Top frames by self time:',
    '',
    '| frame | owner | self | share |',
    '| --- | --- | ---: | ---: |',
    ...summary.topSelf.map(
      (f) => `| \`${f.frame}\` | ${f.owner} | ${fixed(f.ms, 0)} ms | ${percent(f.share)} |`,
    ),
    '',
    'Top frames by inclusive time (packages and the service only):',
    '',
    '| frame | owner | inclusive | share |',
    '| --- | --- | ---: | ---: |',
    ...summary.topInclusive.map(
      (f) => `| \`${f.frame}\` | ${f.owner} | ${fixed(f.ms, 0)} ms | ${percent(f.share)} |`,
    ),
  ].join('\n');
}

/** The validator floor's own ratio to bare Express, and the service's ratio to that floor. */
function floorLine(bench: BenchResult): string {
  const floor = bench.results.find((r) => r.role === 'floor');
  const service = bench.results.find((r) => r.role === 'service');
  if (!floor || !service) return '';
  return ` The floor (bare Express + express-openapi-validator) reaches ${fixed(floor.ratioToBareExpress, 2)} of bare Express in the same run; the full pipeline reaches ${fixed(service.ratioToBareExpress / floor.ratioToBareExpress, 2)} of that floor.`;
}

export interface ReportContext {
  machine: Machine;
  command: string;
  /** Hand-written findings (before/after, profile reading), appended verbatim. */
  findings: string;
}

export function benchmarksMarkdown(bench: BenchResult, context: ReportContext): string {
  const { machine, plan } = { machine: context.machine, plan: bench.plan };
  return [
    '# Benchmarks',
    '',
    '<!-- Generated by `pnpm bench` (packages/bench); the findings at the end come from packages/bench/findings.md. -->',
    '',
    `- Run: ${bench.startedAt.toISOString()}, \`${context.command}\`, ${fixed(bench.durationSeconds, 0)} s`,
    `- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}; the load generator (autocannon, its own process) and the server share these cores`,
    `- Node.js ${machine.node} for every process`,
    `- Load: ${plan.connections} connections, no pipelining; each configuration warmed up ${plan.warmupSeconds} s, then ${plan.rounds} rounds of ${plan.roundSeconds} s, configurations alternating (each round starts one configuration later)`,
    '- Request: `POST /titles/1827805096/invites/server` with a service credential and a JSON body of 1 (or 16) invitees; the service answers 204',
    `- Service: as \`pnpm start\` runs it (the bundle \`pnpm build\` writes, \`node ${serviceNodeFlags.join(' ')} dist/main.mjs\`, flags from packages/server/build.ts) with NODE_ENV=production (VALIDATE_RESPONSES=false, as in production), throttling limits raised (THROTTLE_BURST_LIMIT and THROTTLE_SUSTAIN_LIMIT 100000000, CONCURRENCY_LIMIT_PER_CALLER 100000); its JSON log goes to /dev/null`,
    "- requests/s, p50 and p99: the median over the rounds; server CPU µs/request: the target process's user + system CPU time during a round (from /proc) over its responses, median over the rounds; allocated KB/request and GC share of CPU: from node:v8's GCProfiler inside each process (`--import` of src/gc-probe.mjs, read before and after each round), the heap's growth between collections over the round's responses, and the collections' main-thread time over the process's CPU time in the round, medians over the rounds; errors and non-2xx: summed over warm-up and rounds; ratios: the median of the per-round ratios (configurations measured side by side in the same round)",
    '',
    '## Results',
    '',
    resultsTable(bench.results),
    '',
    `**full-pipeline/bare-express: ${fixed(bench.headlineRatio, 2)}** (1-invitee request, request log at info).${floorLine(bench)}`,
    '',
    ...(redisTable(bench.results)
      ? [
          '### The service on Redis',
          '',
          "One replica with REDIS_URL set, Redis (redis-server, AOF everysec, noeviction) on the same machine. Round trips: Redis's `total_reads_processed` over the round (one read per pipelined batch a client sends), per answered request; under concurrent load auto-pipelining shares one batch among several requests, so this is below the 2 sequential round trips of one send (counted alone in packages/server/test/backends/redis/send-cost.test.ts). Commands: `total_commands_processed` (the commands scripts run included), per answered request. The invitee has a registered device (as in the SQLite rows) and, every send going to it, holds the 100 invites of the per-user bound, so a send is the rate windows' script and the delivery script (store, queue, trim the oldest invite away, index, wake-up).",
          '',
          redisTable(bench.results),
          '',
        ]
      : []),
    '### Requests/s per round',
    '',
    roundsTable(bench.results),
    '',
    '## Start-up and the first request',
    '',
    'From spawn() to the first successful readiness answer (`/readyz` 200 for the service), then one invite request timed alone on an open connection, then 30 more.',
    '',
    startupTable(bench.results),
    '',
    '## Memory',
    '',
    'The service processes live through all rounds; resident set size (VmRSS) after each round, with the requests answered so far (warm-up included), and the peak (VmHWM).',
    '',
    memoryTable(bench.results),
    '',
    ...(bench.soak
      ? [
          `### ${bench.soak.runs.length} consecutive runs of ${thousands(bench.soak.runs[0]?.requests ?? 0)} requests`,
          '',
          `One fresh process of "${bench.soak.label}", loaded by the same 32 connections; VmRSS after each run.`,
          '',
          soakTable(bench.soak),
          '',
        ]
      : []),
    ...(bench.distinctSenders.length > 0
      ? [
          `### ${thousands(bench.distinctSenders[0]?.requests ?? 0)} requests, each from a sender of its own`,
          '',
          'One fresh process of each configuration, loaded by 32 connections; every request names a new sender, so every request opens rate windows of its own (in the process, or in Redis); VmRSS at start and after the run.',
          '',
          distinctSendersTable(bench.distinctSenders),
          '',
        ]
      : []),
    ...(bench.devices.length > 0
      ? [
          '## Waiting devices',
          '',
          `One fresh service process per store, as \`pnpm start\` runs it (metrics on a port of their own), and ${thousands(plan.devices?.devices ?? 0)} devices (distinct users, one registered endpoint each) in worker processes, each on a connection of its own long-polling with waitSeconds=${plan.devices?.waitSeconds ?? 30} as the client does: poll, acknowledge what arrives, poll again; refused (503), wait Retry-After and poll again; cut, reconnect after 1 s. Past the service's cap (MAX_WAITING_DEVICES as it plans it from its heap and open files) the rest are refused and retry. Heap per device: the live heap after a full collection (\`--expose-gc\`, src/heap-probe.mjs) once the devices wait, less the same before they connected, over the devices waiting; RSS likewise. Wake-up: ${plan.devices?.wakeUps ?? 0} sends, one at a time, each to one waiting device, from the send's start to the device's answer (the machine's monotonic clock), first with 10 devices waiting, then with all; the ratio is of the two p99s in the same run. CPU: the service's user + system time over ${plan.devices?.cpuWindowSeconds ?? 0} s while the devices re-poll every ${plan.devices?.waitSeconds ?? 30} s, per waiting device per minute.`,
          '',
          devicesTable(bench.devices),
          '',
        ]
      : []),
    ...(bench.profiles.length > 0
      ? [
          '## CPU profiles of this run',
          '',
          `Each profiled configuration ran once more under \`node --cpu-prof --cpu-prof-interval=250\`, warmed up, then ${plan.profileSeconds} s of the same load; only the samples of that load are counted.`,
          '',
          ...bench.profiles.flatMap((profile) => [profileSection(profile), '']),
        ]
      : []),
    context.findings.trim(),
    '',
  ].join('\n');
}
