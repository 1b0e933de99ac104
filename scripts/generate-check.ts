// `pnpm generate:check`: fails, listing the stale files, when the generated code in the working
// tree differs from what spec/openapi.yaml produces now, or when the client's version is not the
// contract's info.version. Generates into a scratch folder, so the working tree is never touched.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { clientVersionMismatch, generateAll, outputs, repoRoot } from './codegen.ts';

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export function staleFiles(expectedRoot: string, actualRoot: string): string[] {
  const stale = new Set<string>();
  for (const output of Object.values(outputs)) {
    const expected = listFiles(join(expectedRoot, output)).map((file) => relative(expectedRoot, file));
    const actual = listFiles(join(actualRoot, output)).map((file) => relative(actualRoot, file));
    for (const file of new Set([...expected, ...actual])) {
      const want = join(expectedRoot, file);
      const have = join(actualRoot, file);
      if (!existsSync(want) || !existsSync(have) || !readFileSync(want).equals(readFileSync(have)))
        stale.add(file);
    }
  }
  return [...stale].sort();
}

if (import.meta.main) {
  const scratch = mkdtempSync(join(tmpdir(), 'server-invites-generate-'));
  try {
    generateAll(scratch);
    const stale = staleFiles(scratch, repoRoot);
    const version = clientVersionMismatch(repoRoot);
    if (stale.length > 0) {
      console.error(`generated code is stale: run \`pnpm generate\` and commit. Differing files:`);
      for (const file of stale) console.error(`  ${file}`);
      process.exitCode = 1;
    }
    if (version !== undefined) {
      console.error(
        `the client's version is not the contract's: run \`pnpm generate\` and commit. ${version}`,
      );
      process.exitCode = 1;
    }
    if (process.exitCode !== 1) console.warn('generated code and the client version match spec/openapi.yaml');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
