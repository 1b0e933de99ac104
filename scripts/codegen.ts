// Generates every derived artefact from spec/openapi.yaml into a root folder (the repository, or a
// scratch folder when checking for drift). Used by generate.ts and generate-check.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '..');
export const specPath = join(repoRoot, 'spec', 'openapi.yaml');

/** Generated outputs, relative to the root folder they are generated into. */
export const outputs = {
  types: 'packages/types/src/openapi.gen.ts',
  client: 'packages/client/src/generated',
} as const;

const run = (command: string, args: string[]) =>
  execFileSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

export function generateTypes(root: string, spec: string = specPath): void {
  run('openapi-typescript', [
    spec,
    '--output',
    join(root, outputs.types),
    '--root-types',
    '--root-types-no-schema-prefix',
    '--enum-values',
  ]);
}

/**
 * The generator jar comes from Maven Central. The npm wrapper downloads it on first use; where its
 * download fails (a proxy it cannot use), Maven fetches the same artefact into the same place.
 */
export function ensureGeneratorJar(): void {
  const config = JSON.parse(readFileSync(join(repoRoot, 'openapitools.json'), 'utf8'));
  const version: string = config['generator-cli'].version;
  const storage = join(repoRoot, config['generator-cli'].storageDir);
  const jar = join(storage, `${version}.jar`);
  if (existsSync(jar)) return;
  try {
    run('openapi-generator-cli', ['version']);
  } catch {
    console.warn(`openapi-generator-cli could not download generator ${version}; trying Maven`);
    mkdirSync(storage, { recursive: true });
    run('mvn', [
      '-q',
      '-B',
      'dependency:copy',
      `-Dartifact=org.openapitools:openapi-generator-cli:${version}`,
      `-DoutputDirectory=${storage}`,
    ]);
    renameSync(join(storage, `openapi-generator-cli-${version}.jar`), jar);
  }
  if (!existsSync(jar)) throw new Error(`generator jar ${jar} is missing after download`);
}

export function generateClient(root: string, spec: string = specPath): void {
  ensureGeneratorJar();
  const output = join(root, outputs.client);
  // The generator never deletes stale files and lists files differently when some exist: start empty.
  rmSync(output, { recursive: true, force: true });
  run('openapi-generator-cli', [
    'generate',
    '--generator-name',
    'typescript-fetch',
    '--input-spec',
    spec,
    '--output',
    output,
    '--additional-properties',
    'supportsES6=true,importFileExtension=.js,withInterfaces=true,useSingleRequestParameter=true',
    '--global-property',
    'apiDocs=false,modelDocs=false,apiTests=false,modelTests=false',
    '--skip-validate-spec',
    '-q',
  ]);
}

/** The contract's `info.version`. */
export function specVersion(spec: string = specPath): string {
  const version = parse(readFileSync(spec, 'utf8'))?.info?.version;
  if (typeof version !== 'string') throw new Error(`${spec} has no info.version`);
  return version;
}

/**
 * The client's version is the contract's `info.version` (packages/client/README.md, "Versions"):
 * one number for the contract and the package generated from it. package.json holds a copy, since
 * npm reads the version there; `pnpm generate` writes it and `pnpm generate:check` compares it.
 */
export const clientManifest = 'packages/client/package.json';

/** The version field of the client's package.json under `root`. */
export function clientVersion(root: string): string {
  const version = JSON.parse(readFileSync(join(root, clientManifest), 'utf8'))?.version;
  if (typeof version !== 'string') throw new Error(`${clientManifest} has no version`);
  return version;
}

/** Sets the client's version to the contract's, editing only that field's line of package.json. */
export function syncClientVersion(root: string, spec: string = specPath): void {
  const file = join(root, clientManifest);
  const text = readFileSync(file, 'utf8');
  const versionLine = /^( {2}"version": )"[^"]*"/m;
  if (!versionLine.test(text)) throw new Error(`${clientManifest} has no top-level "version" line`);
  writeFileSync(file, text.replace(versionLine, `$1${JSON.stringify(specVersion(spec))}`));
}

/** Why the client's version is not the contract's, or undefined when they agree. */
export function clientVersionMismatch(root: string, spec: string = specPath): string | undefined {
  const [client, contract] = [clientVersion(root), specVersion(spec)];
  return client === contract
    ? undefined
    : `${clientManifest} has version ${client}, the contract's info.version is ${contract}`;
}

/** `spec` defaults to spec/openapi.yaml; tests pass a modified copy. */
export function generateAll(root: string, spec: string = specPath): void {
  generateTypes(root, spec);
  generateClient(root, spec);
}
