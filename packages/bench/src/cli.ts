// `pnpm bench [--quick | --ci] [--output <file>] [--json <file>]`
//   (default)  every configuration, CPU profiles; writes packages/bench/BENCHMARKS.md (~4 minutes)
//   --quick    raw node:http, bare Express and the full pipeline only, < 45 s; writes no file and
//              ends with the line `full-pipeline/bare-express: <ratio>`
//   --ci       a few seconds of load per configuration; fails only on errors or non-2xx responses
//   --no-devices / --devices-only   leave out, or run only, the waiting-devices scenario
//   --only <ids>     these configurations only (comma-separated ids of configurations.ts), nothing
//                    else of the plan; writes no file: for measuring one change
//   --profile <ids>  CPU-profile these configurations too (6 s each, or the plan's length)
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchResult, PLANS, runBench } from './bench.ts';
import { describeMachine } from './machine.ts';
import { benchmarksMarkdown, devicesTable, profileSection, redisTable, resultsTable } from './markdown.ts';

// `pnpm run bench -- --quick` passes the `--` on.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values } = parseArgs({
  args,
  options: {
    quick: { type: 'boolean', default: false },
    ci: { type: 'boolean', default: false },
    output: { type: 'string' },
    json: { type: 'string' },
    /** Re-renders BENCHMARKS.md from a run saved with --json (after editing findings.md). */
    render: { type: 'string' },
    'no-devices': { type: 'boolean', default: false },
    'devices-only': { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
  strict: true,
});
if (values.quick && values.ci) {
  console.error('give --quick or --ci, not both');
  process.exit(2);
}
const chosen = PLANS[values.ci ? 'ci' : values.quick ? 'quick' : 'full'];
const { devices: _devices, ...withoutDevices } = chosen;
const ids = (list: string | undefined) => list?.split(',').filter((id) => id !== '');
const only = ids(values.only);
const profiled = ids(values.profile);
const planned: typeof chosen = values['no-devices']
  ? withoutDevices
  : values['devices-only']
    ? { ...chosen, configurations: [], profiled: [], soak: undefined, distinctSenders: undefined }
    : chosen;
const plan: typeof chosen = {
  ...(only
    ? { ...withoutDevices, configurations: only, soak: undefined, distinctSenders: undefined }
    : planned),
  ...(profiled && {
    profiled,
    profileSeconds: planned.profileSeconds || 6,
  }),
};
const packageDir = fileURLToPath(new URL('../', import.meta.url));
// BENCHMARKS.md records whole runs only.
const whole = plan.name === 'full' && !values['no-devices'] && !values['devices-only'] && !only && !profiled;
const output = values.output ?? (whole ? `${packageDir}BENCHMARKS.md` : undefined);
const say = (line: string) => process.stdout.write(`${line}\n`);

let bench: BenchResult;
if (values.render) {
  bench = JSON.parse(await readFile(values.render, 'utf8'), (key, value) =>
    key === 'startedAt' ? new Date(value) : value,
  ) as BenchResult;
} else {
  say(`bench (${plan.name}) on Node.js ${process.version}: ${plan.configurations.join(', ')}`);
  bench = await runBench(plan, (line) => say(`  ${line}`));
}
say('');
say(resultsTable(bench.results));
const onRedis = redisTable(bench.results);
if (onRedis) say(`\n${onRedis}`);
if (bench.devices.length > 0) say(`\n${devicesTable(bench.devices)}`);
if (profiled) for (const profile of bench.profiles) say(`\n${profileSection(profile)}`);

if (output) {
  const findings = await readFile(`${packageDir}findings.md`, 'utf8').catch(() => '');
  const command = bench.plan.name === 'full' ? 'pnpm bench' : `pnpm bench --${bench.plan.name}`;
  await writeFile(output, benchmarksMarkdown(bench, { machine: describeMachine(), command, findings }));
  say(`\nwrote ${output}`);
}
if (values.json) await writeFile(values.json, `${JSON.stringify(bench, null, 2)}\n`);

const failures = bench.results.filter((r) => r.errors > 0 || r.non2xx > 0);
for (const failure of failures) {
  const codes = [failure.warmup, ...failure.rounds].flatMap((r) => Object.entries(r.statusCodes));
  console.error(
    `${failure.id}: ${failure.errors} errors, ${failure.non2xx} non-2xx (status codes: ${codes.map(([code, n]) => `${code}×${n}`).join(', ')})`,
  );
}
const soakFailures = (bench.soak?.runs ?? []).filter((run) => run.errors > 0 || run.non2xx > 0);
for (const [i, run] of soakFailures.entries()) {
  console.error(`soak run ${i + 1}: ${run.errors} errors, ${run.non2xx} non-2xx`);
}
const distinctFailures = bench.distinctSenders.filter((run) => run.errors > 0 || run.non2xx > 0);
for (const run of distinctFailures) {
  console.error(`distinct senders ${run.id}: ${run.errors} errors, ${run.non2xx} non-2xx`);
}
const devicesFailures = bench.devices.filter((run) => run.errors > 0 || deviceFailures(run) > 0);
for (const run of devicesFailures) {
  console.error(
    `devices ${run.store}: ${run.errors} socket errors, ${deviceFailures(run)} answers neither 200 nor 503`,
  );
}
say('');
say(`full-pipeline/bare-express: ${bench.headlineRatio.toFixed(2)}`);
if (plan.name === 'ci' && failures.length + soakFailures.length + devicesFailures.length > 0) process.exit(1);

/** Poll answers a device should never get: anything but 200, and 503 past the cap. */
function deviceFailures(run: BenchResult['devices'][number]): number {
  return Object.entries(run.statuses)
    .filter(([status]) => status !== '200' && status !== '503')
    .reduce((sum, [, count]) => sum + count, 0);
}
