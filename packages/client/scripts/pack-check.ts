// `pnpm run pack:check`: packs this package as `pnpm publish` would (prepack builds it) and lints
// the tarball with publint and Are the Types Wrong. test/package.test.ts runs the same checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const packageDir = path.resolve(import.meta.dirname, '..');

/** Packs the package into `destination` and returns the tarball's path. */
export async function pack(destination: string): Promise<string> {
  await run('pnpm', ['pack', '--pack-destination', destination], packageDir);
  const tarballs = (await readdir(destination)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1)
    throw new Error(`expected one tarball in ${destination}, found ${tarballs.join(', ')}`);
  return path.join(destination, tarballs[0] as string);
}

/** Runs publint (warnings count as errors) and attw (ESM-only profile, offline) on a tarball. */
export async function lintTarball(tarball: string): Promise<string> {
  const publint = await run(process.execPath, [await bin('publint', 'publint'), 'run', tarball, '--strict']);
  const attw = await run(process.execPath, [
    await bin('@arethetypeswrong/cli', 'attw'),
    tarball,
    // ESM-only by design: Node 20.0-20.18 cannot require() it, and node10 resolution ignores `exports`.
    '--profile',
    'esm-only',
    // Otherwise attw asks the registry for @types packages.
    '--no-definitely-typed',
    '--no-color',
  ]);
  return `${publint}\n${attw}`;
}

/** The absolute path of a command that a devDependency ships, run with this Node. */
async function bin(packageName: string, command: string): Promise<string> {
  const root = path.join(packageDir, 'node_modules', packageName);
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  const relative = manifest.bin[command];
  if (relative === undefined) throw new Error(`${packageName} has no ${command} command`);
  return path.join(root, relative);
}

/** Runs a command; on failure, throws with everything it printed. */
export async function run(command: string, args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

if (import.meta.main) {
  const destination = await mkdtemp(path.join(tmpdir(), 'client-pack-'));
  try {
    const tarball = await pack(destination);
    console.warn(await lintTarball(tarball));
  } finally {
    await rm(destination, { recursive: true, force: true });
  }
}
