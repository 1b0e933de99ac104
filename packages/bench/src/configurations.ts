// The configurations the bench compares: each is one process and one request it is loaded with.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceNodeFlags } from '@server-invites/server/build';
import type { ProcessSpec } from './runner.ts';
import type { Credentials } from './workload.ts';

export type Role = 'ceiling' | 'baseline' | 'floor' | 'service' | 'mock';

export interface Configuration {
  id: string;
  label: string;
  role: Role;
  /** How many invitees the request names. */
  invitees: number;
  /** Runs on the bench's Redis (REDIS_URL set to it). */
  usesRedis?: boolean;
  process: ProcessSpec;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** The service as `pnpm start` runs it: the bundle `pnpm build` writes (runBench builds it first). */
export const serverMain = fileURLToPath(
  new URL('../dist/main.mjs', import.meta.resolve('@server-invites/server')),
);
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const prismCli = fileURLToPath(import.meta.resolve('@stoplight/prism-cli'));

/**
 * The service as it runs in production (NODE_ENV=production: configured HS256 key, responses not
 * validated, JSON logs at the given level) with throttling limits raised so that the load is not
 * answered 429.
 */
export function serviceEnv(
  credentials: Credentials,
  logLevel: string,
  dataDir: string,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    VALIDATE_RESPONSES: 'false',
    AUTH_HS256_SECRET: credentials.secret,
    AUTH_ISSUER: credentials.issuer,
    AUTH_AUDIENCE: credentials.audience,
    THROTTLE_BURST_LIMIT: '100000000',
    THROTTLE_SUSTAIN_LIMIT: '100000000',
    CONCURRENCY_LIMIT_PER_CALLER: '100000',
  };
}

/** `nodeOptions`: the flags `pnpm start` runs the service with, unless given. */
export function serviceProcess(
  credentials: Credentials,
  logLevel: string,
  dataDir: string,
  nodeOptions: readonly string[] = serviceNodeFlags,
) {
  return {
    script: serverMain,
    nodeOptions: [...nodeOptions],
    env: serviceEnv(credentials, logLevel, dataDir),
    readiness: { kind: 'probe', path: '/readyz', status: 200 },
  } satisfies ProcessSpec;
}

/**
 * `dataRoot`: a fresh directory; each service process keeps its SQLite invite store in a folder of it.
 * `redisUrl`: the bench's Redis, for the configurations that use it.
 */
export function allConfigurations(
  credentials: Credentials,
  dataRoot: string,
  redisUrl = 'redis://127.0.0.1:6379',
): Configuration[] {
  const dataDir = (id: string) => join(dataRoot, id);
  return [
    {
      id: 'raw-http',
      label: 'raw node:http (JSON.parse, 204)',
      role: 'ceiling',
      invitees: 1,
      process: { script: here('./targets/raw-http.ts'), readiness: { kind: 'announce' } },
    },
    {
      id: 'bare-express',
      label: 'bare Express 5 (express.json, 204)',
      role: 'baseline',
      invitees: 1,
      process: { script: here('./targets/bare-express.ts'), readiness: { kind: 'announce' } },
    },
    {
      id: 'validator-floor',
      label: 'floor: bare Express 5 + express-openapi-validator (same contract; accept-all security; 204)',
      role: 'floor',
      invitees: 1,
      process: { script: here('./targets/validator-floor.ts'), readiness: { kind: 'announce' } },
    },
    {
      id: 'service-1',
      label: 'service, full pipeline, 1 invitee (request log at info)',
      role: 'service',
      invitees: 1,
      process: serviceProcess(credentials, 'info', dataDir('service-1')),
    },
    {
      id: 'service-16',
      label: 'service, full pipeline, 16 invitees (request log at info)',
      role: 'service',
      invitees: 16,
      process: serviceProcess(credentials, 'info', dataDir('service-16')),
    },
    {
      id: 'service-1-redis',
      label:
        'service, full pipeline, 1 invitee, on Redis (one replica, Redis on the same machine; request log at info)',
      role: 'service',
      invitees: 1,
      usesRedis: true,
      process: {
        ...serviceProcess(credentials, 'info', dataDir('unused')),
        env: { ...serviceEnv(credentials, 'info', dataDir('unused')), REDIS_URL: redisUrl },
      },
    },
    {
      id: 'service-1-warn',
      label: 'service, full pipeline, 1 invitee (LOG_LEVEL=warn: no request log)',
      role: 'service',
      invitees: 1,
      process: serviceProcess(credentials, 'warn', dataDir('service-1-warn')),
    },
    {
      id: 'service-1-no-metrics',
      label:
        'service, full pipeline, 1 invitee (request log at info), METRICS_ENABLED=false: the cost of metrics',
      role: 'service',
      invitees: 1,
      process: {
        ...serviceProcess(credentials, 'info', dataDir('service-1-no-metrics')),
        env: {
          ...serviceEnv(credentials, 'info', dataDir('service-1-no-metrics')),
          METRICS_ENABLED: 'false',
        },
      },
    },
    {
      id: 'service-1-default-heap',
      label: "service, full pipeline, 1 invitee (request log at info), Node's default heap sizing",
      role: 'service',
      invitees: 1,
      process: serviceProcess(credentials, 'info', dataDir('service-1-default-heap'), []),
    },
    {
      id: 'service-1-no-store',
      label: 'diagnostic: service pipeline without the SQLite store, 1 invitee (request log at info)',
      role: 'service',
      invitees: 1,
      process: {
        script: here('./targets/service-without-store.ts'),
        env: serviceEnv(credentials, 'info', dataDir('unused')),
        readiness: { kind: 'announce' },
      },
    },
    {
      id: 'prism',
      label: 'Prism 5.16 mock',
      role: 'mock',
      invitees: 1,
      process: {
        script: prismCli,
        args: ['mock', '--no-multiprocess', '-h', '127.0.0.1', 'spec/openapi.yaml'],
        cwd: repoRoot,
        readiness: { kind: 'probe', path: '/healthz', status: 200, portArgs: (port) => ['-p', String(port)] },
      },
    },
  ];
}

/** The configuration whose ratio to bare Express is the headline number. */
export const HEADLINE = 'service-1';
