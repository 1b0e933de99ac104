import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkExamples,
  DOCUMENTED_RESOLUTIONS,
  extractExamples,
  type Resolution,
} from '../scripts/check-readme-examples.js';
import { lintTarball, pack, packageDir, run } from '../scripts/pack-check.js';

// Packing builds the package first (prepack).
const PACK_TIMEOUT_MS = 60_000;

let workDir: string;
let tarball: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'client-package-test-'));
  tarball = await pack(workDir);
}, PACK_TIMEOUT_MS);
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the built JavaScript and declarations, the README and package.json, and no sources or tests', async () => {
    const files = (await run('tar', ['-tzf', tarball])).trim().split('\n');

    expect(files).toEqual(expect.arrayContaining(['package/package.json', 'package/README.md']));
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts']));
    expect(
      files.filter((file) => !/^package\/(dist\/.+\.(js|d\.ts)|package\.json|README\.md)$/.test(file)),
    ).toEqual([]);
  });

  it('declares no runtime dependency', async () => {
    const manifest = JSON.parse(await run('tar', ['-xzOf', tarball, 'package/package.json'])) as Record<
      string,
      unknown
    >;

    expect(manifest).not.toHaveProperty('dependencies');
    expect(manifest).not.toHaveProperty('peerDependencies');
    expect(manifest).toMatchObject({ type: 'module', engines: { node: '>=20.0.0' } });
  });

  it('passes publint (warnings as errors) and Are the Types Wrong (ESM-only profile)', async () => {
    const report = await lintTarball(tarball);

    expect(report).toContain('All good!');
    expect(report).toMatch(/node16 \(from ESM\) *│ 🟢 \(ESM\)/);
  }, 30_000);
});

/** A project outside the workspace with the tarball installed (offline: it has no dependency). */
async function consumerProject(name: string, manifest: Record<string, unknown>): Promise<string> {
  const project = path.join(workDir, name);
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name, private: true, ...manifest }));
  await run(
    'npm',
    [
      'install',
      tarball,
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--cache',
      path.join(workDir, `npm-cache-${name}`),
    ],
    project,
  );
  return project;
}

const tsc = path.join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');

describe('the README examples, compiled by a consumer that installed the tarball', () => {
  let project: string;
  beforeAll(async () => {
    project = await consumerProject('readme-consumer', { type: 'module' });
  }, PACK_TIMEOUT_MS);

  it.each(Object.keys(DOCUMENTED_RESOLUTIONS) as Resolution[])(
    'type-check under moduleResolution %s, from the declarations alone',
    async (resolution) => {
      const examples = extractExamples(await readFile(path.join(packageDir, 'README.md'), 'utf8'));

      expect(examples.length).toBeGreaterThanOrEqual(6);
      expect(checkExamples(examples, { consumerDir: project, resolution })).toEqual([]);
    },
    30_000,
  );
});

describe('a CommonJS consumer (module commonjs: moduleResolution node10)', () => {
  it('resolves the types and, on Node with require(esm), runs the require() TypeScript emits', async () => {
    const project = await consumerProject('commonjs-consumer', {});
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'CommonJS',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          outDir: 'out',
          skipLibCheck: false,
        },
        include: ['consumer.ts'],
      }),
    );
    await writeFile(
      path.join(project, 'consumer.ts'),
      `import { ApiError, createInvitesClient, Platform } from '@server-invites/client';

const client = createInvitesClient({
  baseUrl: 'https://invites.test',
  credentials: 'XBL3.0 x=-;token',
  fetch: async () => new Response('<html>portal</html>', { status: 200 }),
});
client
  .sendServerInvite(1827805096, { invitedUsers: ['1'], sender: '2', platform: Platform.XboxOne })
  .catch((error: unknown) => {
    console.log(JSON.stringify({ apiError: error instanceof ApiError, code: (error as ApiError).errorCode }));
  });
`,
    );

    const compiled = await run(process.execPath, [tsc, '-p', project]);
    const emitted = await readFile(path.join(project, 'out', 'consumer.js'), 'utf8');
    // CLIENT_CONSUMER_NODE: the machine's own Node (20 on ours; require(esm) from 20.19).
    const node = process.env.CLIENT_CONSUMER_NODE || process.execPath;
    const output = await run(node, [path.join('out', 'consumer.js')], project);

    expect(compiled).toBe('');
    expect(emitted).toContain('require("@server-invites/client")');
    const report = output.split('\n').find((line) => line.startsWith('{'));
    expect(JSON.parse(report ?? 'null')).toEqual({ apiError: true, code: 'UnexpectedResponse' });
  }, 60_000);
});

describe('a consumer outside the workspace that installs the tarball', () => {
  const TITLE_ID = 1827805096;
  const INVITEE = '2814613569642996';

  it('imports createInvitesClient, sends an invite to a running server, and catches RequestValidationError and ThrottledError with their typed fields; receives the invite with createInviteReceiver', async () => {
    // One invite per minute for a sender: the consumer's second valid invite is throttled.
    const server = await startTestServer({ throttle: { burst: { limit: 1, windowSeconds: 60 } } });
    try {
      const project = await consumerProject('consumer', { type: 'module' });
      await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
      await writeFile(
        path.join(project, 'consumer.ts'),
        consumerSource({
          url: server.url,
          credential: await server.serviceCredential([TITLE_ID]),
          userCredential: await server.userCredential(INVITEE),
          titleId: TITLE_ID,
        }),
      );

      // The consumer's types come from the tarball's declarations alone (no @types/node either).
      await run(process.execPath, [tsc, '-p', project]);
      // CLIENT_CONSUMER_NODE: another Node to run the consumer with (.ci/run passes the machine's
      // own, Node 20 on our machines), since the package promises Node 20+.
      const node = process.env.CLIENT_CONSUMER_NODE || process.execPath;
      const output = await run(node, [path.join('out', 'consumer.js')], project);

      const report = JSON.parse(output.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
      expect(report).toEqual({
        sent: true,
        received: {
          created: true,
          invites: [{ invitedUser: INVITEE, sender: '2533274792693551', createdAtIsDate: true }],
          again: 0,
        },
        validation: {
          name: 'RequestValidationError',
          isBase: true,
          status: 400,
          errorCode: 'RequestValidationError',
          debugMessage: expect.stringMatching(/sender/),
          requestId: 'consumer-invalid-1',
        },
        throttled: {
          name: 'ThrottledError',
          isBase: true,
          status: 429,
          errorCode: 'Throttled',
          requestId: expect.any(String),
          retryAfterMs: expect.any(Number),
          limitType: 'Rate',
          maxRequests: 1,
          periodInSeconds: 60,
        },
      });
      const { retryAfterMs } = report.throttled as { retryAfterMs: number };
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    } finally {
      await server.close();
    }
  }, 60_000);
});

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    // Emitted, so that a Node without TypeScript support (20, 22) can run the consumer too.
    outDir: 'out',
    erasableSyntaxOnly: true,
    // Checks the package's declarations too, generated ones included.
    skipLibCheck: false,
  },
  include: ['consumer.ts'],
};

/** A consumer written as another team would, runnable by Node's type stripping. */
function consumerSource(target: {
  url: string;
  credential: string;
  userCredential: string;
  titleId: number;
}): string {
  return `import {
  createInviteReceiver,
  createInvitesClient,
  InvitesClientError,
  Platform,
  type ReceivedInvite,
  RequestValidationError,
  ThrottledError,
  type ThrottledEntity,
} from '@server-invites/client';

const client = createInvitesClient({
  baseUrl: ${JSON.stringify(target.url)},
  credentials: async () => ${JSON.stringify(target.credential)},
  retry: { maxAttempts: 1 },
});
const titleId = ${target.titleId};
const invite = { invitedUsers: ['2814613569642996'], sender: '2533274792693551', platform: Platform.XboxOne };
const report: Record<string, unknown> = {};

try {
  await client.sendServerInvite(titleId, { ...invite, sender: '18446744073709551616' }, { requestId: 'consumer-invalid-1' });
} catch (error) {
  if (!(error instanceof RequestValidationError)) throw error;
  const status: number = error.status;
  const errorCode: string = error.errorCode;
  const debugMessage: string = error.debugMessage;
  const requestId: string | undefined = error.requestId;
  report.validation = { name: error.name, isBase: error instanceof InvitesClientError, status, errorCode, debugMessage, requestId };
}

const receiver = createInviteReceiver({
  baseUrl: ${JSON.stringify(target.url)},
  credentials: ${JSON.stringify(target.userCredential)},
});
const invitee = invite.invitedUsers[0] as string;
const registered = await receiver.registerEndpoint(invitee, 'consumer-device', { platform: Platform.Win32 });

await client.sendServerInvite(titleId, invite);
report.sent = true;

const received: ReceivedInvite[] = [];
for await (const got of receiver.receiveInvites(invitee, 'consumer-device', { waitSeconds: 0 })) received.push(got);
let again = 0;
for await (const _ of receiver.receiveInvites(invitee, 'consumer-device', { waitSeconds: 0 })) again += 1;
report.received = {
  created: registered.created,
  invites: received.map((got) => ({ invitedUser: got.invitedUser, sender: got.sender, createdAtIsDate: got.createdAt instanceof Date })),
  again,
};

try {
  await client.sendServerInvite(titleId, invite);
} catch (error) {
  if (!(error instanceof ThrottledError)) throw error;
  const retryAfterMs: number | undefined = error.retryAfterMs;
  const entity: ThrottledEntity | undefined = error.throttledEntity;
  const limitType: 'Rate' | 'Concurrency' | undefined = entity?.limitType;
  report.throttled = {
    name: error.name,
    isBase: error instanceof InvitesClientError,
    status: error.status,
    errorCode: error.errorCode,
    requestId: error.requestId,
    retryAfterMs,
    limitType,
    maxRequests: entity?.maxRequests,
    periodInSeconds: entity?.periodInSeconds,
  };
}

console.log(JSON.stringify(report));
`;
}
