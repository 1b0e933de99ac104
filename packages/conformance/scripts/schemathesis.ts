// `pnpm test:schemathesis`: Schemathesis (pinned, from PyPI, in packages/conformance/.venv) runs its
// examples, coverage and fuzzing phases with every check against the real server and the Prism
// mock, and prints one line per target: `schemathesis: <target>: N cases, M failures`.
//
// - The server starts with `pnpm start` on a free port, and a second time (`pnpm serve`, the same
//   build) on a real redis-server, its throttling raised by configuration
//   (Schemathesis sends thousands of invites for one sender and title); its credentials come from
//   `pnpm --silent run token` (not `pnpm token`: pnpm has a built-in command of that name).
// - The mock is `prism mock` on the spec (@server-invites/mock).
// - scripts/schemathesis.toml holds the settings, scripts/schemathesis_hooks.py the hooks (each
//   says why it exists), scripts/requirements.txt the pinned Python packages.
// Exits non-zero when a target has a failure or an error, or sendServerInvite got fewer than 1000
// generated cases. Reports (JSON, NDJSON, JUnit) go to packages/conformance/schemathesis-report/.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { specPath, startMock } from '@server-invites/mock';
import { type RedisServer, startRedisServer } from '@server-invites/server/testing/redis';

const schemathesisVersion = '4.32.5';
const minimumCasesForOperation = 1000;
const operationUnderTest = 'POST /titles/{titleId}/invites/server';
const titleId = '1827805096';
const userXuid = '2814613569642996';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const scriptsDir = fileURLToPath(new URL('.', import.meta.url));
const venv = `${packageDir}.venv`;
const reportRoot = `${packageDir}schemathesis-report`;

interface TargetRun {
  name: 'server' | 'server-on-redis' | 'mock';
  url: string;
  /** Checks left out for this target, each with its reason (printed). */
  excludedChecks: Array<{ check: string; reason: string }>;
  serviceCredential: string;
  userCredential: string;
}

function log(message: string): void {
  console.warn(`[test:schemathesis] ${message}`);
}

function ensureVenv(): string {
  const bin = `${venv}/bin/schemathesis`;
  const installed = existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  if (installed === `schemathesis, version ${schemathesisVersion}`) return bin;
  log(`installing schemathesis ${schemathesisVersion} into ${venv}`);
  rmSync(venv, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(
    `${venv}/bin/pip`,
    [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-input',
      '-r',
      `${scriptsDir}requirements.txt`,
    ],
    { stdio: 'inherit' },
  );
  return bin;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server at ${url} was not ready within ${timeoutMs} ms`);
}

function token(args: string[]): string {
  return execFileSync('pnpm', ['--silent', 'run', 'token', ...args], { cwd: root, encoding: 'utf8' }).trim();
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const killer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    process.kill(-pid, 'SIGTERM');
  });
}

/** Generated cases per operation, from the NDJSON event stream. */
function casesPerOperation(reportDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const file = readdirSync(reportDir).find((name) => name.endsWith('.ndjson'));
  if (!file) return counts;
  for (const line of readFileSync(`${reportDir}/${file}`, 'utf8').split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const { recorder } = JSON.parse(line).ScenarioFinished as {
      recorder?: { label: string; cases?: object };
    };
    if (!recorder) continue;
    counts.set(recorder.label, (counts.get(recorder.label) ?? 0) + Object.keys(recorder.cases ?? {}).length);
  }
  return counts;
}

async function runSchemathesis(
  bin: string,
  target: TargetRun,
): Promise<{ cases: number; failures: number; problems: string[] }> {
  const reportDir = `${reportRoot}/${target.name}`;
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  for (const { check, reason } of target.excludedChecks)
    log(`${target.name}: check ${check} left out: ${reason}`);
  const args = [
    '--config-file',
    `${scriptsDir}schemathesis.toml`,
    'run',
    specPath,
    '--url',
    target.url,
    '--phases',
    'examples,coverage,fuzzing',
    '--checks',
    'all',
    ...(target.excludedChecks.length > 0
      ? ['--exclude-checks', target.excludedChecks.map(({ check }) => check).join(',')]
      : []),
    // A stream of events does not end, and Schemathesis reads whole responses (a registered
    // endpoint's stream would time out every time): the conformance cases read its first block
    // (cases/stream.ts), and the server's and the client's tests its events.
    '--exclude-operation-id',
    'receiveInviteStream',
    // One worker: with two, Hypothesis 6.170's lambda-description cache races (a KeyError in
    // lambda_sources.py) and Schemathesis reports it as a runtime error.
    '--workers',
    '1',
    '--continue-on-failure',
    '--report',
    'json,ndjson,junit',
    '--report-dir',
    reportDir,
  ];
  const child = spawn(bin, args, {
    cwd: packageDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      ST_TITLE_ID: titleId,
      ST_USER_XUID: userXuid,
      ST_SERVICE_CREDENTIAL: target.serviceCredential,
      ST_USER_CREDENTIAL: target.userCredential,
      SCHEMATHESIS_HOOKS: 'schemathesis_hooks',
      PYTHONPATH: scriptsDir,
      NO_COLOR: '1',
    },
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const jsonReport = readdirSync(reportDir).find((name) => name.startsWith('json') && name.endsWith('.json'));
  if (!jsonReport) return { cases: 0, failures: 1, problems: [`no JSON report (exit ${exitCode})`] };
  const report = JSON.parse(readFileSync(`${reportDir}/${jsonReport}`, 'utf8')) as {
    test_cases: { generated: number; with_failures: number; errored: number };
    failures: unknown[];
    errors: unknown[];
  };
  const problems: string[] = [];
  if (exitCode !== 0) problems.push(`schemathesis exited with ${exitCode}`);
  if (report.errors.length > 0) problems.push(`${report.errors.length} errors`);
  const forOperation = casesPerOperation(reportDir).get(operationUnderTest) ?? 0;
  log(`${target.name}: ${forOperation} cases for ${operationUnderTest}`);
  if (forOperation < minimumCasesForOperation) {
    problems.push(
      `only ${forOperation} cases for ${operationUnderTest} (at least ${minimumCasesForOperation})`,
    );
  }
  return {
    cases: report.test_cases.generated,
    failures: report.test_cases.with_failures + report.test_cases.errored,
    problems,
  };
}

/**
 * The built service on a free port, its throttling raised by configuration; `pnpm start` builds it
 * first, `pnpm serve` runs the build that is there. `env`: further variables (REDIS_URL).
 */
async function startService(
  script: 'start' | 'serve',
  env: Record<string, string> = {},
): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const raised = '1000000';
  const child = spawn('pnpm', ['--silent', script], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      // Nothing of the run is kept: no data directory appears in the checkout.
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'error',
      THROTTLE_BURST_LIMIT: raised,
      THROTTLE_SUSTAIN_LIMIT: raised,
      CONCURRENCY_LIMIT_PER_CALLER: '1000',
      ...env,
    },
  });
  try {
    await waitUntilReady(url, child);
  } catch (error) {
    await stopGroup(child);
    throw error;
  }
  return { url, process: child };
}

async function main(): Promise<number> {
  const bin = ensureVenv();
  const mock = await startMock();
  const services: ChildProcess[] = [];
  let redis: RedisServer | undefined;
  const results: string[] = [];
  let failed = false;
  try {
    const server = await startService('start');
    services.push(server.process);
    // The same service on Redis: the contract holds whatever store is behind it.
    redis = await startRedisServer();
    const onRedis = await startService('serve', { REDIS_URL: redis.url });
    services.push(onRedis.process);
    const serverCredentials = {
      serviceCredential: token(['--title', titleId]),
      userCredential: token(['--user', userXuid]),
    };
    const targets: TargetRun[] = [
      { name: 'server', url: server.url, excludedChecks: [], ...serverCredentials },
      { name: 'server-on-redis', url: onRedis.url, excludedChecks: [], ...serverCredentials },
      {
        name: 'mock',
        url: mock.url,
        excludedChecks: [
          {
            check: 'ignored_auth',
            reason:
              'Prism checks only that the Authorization header is present (an apiKey scheme); it cannot verify tokens',
          },
        ],
        serviceCredential: 'XBL3.0 x=-;mock-accepts-any-token',
        userCredential: `XBL3.0 x=uhs${userXuid};mock-accepts-any-token`,
      },
    ];
    for (const target of targets) {
      log(`${target.name}: ${target.url}`);
      const { cases, failures, problems } = await runSchemathesis(bin, target);
      const line = `schemathesis: ${target.name}: ${cases} cases, ${failures} failures${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`;
      results.push(line);
      if (failures > 0 || problems.length > 0) failed = true;
    }
  } finally {
    await mock.close();
    await Promise.all(services.map(stopGroup));
    await redis?.remove();
  }
  for (const line of results) process.stdout.write(`${line}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
