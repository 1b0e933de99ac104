import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { generateAll, outputs, repoRoot, specPath } from '../codegen.ts';
import { staleFiles } from '../generate-check.ts';

const clientModel = `${outputs.client}/models/SendServerInviteRequest.ts`;

let scratch: string;
/** Generated from spec/openapi.yaml as it is. */
let fresh: string;
/** Generated from a copy of the spec with a new request property. */
let fromChangedSpec: string;

/** A copy of the freshly generated outputs, to edit. */
function copyOfFresh(name: string): string {
  const root = join(scratch, name);
  for (const output of Object.values(outputs))
    cpSync(join(fresh, output), join(root, output), { recursive: true });
  return root;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'generate-check-test-'));
  fresh = join(scratch, 'fresh');
  generateAll(fresh);

  const doc = parseDocument(readFileSync(specPath, 'utf8'));
  const properties = ['components', 'schemas', 'SendServerInviteRequest', 'properties'];
  expect(doc.hasIn([...properties, 'inviteNote'])).toBe(false);
  doc.setIn(
    [...properties, 'inviteNote'],
    doc.createNode({ description: 'A note shown with the invite.', type: 'string', maxLength: 64 }),
  );
  const changedSpec = join(scratch, 'openapi.yaml');
  writeFileSync(changedSpec, doc.toString());
  fromChangedSpec = join(scratch, 'changed');
  generateAll(fromChangedSpec, changedSpec);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('staleFiles', () => {
  test('committed generated code, spec unchanged: nothing stale', () => {
    expect(staleFiles(fresh, repoRoot)).toEqual([]);
  });

  test('generation repeated from the same spec: nothing stale (output is deterministic)', () => {
    expect(staleFiles(fresh, copyOfFresh('same'))).toEqual([]);
  });

  test('generated client model edited by hand: reported stale, naming only that file', () => {
    const edited = copyOfFresh('hand-edit');
    appendFileSync(join(edited, clientModel), '// hand edit\n');
    expect(staleFiles(fresh, edited)).toEqual([clientModel]);
  });

  test('generated types file edited by hand: reported stale, naming only that file', () => {
    const edited = copyOfFresh('types-edit');
    const file = join(edited, outputs.types);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('connectionString?: string', 'connectionString?: any'),
    );
    expect(readFileSync(file, 'utf8')).toContain('connectionString?: any');
    expect(staleFiles(fresh, edited)).toEqual([outputs.types]);
  });

  test('generated file deleted, or an extra file added: both reported stale', () => {
    const edited = copyOfFresh('missing-extra');
    rmSync(join(edited, clientModel));
    writeFileSync(join(edited, outputs.client, 'models', 'Extra.ts'), 'export {};\n');
    expect(staleFiles(fresh, edited)).toEqual([`${outputs.client}/models/Extra.ts`, clientModel].sort());
  });

  test('spec changed without regenerating: the types file and the client model are reported stale', () => {
    const stale = staleFiles(fromChangedSpec, fresh);
    expect(stale).toContain(outputs.types);
    expect(stale).toContain(clientModel);
    expect(readFileSync(join(fromChangedSpec, clientModel), 'utf8')).toContain('inviteNote');
  });
});
