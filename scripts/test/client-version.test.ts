import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import {
  clientManifest,
  clientVersion,
  clientVersionMismatch,
  repoRoot,
  specPath,
  specVersion,
  syncClientVersion,
} from '../codegen.ts';

let scratch: string;

/** A root holding a copy of the client's package.json, its version set to `version`. */
function rootWithClientVersion(name: string, version: string): string {
  const root = join(scratch, name);
  const file = join(root, clientManifest);
  mkdirSync(dirname(file), { recursive: true });
  cpSync(join(repoRoot, clientManifest), file);
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
  return root;
}

/** A copy of spec/openapi.yaml with info.version set to `version`. */
function specWithVersion(version: string): string {
  const doc = parseDocument(readFileSync(specPath, 'utf8'));
  doc.setIn(['info', 'version'], version);
  const file = join(scratch, `openapi-${version}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'client-version-test-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("the client's version follows the contract's info.version", () => {
  test('the repository as committed: the versions agree', () => {
    expect(clientVersion(repoRoot)).toBe(specVersion());
    expect(clientVersionMismatch(repoRoot)).toBeUndefined();
  });

  test('client version behind the contract: reported, naming both versions', () => {
    const root = rootWithClientVersion('behind', '1.0.0');
    expect(clientVersionMismatch(root)).toBe(
      `${clientManifest} has version 1.0.0, the contract's info.version is ${specVersion()}`,
    );
  });

  test("contract bumped, client not: reported until syncClientVersion copies the contract's version", () => {
    const spec = specWithVersion('7.3.1');
    const root = rootWithClientVersion('bumped', specVersion());
    expect(clientVersionMismatch(root, spec)).toMatch(/info\.version is 7\.3\.1$/);

    syncClientVersion(root, spec);

    expect(clientVersion(root)).toBe('7.3.1');
    expect(clientVersionMismatch(root, spec)).toBeUndefined();
  });

  test('syncClientVersion changes the version line only', () => {
    const root = rootWithClientVersion('one-line', '0.0.1');
    const before = readFileSync(join(root, clientManifest), 'utf8').split('\n');

    syncClientVersion(root, specWithVersion('3.0.0'));

    const after = readFileSync(join(root, clientManifest), 'utf8').split('\n');
    const changed = after.filter((line, i) => line !== before[i]);
    expect(after).toHaveLength(before.length);
    expect(changed).toEqual(['  "version": "3.0.0",']);
  });
});
