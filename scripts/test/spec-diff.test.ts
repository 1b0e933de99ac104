import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { type Document, parseDocument } from 'yaml';
import { specPath } from '../codegen.ts';
import { diffSpecs, ensureOasdiff, formatResult, resolveBase, specDiff } from '../spec-diff.ts';

const request = ['components', 'schemas', 'SendServerInviteRequest', 'properties'];
const original = readFileSync(specPath, 'utf8');
const version = parseDocument(original).getIn(['info', 'version']) as string;
const nextMajor = `${Number(version.split('.')[0]) + 1}.0.0`;
const nextMinor = version.replace(
  /^(\d+)\.(\d+)\..*$/,
  (_, major, minor) => `${major}.${Number(minor) + 1}.0`,
);

let scratch: string;

/** Writes a copy of spec/openapi.yaml, changed by `edit`, and returns its path. */
function variant(name: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(original);
  edit(doc);
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

const removeConnectionString = (doc: Document) => {
  expect(doc.hasIn([...request, 'connectionString'])).toBe(true);
  doc.deleteIn([...request, 'connectionString']);
};
const shortenConnectionString = (doc: Document) => {
  expect(doc.getIn([...request, 'connectionString', 'maxLength'])).toBe(512);
  doc.setIn([...request, 'connectionString', 'maxLength'], 256);
};
const fewerInvitedUsers = (doc: Document) => {
  expect(doc.getIn([...request, 'invitedUsers', 'maxItems'])).toBe(16);
  doc.setIn([...request, 'invitedUsers', 'maxItems'], 8);
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'spec-diff-test-'));
  ensureOasdiff();
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('diffSpecs', () => {
  test('identical copy of the spec: passes with no changes', () => {
    const result = diffSpecs(
      specPath,
      variant('identical', () => {}),
    );
    expect(result).toMatchObject({ ok: true, changes: [], breaking: [] });
    expect(formatResult(result)).toMatch(/^no breaking changes/);
  });

  test('request property removed (connectionString): fails, naming request-property-removed', () => {
    const result = diffSpecs(specPath, variant('removed', removeConnectionString));
    expect(result.ok).toBe(false);
    expect(result.breaking).toEqual([
      expect.objectContaining({
        id: 'request-property-removed',
        level: 'ERR',
        text: expect.stringContaining('connectionString'),
      }),
    ]);
    expect(formatResult(result)).toContain('[request-property-removed]');
  });

  test('request maxLength decreased (connectionString 512 -> 256): fails, naming request-property-max-length-decreased', () => {
    const result = diffSpecs(specPath, variant('max-length', shortenConnectionString));
    expect(result.ok).toBe(false);
    expect(result.breaking).toEqual([
      expect.objectContaining({
        id: 'request-property-max-length-decreased',
        text: expect.stringContaining('connectionString'),
      }),
    ]);
  });

  test('request maxItems decreased (invitedUsers 16 -> 8): fails, naming request-property-max-items-decreased', () => {
    const result = diffSpecs(specPath, variant('max-items', fewerInvitedUsers));
    expect(result.ok).toBe(false);
    expect(result.breaking).toEqual([
      expect.objectContaining({
        id: 'request-property-max-items-decreased',
        text: expect.stringContaining('invitedUsers'),
      }),
    ]);
  });

  test('breaking changes with the major version increased: passes, listing them as a notice', () => {
    const file = variant('major', (doc) => {
      removeConnectionString(doc);
      fewerInvitedUsers(doc);
      doc.setIn(['info', 'version'], nextMajor);
    });
    const result = diffSpecs(specPath, file);
    expect(result).toMatchObject({
      ok: true,
      majorBumped: true,
      baseVersion: version,
      revisionVersion: nextMajor,
    });
    expect(result.breaking.map((change) => change.id).sort()).toEqual([
      'request-property-max-items-decreased',
      'request-property-removed',
    ]);
    expect(formatResult(result)).toMatch(
      /^notice: 2 breaking changes, allowed because the major version was increased/,
    );
  });

  test('breaking change with only the minor version increased: fails', () => {
    const file = variant('minor', (doc) => {
      shortenConnectionString(doc);
      doc.setIn(['info', 'version'], nextMinor);
    });
    expect(diffSpecs(specPath, file)).toMatchObject({
      ok: false,
      majorBumped: false,
      revisionVersion: nextMinor,
    });
  });

  test('compatible change (new optional request property): passes', () => {
    const file = variant('compatible', (doc) => {
      doc.setIn([...request, 'inviteNote'], doc.createNode({ type: 'string', maxLength: 64 }));
    });
    expect(diffSpecs(specPath, file)).toMatchObject({ ok: true, breaking: [] });
  });

  test('unreadable revision file: throws, quoting oasdiff', () => {
    expect(() => diffSpecs(specPath, join(scratch, 'missing.yaml'))).toThrow(/oasdiff failed.*missing\.yaml/);
  });
});

describe('specDiff (the command) in a git repository', () => {
  let repo: string;
  let output: string;
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd: repo,
        stdio: 'pipe',
        encoding: 'utf8',
      },
    );
  const writeSpec = (file: string) => writeFileSync(join(repo, 'spec', 'openapi.yaml'), readFileSync(file));
  const commitSpec = (file: string, message: string) => {
    writeSpec(file);
    git('add', 'spec/openapi.yaml');
    git('commit', '-q', '-m', message);
  };

  beforeAll(() => {
    repo = join(scratch, 'repo');
    mkdirSync(join(repo, 'spec'), { recursive: true });
    git('init', '-q');
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  const capture = () => {
    output = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output += String(chunk);
      return true;
    });
    vi.spyOn(console, 'error').mockImplementation((...args) => {
      output += `${args.join(' ')}\n`;
    });
  };

  test('spec in a single commit, unchanged: says there is no previous version and exits 0', () => {
    commitSpec(specPath, 'first spec');
    capture();
    expect(specDiff(repo)).toBe(0);
    expect(output).toContain('no previous version');
    expect(resolveBase(repo).ref).toBeUndefined();
  });

  test('working-tree spec differs from HEAD: compares with HEAD and fails on the breaking change', () => {
    writeSpec(variant('wt-removed', removeConnectionString));
    capture();
    expect(resolveBase(repo)).toMatchObject({ ref: 'HEAD' });
    expect(specDiff(repo)).toBe(1);
    expect(output).toContain("against 'HEAD'");
    expect(output).toContain('[request-property-removed]');
    writeSpec(specPath);
  });

  test('unchanged working tree after a breaking commit: compares with the previous spec commit and fails', () => {
    const first = git('rev-parse', 'HEAD').trim();
    git('commit', '-q', '--allow-empty', '-m', 'unrelated commit');
    commitSpec(variant('commit-max-items', fewerInvitedUsers), 'tighten invitedUsers');
    git('commit', '-q', '--allow-empty', '-m', 'another unrelated commit');
    capture();
    expect(resolveBase(repo).ref).toBe(first);
    expect(specDiff(repo)).toBe(1);
    expect(output).toContain('first spec');
    expect(output).toContain('[request-property-max-items-decreased]');
  });

  test('a major version built over several commits: each is compared with the previous version, and passes', () => {
    const previousVersion = git('log', '-1', '--format=%H', '--', 'spec/openapi.yaml').trim();
    commitSpec(
      variant('major-first', (doc) => {
        removeConnectionString(doc);
        doc.setIn(['info', 'version'], nextMajor);
      }),
      'new major: connectionString removed',
    );
    commitSpec(
      variant('major-second', (doc) => {
        removeConnectionString(doc);
        // Fewer than the previous version's 8 (the commit before tightened it from 16).
        doc.setIn([...request, 'invitedUsers', 'maxItems'], 4);
        doc.setIn(['info', 'version'], nextMajor);
      }),
      'same major: invitedUsers tightened too',
    );
    capture();
    expect(resolveBase(repo)).toMatchObject({ ref: previousVersion });
    expect(specDiff(repo)).toBe(0);
    expect(output).toContain(`the previous version of the contract, ${version}`);
    expect(output).toContain('[request-property-max-items-decreased]');
    expect(output).toContain('[request-property-removed]');
  });

  test('explicit ref equal to the working tree: passes', () => {
    capture();
    expect(specDiff(repo, 'HEAD')).toBe(0);
    expect(output).toContain('no breaking changes');
  });

  test('unknown ref: exits 2 with a message', () => {
    capture();
    expect(specDiff(repo, 'no-such-ref')).toBe(2);
    expect(output).toContain("cannot be read at 'no-such-ref'");
  });
});

describe('ensureOasdiff', () => {
  test('oasdiff not installed and go not on PATH: throws, saying how to install Go', () => {
    const path = process.env.PATH;
    process.env.PATH = join(scratch, 'empty-path');
    try {
      expect(() => ensureOasdiff(join(scratch, 'no-oasdiff'))).toThrow(
        /`go` is not on PATH\. Install Go 1\.26 or newer from https:\/\/go\.dev\/dl\//,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  test('oasdiff installed with a matching version stamp: reused without Go', () => {
    const path = process.env.PATH;
    process.env.PATH = join(scratch, 'empty-path');
    try {
      expect(ensureOasdiff()).toMatch(/\.tools\/bin\/oasdiff$/);
    } finally {
      process.env.PATH = path;
    }
  });
});
