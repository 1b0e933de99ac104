// `pnpm spec:diff [ref]`: breaking-change check of spec/openapi.yaml (the working tree) against the
// spec at a git ref, with oasdiff (https://github.com/oasdiff/oasdiff) v1.37.0.
//
// Base version (what the working-tree spec is compared with):
//   - `ref` given: spec/openapi.yaml at that ref (a branch, tag or commit, e.g. `origin/main`).
//   - otherwise, if the working-tree spec differs from HEAD's: HEAD's spec (the change being made);
//   - otherwise: the previous version of the contract, i.e. the spec as of the newest commit that
//     changed spec/openapi.yaml with an info.version other than the working tree's. A version is
//     often built over several commits (several branches merged into one release); each of them
//     is compared with the version before, not with its sibling, so the major bump made in the
//     first commit still covers the breaking changes of the next. When the history holds one
//     version only: the previous commit that changed the spec. With neither there is nothing to
//     compare: it says so and exits 0 (a shallow clone has no history: fetch it, e.g.
//     `fetch-depth: 0` in GitHub Actions).
//   Git cannot tell whether a version was published: changing a published version without a bump
//   is the reviewer's to catch (the output names the version compared with).
//
// Rules: `oasdiff breaking <base> <revision> --fail-on ERR --severity-levels scripts/oasdiff-levels.txt`.
// The levels file (one `<rule-id> <ERR|WARN|INFO>` per line; oasdiff allows no comments in it) raises
// two rules to ERR, because of how this API is used:
//   - request-property-removed (oasdiff: WARN): request bodies are `additionalProperties: false`, so a
//     client still sending a removed property gets 400 RequestValidationError.
//   - response-optional-property-removed (oasdiff: INFO): generated clients and the typed client
//     expose every documented response property; removing one breaks code that reads it.
// `oasdiff checks changelog` lists every rule and its default level.
//
// Policy: any ERR-level change fails (exit 1) unless info.version's major number was increased
// relative to the base (e.g. 1.4.0 -> 2.0.0). Then the breaking changes are printed as a notice and
// the check passes (exit 0): a new major version is where breaking changes belong. WARN and INFO
// changes are printed and never fail. A minor or patch bump does not excuse a breaking change.
//
// oasdiff is installed on first use with `go install` (Go >= 1.26, GOTOOLCHAIN=local) into
// .tools/bin (gitignored), with a stamp file naming the installed version; later runs reuse it.
// The npm package named `oasdiff` is not the tool (a placeholder): do not use it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot, specVersion } from './codegen.ts';

export const OASDIFF_VERSION = 'v1.37.0';
/** oasdiff v1.37.0's go.mod says `go 1.26.0`; with GOTOOLCHAIN=local an older Go cannot build it. */
const MIN_GO: [number, number] = [1, 26];
const SPEC = 'spec/openapi.yaml';
const toolsBin = join(repoRoot, '.tools', 'bin');
export const levelsFile = join(import.meta.dirname, 'oasdiff-levels.txt');

const goInstallHelp =
  `Install Go ${MIN_GO.join('.')} or newer from https://go.dev/dl/ (in GitHub Actions: actions/setup-go) ` +
  'and put its bin directory on PATH, then run again. ' +
  "(Debian bookworm's golang-go is 1.19: too old.)";

/** Returns the path of oasdiff, installing it into `bin` (.tools/bin) with `go install` when missing. */
export function ensureOasdiff(bin: string = toolsBin): string {
  const oasdiffBin = join(bin, 'oasdiff');
  const stampFile = join(bin, 'oasdiff.version');
  if (
    existsSync(oasdiffBin) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === OASDIFF_VERSION
  )
    return oasdiffBin;
  const probe = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error(
      `oasdiff ${OASDIFF_VERSION} is installed with Go, and \`go\` ${
        probe.error ? 'is not on PATH' : `failed: ${probe.stderr.trim()}`
      }. ${goInstallHelp}`,
    );
  const goVersion = probe.stdout.trim();
  const [major = 0, minor = 0] = (/^go(\d+)\.(\d+)/.exec(goVersion) ?? []).slice(1).map(Number);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1]))
    throw new Error(
      `oasdiff ${OASDIFF_VERSION} needs Go ${MIN_GO.join('.')} or newer; found ${goVersion}. ${goInstallHelp}`,
    );
  console.warn(
    `installing oasdiff ${OASDIFF_VERSION} into ${bin} with ${goVersion} (first run only, about a minute)`,
  );
  mkdirSync(bin, { recursive: true });
  const install = spawnSync('go', ['install', `github.com/oasdiff/oasdiff@${OASDIFF_VERSION}`], {
    env: { ...process.env, GOBIN: bin, GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (install.error || install.status !== 0 || !existsSync(oasdiffBin))
    throw new Error(
      `\`go install github.com/oasdiff/oasdiff@${OASDIFF_VERSION}\` failed (exit ${install.status}); ` +
        'it needs the Go module proxy (GOPROXY) to be reachable.',
    );
  writeFileSync(stampFile, `${OASDIFF_VERSION}\n`);
  return oasdiffBin;
}

export type Level = 'ERR' | 'WARN' | 'INFO';

export interface Change {
  /** The oasdiff rule, e.g. `request-property-removed`. */
  id: string;
  level: Level;
  text: string;
  operation?: string;
  path?: string;
}

export interface DiffResult {
  /** Every change `oasdiff breaking` reported, ERR first. */
  changes: Change[];
  /** The ERR-level changes: they fail the check unless the major version was increased. */
  breaking: Change[];
  baseVersion: string;
  revisionVersion: string;
  majorBumped: boolean;
  /** Whether the check passes under the policy above. */
  ok: boolean;
}

const levels: Record<number, Level> = { 3: 'ERR', 2: 'WARN', 1: 'INFO' };

/** info.version of the spec at a commit; undefined when it has none. */
function versionAt(repo: string, commit: string): string | undefined {
  const version = parse(git(repo, ['show', `${commit}:${SPEC}`]))?.info?.version;
  return typeof version === 'string' ? version : undefined;
}

function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)(\.|$)/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** Runs `oasdiff breaking` on two spec files and applies the policy above. */
export function diffSpecs(baseFile: string, revisionFile: string): DiffResult {
  const oasdiff = ensureOasdiff();
  const run = spawnSync(
    oasdiff,
    [
      'breaking',
      baseFile,
      revisionFile,
      '--fail-on',
      'ERR',
      '--severity-levels',
      levelsFile,
      '--format',
      'json',
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  // 0: nothing at ERR level; 1: ERR-level changes (--fail-on); anything else: oasdiff itself failed.
  if (run.error || (run.status !== 0 && run.status !== 1))
    throw new Error(`oasdiff failed (exit ${run.status}): ${run.error?.message ?? run.stderr.trim()}`);
  const raw = JSON.parse(run.stdout.trim() || '[]') as {
    id: string;
    level: number;
    text: string;
    operation?: string;
    path?: string;
  }[];
  const changes = raw
    .map(({ id, level, text, operation, path }) => ({
      id,
      level: levels[level] ?? 'INFO',
      text,
      operation,
      path,
    }))
    .sort((a, b) => ['ERR', 'WARN', 'INFO'].indexOf(a.level) - ['ERR', 'WARN', 'INFO'].indexOf(b.level));
  const breaking = changes.filter((change) => change.level === 'ERR');
  if ((run.status === 1) !== breaking.length > 0)
    throw new Error(`oasdiff exited ${run.status} but reported ${breaking.length} ERR-level changes`);
  const baseVersion = specVersion(baseFile);
  const revisionVersion = specVersion(revisionFile);
  const baseMajor = majorOf(baseVersion);
  const revisionMajor = majorOf(revisionVersion);
  const majorBumped = baseMajor !== undefined && revisionMajor !== undefined && revisionMajor > baseMajor;
  return {
    changes,
    breaking,
    baseVersion,
    revisionVersion,
    majorBumped,
    ok: breaking.length === 0 || majorBumped,
  };
}

export function formatChange(change: Change): string {
  const where = change.operation && change.path ? ` ${change.operation} ${change.path}:` : '';
  return `  ${change.level.padEnd(4)} [${change.id}]${where} ${change.text.replaceAll('`', "'")}`;
}

/** The report printed by the command, without the comparison header. */
export function formatResult(result: DiffResult): string {
  const lines = result.changes.map(formatChange);
  const versions = `info.version ${result.baseVersion} -> ${result.revisionVersion}`;
  if (result.breaking.length === 0)
    return [
      result.changes.length === 0
        ? `no breaking changes (${versions})`
        : `no breaking changes at ERR level; ${result.changes.length} to review (${versions}):`,
      ...lines,
    ].join('\n');
  const count = `${result.breaking.length} breaking change${result.breaking.length === 1 ? '' : 's'}`;
  if (result.majorBumped)
    return [
      `notice: ${count}, allowed because the major version was increased (${versions}):`,
      ...lines,
    ].join('\n');
  return [
    `${count} (${versions}):`,
    ...lines,
    'Make the change backward compatible, or increase the major number of info.version in spec/openapi.yaml',
    'if this is a new major version of the API (a minor or patch bump is not enough).',
  ].join('\n');
}

const git = (repo: string, args: string[]) =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function gitSucceeds(repo: string, args: string[]): boolean {
  return spawnSync('git', args, { cwd: repo, stdio: 'ignore' }).status === 0;
}

export type Base = { ref: string; reason: string } | { ref: undefined; reason: string };

/** Which git ref's spec/openapi.yaml the working tree's is compared with (see the header). */
export function resolveBase(repo: string, ref?: string): Base {
  if (ref) return { ref, reason: 'as asked' };
  if (!gitSucceeds(repo, ['cat-file', '-e', `HEAD:${SPEC}`]))
    return { ref: undefined, reason: `${SPEC} is not in HEAD: there is no previous version to compare with` };
  if (!gitSucceeds(repo, ['diff', '--quiet', 'HEAD', '--', SPEC]))
    return { ref: 'HEAD', reason: 'the working-tree spec differs from HEAD' };
  const commits = git(repo, ['log', '--format=%H', '--', SPEC]).split('\n').filter(Boolean);
  const current = specVersion(join(repo, SPEC));
  for (const commit of commits.slice(1)) {
    const version = versionAt(repo, commit);
    if (version !== undefined && version !== current) {
      return { ref: commit, reason: `the previous version of the contract, ${version}` };
    }
  }
  const previous = commits[1];
  if (previous) return { ref: previous, reason: `the previous commit that changed ${SPEC}` };
  const shallow = git(repo, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
  return {
    ref: undefined,
    reason: `${SPEC} has a single version in the history${
      shallow ? ' (this clone is shallow: fetch the full history to compare)' : ''
    }: there is no previous version to compare with`,
  };
}

/** The command: compares `<repo>/spec/openapi.yaml` with its version at `ref`; returns the exit code. */
export function specDiff(repo: string, ref?: string): number {
  const base = resolveBase(repo, ref);
  if (base.ref === undefined) {
    process.stdout.write(`spec:diff: ${base.reason}; nothing to check.\n`);
    return 0;
  }
  let content: string;
  try {
    content = git(repo, ['show', `${base.ref}:${SPEC}`]);
  } catch {
    console.error(`spec:diff: ${SPEC} cannot be read at '${base.ref}' (unknown ref, or no spec there)`);
    return 2;
  }
  const label = /^[0-9a-f]{40}$/.test(base.ref)
    ? git(repo, ['log', '-1', '--format=%h %s', base.ref]).trim()
    : base.ref;
  const scratch = mkdtempSync(join(tmpdir(), 'spec-diff-'));
  try {
    const baseFile = join(scratch, 'base-openapi.yaml');
    writeFileSync(baseFile, content);
    const revisionFile = join(repo, SPEC);
    process.stdout.write(`spec:diff: ${SPEC} (working tree) against '${label}' (${base.reason})\n`);
    const result = diffSpecs(baseFile, revisionFile);
    const report = formatResult(result);
    if (result.ok) process.stdout.write(`${report}\n`);
    else console.error(report);
    return result.ok ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  if (args.includes('-h') || args.includes('--help') || args.length > 1) {
    console.error(
      'usage: pnpm spec:diff [git-ref]   (see scripts/spec-diff.ts for the default ref and policy)',
    );
    process.exitCode = args.length > 1 ? 2 : 0;
  } else {
    try {
      process.exitCode = specDiff(repoRoot, args[0]);
    } catch (error) {
      console.error(`spec:diff: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    }
  }
}
