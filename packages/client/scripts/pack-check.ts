// `pnpm run pack:check`: packs this package as it is published and lints the tarball with publint
// and Are the Types Wrong. test/package.test.ts packs it the same way, publishes it to a registry
// and installs it by name; the release workflow publishes the tarball `--out` keeps.
//
// The tarball is packed from a staged folder, not from this one: the build (dist/, compiled afresh
// from src/), the files package.json lists, and the published manifest (release-manifest.ts), which
// leaves out the workspace's scripts and devDependencies. `pnpm pack` or `npm publish` here would
// ship those, so this package's prepack refuses.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { type Manifest, publishedManifest, type ReleaseOptions } from './release-manifest.ts';

const exec = promisify(execFile);

export const packageDir = path.resolve(import.meta.dirname, '..');

/** TypeScript's compiler, from this package's devDependencies. */
export const tsc = path.join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');

/** Packs the package as it is published into `destination`; returns the tarball's path. */
export async function pack(destination: string, options: ReleaseOptions = {}): Promise<string> {
  const workspace = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as Manifest;
  const manifest = publishedManifest(workspace, options);
  const stage = await mkdtemp(path.join(tmpdir(), 'client-release-'));
  try {
    await run(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(stage, 'dist')],
      packageDir,
    );
    for (const entry of manifest.files as string[]) {
      if (entry !== 'dist') await copyFile(path.join(packageDir, entry), path.join(stage, entry));
    }
    await writeFile(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await mkdir(destination, { recursive: true });
    // npm's notices go to stderr; --json's report alone to stdout.
    const { stdout } = await execute(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
      stage,
      npmEnvironment(),
    );
    const packed = JSON.parse(stdout) as { filename: string }[];
    const filename = packed[0]?.filename;
    if (packed.length !== 1 || filename === undefined)
      throw new Error(`npm pack made ${packed.length} tarballs, expected one`);
    return path.join(destination, filename);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
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

/** Runs a command; returns what it printed (stdout, then stderr); on failure, throws with it. */
export async function run(
  command: string,
  args: string[],
  cwd?: string,
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  const { stdout, stderr } = await execute(command, args, cwd, env);
  return stdout + stderr;
}

/** Runs a command; on failure, throws with everything it printed. */
export async function execute(
  command: string,
  args: string[],
  cwd?: string,
  env?: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

/**
 * The environment of an npm run as a team's shell would have it: without the npm_* and pnpm_*
 * variables that `pnpm run` (and npx) set, which npm would read as its own configuration, and,
 * given `node`, with that Node's folder first on PATH, so that npm runs on it (npm's own script
 * starts `node` from PATH; the machine's npm sits beside the machine's node).
 */
export function npmEnvironment(node?: string): NodeJS.ProcessEnv {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm|pnpm)_/i.test(name)),
  );
  // npm would ask the public registry whether a newer npm exists: nothing here needs that request.
  environment.npm_config_update_notifier = 'false';
  if (node !== undefined)
    environment.PATH = `${path.dirname(node)}${path.delimiter}${environment.PATH ?? ''}`;
  return environment;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, repository: { type: 'string' } },
  });
  const destination = values.out ?? (await mkdtemp(path.join(tmpdir(), 'client-pack-')));
  try {
    const tarball = await pack(
      destination,
      values.repository === undefined ? {} : { repository: values.repository },
    );
    console.warn(await lintTarball(tarball));
    if (values.out !== undefined) console.warn(`packed ${tarball}`);
  } finally {
    if (values.out === undefined) await rm(destination, { recursive: true, force: true });
  }
}
