// The package as teams get it: packed as the release workflow packs it, published to a real npm
// registry (Verdaccio, started here), installed by name, as the README says, into projects outside
// the workspace, and used from there with the machine's own Node (CLIENT_CONSUMER_NODE: Node 20 on
// our machines, the oldest the package supports).
import { createHash } from 'node:crypto';
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
import { lintTarball, npmEnvironment, pack, packageDir, run, tsc } from '../scripts/pack-check.js';
import {
  ORIGIN_ENDPOINT,
  ORIGIN_INVITES,
  ORIGIN_XUID,
  startEventStreamOrigin,
} from './support/event-stream-origin.js';
import { publish, type Registry, startRegistry } from './support/registry.js';

// Packing builds the package first; publishing starts a registry.
const PACK_TIMEOUT_MS = 60_000;
const PACKAGE_NAME = '@server-invites/client';
// Another Node to run consumers with (.ci/run passes the machine's own, Node 20 on our machines),
// since the package promises Node 20+.
const consumerNode = process.env.CLIENT_CONSUMER_NODE || process.execPath;

let workDir: string;
let tarball: string;
let registry: Registry | undefined;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'client-package-test-'));
  tarball = await pack(path.join(workDir, 'packed'));
  await mkdir(path.join(workDir, 'registry'));
  registry = await startRegistry(path.join(workDir, 'registry'));
  await publish(registry, tarball, path.join(workDir, 'npm-cache-publisher'));
}, PACK_TIMEOUT_MS);
afterAll(async () => {
  await registry?.close();
  await rm(workDir, { recursive: true, force: true });
});

/** The manifest of the packed tarball. */
async function packedManifest(): Promise<Record<string, unknown>> {
  return JSON.parse(await run('tar', ['-xzOf', tarball, 'package/package.json'])) as Record<string, unknown>;
}

describe('the packed tarball', () => {
  it('holds the built JavaScript and declarations, the README, the changelog and package.json, and no sources or tests', async () => {
    const files = (await run('tar', ['-tzf', tarball])).trim().split('\n');

    expect(files).toEqual(
      expect.arrayContaining(['package/package.json', 'package/README.md', 'package/CHANGELOG.md']),
    );
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts']));
    expect(
      files.filter(
        (file) => !/^package\/(dist\/.+\.(js|d\.ts)|package\.json|README\.md|CHANGELOG\.md)$/.test(file),
      ),
    ).toEqual([]);
  });

  it("has a package.json with what consumers need only: the workspace's without scripts and devDependencies, no dependencies of any kind, exports into dist", async () => {
    const workspace = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const { scripts: _scripts, devDependencies: _devDependencies, ...consumerFields } = workspace;
    const manifest = await packedManifest();

    expect(manifest).toEqual(consumerFields);
    expect(manifest).toMatchObject({
      name: PACKAGE_NAME,
      type: 'module',
      sideEffects: false,
      types: './dist/index.d.ts',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './package.json': './package.json',
      },
      files: ['dist', 'README.md', 'CHANGELOG.md'],
      engines: { node: '>=20.0.0' },
    });
    expect(Object.keys(manifest).filter((field) => /dependencies$/i.test(field))).toEqual([]);
  });

  it('passes publint (warnings as errors) and Are the Types Wrong (ESM-only profile)', async () => {
    const report = await lintTarball(tarball);

    expect(report).toContain('All good!');
    expect(report).toMatch(/node16 \(from ESM\) *│ 🟢 \(ESM\)/);
  }, 30_000);
});

/** The install instructions of the README: its command, and the .npmrc line for a private registry. */
async function readmeInstall(): Promise<{ command: string; scopeLine: (registryUrl: string) => string }> {
  const readme = await readFile(path.join(packageDir, 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Install\n'),
    readme.indexOf('\n## ', readme.indexOf('\n## Install\n') + 1),
  );
  const command = /```sh\n(.+)\n```/.exec(section)?.[1];
  const scopeLine = /```ini\n(@server-invites:registry=)https:\/\/npm\.example\.com\/\n```/.exec(
    section,
  )?.[1];
  if (command === undefined || scopeLine === undefined)
    throw new Error(
      'README.md: "## Install" has no ```sh command or no ```ini scope line for npm.example.com',
    );
  return { command, scopeLine: (registryUrl) => `${scopeLine}${registryUrl}` };
}

/**
 * A project outside the workspace that installs the client by name from the registry, as the
 * README says: its .npmrc has the README's scope line, naming the test's registry, and its install
 * command runs with npm on the consumer's Node. The user configuration is an empty file and the
 * cache a fresh folder, so that nothing but the registry (and this machine's) answers.
 */
async function consumerProject(name: string, manifest: Record<string, unknown>): Promise<string> {
  if (registry === undefined) throw new Error('the registry did not start');
  const project = path.join(workDir, name);
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name, private: true, ...manifest }));
  const { command, scopeLine } = await readmeInstall();
  await writeFile(path.join(project, '.npmrc'), `${scopeLine(registry.url)}\n`);
  const userConfig = path.join(workDir, `${name}.user.npmrc`);
  await writeFile(userConfig, '');
  const [npm, ...args] = command.split(' ');
  await run(
    npm as string,
    [
      ...args,
      '--userconfig',
      userConfig,
      '--cache',
      path.join(workDir, `npm-cache-${name}`),
      '--no-audit',
      '--no-fund',
    ],
    project,
    npmEnvironment(consumerNode),
  );
  return project;
}

describe('the package published to a registry (Verdaccio), installed by name', () => {
  it("the README's install line is `npm install @server-invites/client`, its private-registry line an .npmrc scope line", async () => {
    const { command, scopeLine } = await readmeInstall();

    expect(command).toBe(`npm install ${PACKAGE_NAME}`);
    expect(scopeLine('https://registry.test/')).toBe('@server-invites:registry=https://registry.test/');
  });

  it('the registry serves the packed version as latest, with the packed manifest and the README', async () => {
    const response = await fetch(new URL(PACKAGE_NAME.replace('/', '%2f'), registry?.url));
    const packument = (await response.json()) as {
      'dist-tags': Record<string, string>;
      versions: Record<string, Record<string, unknown>>;
      readme?: string;
    };
    const manifest = await packedManifest();
    const version = manifest.version as string;

    expect(response.status).toBe(200);
    expect(packument['dist-tags']).toEqual({ latest: version });
    expect(Object.keys(packument.versions)).toEqual([version]);
    expect(packument.versions[version]).toMatchObject(manifest);
    expect(packument.versions[version]).not.toHaveProperty('scripts');
    expect(packument.versions[version]).not.toHaveProperty('devDependencies');
    expect(packument.readme).toContain('# @server-invites/client');
  });

  it(
    "npm, on the consumer's Node, installs exactly the published tarball and nothing else",
    async () => {
      const project = await consumerProject('by-name', { type: 'module' });
      const installed = JSON.parse(
        await readFile(
          path.join(project, 'node_modules', '@server-invites', 'client', 'package.json'),
          'utf8',
        ),
      ) as Record<string, unknown>;
      const lock = JSON.parse(await readFile(path.join(project, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version?: string; resolved?: string; integrity?: string }>;
      };
      const integrity = `sha512-${createHash('sha512')
        .update(await readFile(tarball))
        .digest('base64')}`;

      expect(installed).toEqual(await packedManifest());
      expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/@server-invites/client']);
      expect(lock.packages['node_modules/@server-invites/client']).toMatchObject({
        version: installed.version,
        resolved: expect.stringMatching(new RegExp(`^${registry?.url}`)),
        integrity,
      });
    },
    PACK_TIMEOUT_MS,
  );
});

describe('the README examples, compiled by a consumer that installed the package by name', () => {
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
    // require(esm) needs Node 20.19 or later.
    const output = await run(consumerNode, [path.join('out', 'consumer.js')], project);

    expect(compiled).toBe('');
    expect(emitted).toContain('require("@server-invites/client")');
    const report = output.split('\n').find((line) => line.startsWith('{'));
    expect(JSON.parse(report ?? 'null')).toEqual({ apiError: true, code: 'UnexpectedResponse' });
  }, 60_000);
});

describe('a consumer outside the workspace that installed the package by name', () => {
  const TITLE_ID = 1827805096;
  const INVITEE = '2814613569642996';

  it("runs on the consumer's Node: imports createInvitesClient, sends an invite to a running server, and catches RequestValidationError and ThrottledError with their typed fields; receives the invite with createInviteReceiver", async () => {
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

      // The consumer's types come from the package's declarations alone (no @types/node either).
      await run(process.execPath, [tsc, '-p', project]);
      const output = await run(consumerNode, [path.join('out', 'consumer.js')], project);

      const report = JSON.parse(output.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
      expect(report).toEqual({
        node: (await run(consumerNode, ['--version'])).trim(),
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

describe("the invite stream on the consumer's Node", () => {
  it('reads events split anywhere over a real socket, reconnects with Last-Event-ID when the stream ends, and closes the connection on abort', async () => {
    const origin = await startEventStreamOrigin();
    try {
      const project = await consumerProject('stream-consumer', { type: 'module' });
      await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
      await writeFile(path.join(project, 'consumer.ts'), streamConsumerSource(origin.url));

      await run(process.execPath, [tsc, '-p', project]);
      const output = await run(consumerNode, [path.join('out', 'consumer.js')], project);

      const report = JSON.parse(output.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
      const [first, second] = ORIGIN_INVITES;
      expect(report).toEqual({
        node: (await run(consumerNode, ['--version'])).trim(),
        received: [
          { id: first?.id, cursor: '1', connectionString: first?.connectionString, createdAtIsDate: true },
          { id: second?.id, cursor: '2', connectionString: second?.connectionString, createdAtIsDate: true },
        ],
        stoppedBy: 'the player signed out',
        streamClosed: true,
      });
      const stream = `GET /users/${ORIGIN_XUID}/endpoints/${ORIGIN_ENDPOINT}/invites/stream`;
      expect(origin.requests.filter(({ request }) => request !== 'GET /stream-closed')).toEqual([
        { request: stream, lastEventId: undefined },
        // The first invite, acknowledged when the loop asked for the next one.
        {
          request: `DELETE /users/${ORIGIN_XUID}/endpoints/${ORIGIN_ENDPOINT}/invites/${first?.id}`,
          lastEventId: undefined,
        },
        { request: stream, lastEventId: '1' },
      ]);
    } finally {
      await origin.close();
    }
  }, 60_000);
});

/** A device's loop on the invite stream, stopped by its signal after the second invite. */
function streamConsumerSource(url: string): string {
  return `import { createInviteReceiver, type StreamedInvite } from '@server-invites/client';

declare const process: { version: string };
const receiver = createInviteReceiver({
  baseUrl: ${JSON.stringify(url)},
  credentials: 'XBL3.0 x=3456;user-token',
  // The origin says retry: 0; this makes the reconnection come within milliseconds.
  retry: { baseDelayMs: 1 },
});
const signedOut = new AbortController();
const received: StreamedInvite[] = [];
let stoppedBy: unknown;
try {
  for await (const invite of receiver.streamInvites(${JSON.stringify(ORIGIN_XUID)}, ${JSON.stringify(ORIGIN_ENDPOINT)}, { signal: signedOut.signal })) {
    received.push(invite);
    if (received.length === 2) signedOut.abort(new Error('the player signed out'));
  }
} catch (error) {
  stoppedBy = error instanceof Error ? error.message : error;
}
const streamClosed: unknown = await (await fetch(${JSON.stringify(`${url}/stream-closed`)})).json();
console.log(JSON.stringify({
  node: process.version,
  received: received.map((invite) => ({
    id: invite.id,
    cursor: invite.cursor,
    connectionString: invite.connectionString,
    createdAtIsDate: invite.createdAt instanceof Date,
  })),
  stoppedBy,
  streamClosed,
}));
`;
}

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
declare const process: { version: string };
report.node = process.version;

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
