// The client imported by name from another package of this workspace, as the README says: pnpm
// links a `workspace:*` dependency to this folder, and `pnpm install` builds dist/ (this package's
// prepare script), which `exports` names. The test makes that link in a scratch project, as pnpm
// does, and uses the dist/ that `pnpm install` built: in CI, a fresh clone's.
import { access, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir, run, tsc } from '../scripts/pack-check.js';

const TITLE_ID = 1827805096;

let project: string;
beforeAll(async () => {
  for (const file of ['dist/index.js', 'dist/index.d.ts']) {
    await access(path.join(packageDir, file)).catch(() => {
      throw new Error(`packages/client/${file} is missing: \`pnpm install\` builds it (the prepare script)`);
    });
  }
  project = await mkdtemp(path.join(tmpdir(), 'client-workspace-import-'));
  await mkdir(path.join(project, 'node_modules', '@server-invites'), { recursive: true });
  await symlink(packageDir, path.join(project, 'node_modules', '@server-invites', 'client'), 'dir');
  // Every package of the workspace has Node's types (the base tsconfig names them).
  await mkdir(path.join(project, 'node_modules', '@types'));
  await symlink(
    path.join(packageDir, 'node_modules', '@types', 'node'),
    path.join(project, 'node_modules', '@types', 'node'),
    'dir',
  );
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({
      name: 'workspace-page',
      private: true,
      type: 'module',
      dependencies: { '@server-invites/client': 'workspace:*' },
    }),
  );
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

describe('a workspace package that depends on the client (workspace:*)', () => {
  it.each([
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ])(
    "type-checks its import under the workspace's base tsconfig (strict, noImplicitOverride), moduleResolution %s",
    async (moduleResolution, module) => {
      await writeFile(
        path.join(project, `tsconfig.${moduleResolution}.json`),
        JSON.stringify({
          extends: path.join(packageDir, '..', '..', 'tsconfig.base.json'),
          compilerOptions: { noEmit: true, module, moduleResolution, skipLibCheck: false },
          files: ['page.ts'],
        }),
      );
      await writeFile(path.join(project, 'page.ts'), pageSource('http://127.0.0.1:9', 'XBL3.0 x=-;token'));

      expect(await run(process.execPath, [tsc, '-p', `tsconfig.${moduleResolution}.json`], project)).toBe('');
    },
    30_000,
  );

  it("imports it by name on the workspace's Node and sends an invite through it to the service (204), then gets a RequestValidationError", async () => {
    const server = await startTestServer();
    try {
      const script = path.join(project, 'send.ts');
      await writeFile(script, pageSource(server.url, await server.serviceCredential([TITLE_ID])));

      const output = await run(process.execPath, [script], project);

      expect(JSON.parse(output.trim().split('\n').at(-1) ?? 'null')).toEqual({
        sent: true,
        invalid: { name: 'RequestValidationError', status: 400, errorCode: 'RequestValidationError' },
        resolved: path.join(packageDir, 'dist', 'index.js'),
      });
    } finally {
      await server.close();
    }
  }, 30_000);
});

/** What a page or tool of the workspace writes: the README's import, one valid and one invalid send. */
function pageSource(baseUrl: string, credential: string): string {
  return `import { createInvitesClient, Platform, RequestValidationError } from '@server-invites/client';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const invites = createInvitesClient({ baseUrl: ${JSON.stringify(baseUrl)}, credentials: ${JSON.stringify(credential)} });
const invite = { invitedUsers: ['2814613569642996'], sender: '2533274792693551', platform: Platform.XboxOne };
const report: Record<string, unknown> = {};
await invites.sendServerInvite(${TITLE_ID}, invite);
report.sent = true;
try {
  await invites.sendServerInvite(${TITLE_ID}, { ...invite, invitedUsers: [] });
} catch (error) {
  if (!(error instanceof RequestValidationError)) throw error;
  report.invalid = { name: error.name, status: error.status, errorCode: error.errorCode };
}
report.resolved = realpathSync(fileURLToPath(import.meta.resolve('@server-invites/client')));
console.log(JSON.stringify(report));
`;
}
