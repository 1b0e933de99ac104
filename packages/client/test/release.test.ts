import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../scripts/pack-check.js';
import { releaseProblems } from '../scripts/release-check.js';
import { type Manifest, publishedManifest } from '../scripts/release-manifest.js';

const workspace = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as Manifest;

describe('publishedManifest', () => {
  it("this package's manifest: drops scripts and devDependencies, keeps the rest unchanged, exports and types included", () => {
    const published = publishedManifest(workspace);

    expect(published).not.toHaveProperty('scripts');
    expect(published).not.toHaveProperty('devDependencies');
    const { scripts: _scripts, devDependencies: _devDependencies, ...rest } = workspace;
    expect(published).toEqual(rest);
  });

  it('a field only the workspace knows (added later): left out', () => {
    const published = publishedManifest({ ...workspace, pnpm: { overrides: {} }, private: true });

    expect(published).not.toHaveProperty('pnpm');
    expect(published).not.toHaveProperty('private');
  });

  it("with a repository: npm's canonical git URL and this package's folder, which provenance checks against the building repository", () => {
    const published = publishedManifest(workspace, { repository: 'https://github.com/acme/server-invites/' });

    expect(published.repository).toEqual({
      type: 'git',
      url: 'git+https://github.com/acme/server-invites.git',
      directory: 'packages/client',
    });
    expect(Object.keys(published).indexOf('repository')).toBe(Object.keys(published).indexOf('license') + 1);
  });

  it.each([
    'github.com/acme/server-invites',
    'https://github.com/acme',
    'https://github.com/acme/server-invites/tree/main',
  ])('a repository that is not https://<host>/<owner>/<name> (%s): refused', (repository) => {
    expect(() => publishedManifest(workspace, { repository })).toThrow(/--repository must be/);
  });

  it.each(['dependencies', 'peerDependencies', 'optionalDependencies'])(
    'a runtime dependency (%s): refused, since the release publishes this package alone',
    (field) => {
      expect(() =>
        publishedManifest({ ...workspace, [field]: { '@server-invites/types': 'workspace:*' } }),
      ).toThrow(`package.json has "${field}"`);
    },
  );

  it('a manifest without exports: refused, since the package would install but not resolve', () => {
    const { exports: _exports, ...withoutExports } = workspace;

    expect(() => publishedManifest(withoutExports)).toThrow('package.json has no "exports"');
  });
});

const CHANGELOG = `# Changelog

## [Unreleased]

## [2.1.0] - 2026-12-04

### Added

- something
`;

describe('releaseProblems', () => {
  it('tag v<version>, a dated changelog section for that version: none', () => {
    expect(releaseProblems({ tag: 'v2.1.0', version: '2.1.0', changelog: CHANGELOG })).toEqual([]);
  });

  it.each([
    ['2.1.0', 'no v'],
    ['v2.1.1', 'another version'],
    ['v2.1', 'a shorter version'],
    ['client-v2.1.0', 'a prefix'],
  ])('tag %s (%s): refused, naming the tag that would publish', (tag) => {
    expect(releaseProblems({ tag, version: '2.1.0', changelog: CHANGELOG })).toEqual([
      `tag ${tag} does not match package.json's version 2.1.0: tag v2.1.0 publishes it`,
    ]);
  });

  it('the version still under [Unreleased], without its own section: refused', () => {
    const changelog = '# Changelog\n\n## [Unreleased]\n\n- something\n\n## [2.0.0] - 2026-11-29\n';

    expect(releaseProblems({ tag: 'v2.1.0', version: '2.1.0', changelog })).toEqual([
      'CHANGELOG.md has no section "## [2.1.0] - <YYYY-MM-DD>": move what is under [Unreleased] there',
    ]);
  });

  it('a section for the version without a date, or for a version that only looks alike: refused', () => {
    for (const changelog of ['## [2.1.0]\n', '## [2.1.0] - soon\n', '## [2x1x0] - 2026-12-04\n']) {
      expect(releaseProblems({ tag: 'v2.1.0', version: '2.1.0', changelog })).toHaveLength(1);
    }
  });

  it('a prerelease version: refused (npm would make it latest)', () => {
    const changelog = '## [2.1.0-rc.1] - 2026-12-04\n';

    expect(releaseProblems({ tag: 'v2.1.0-rc.1', version: '2.1.0-rc.1', changelog })).toEqual([
      "package.json's version 2.1.0-rc.1 is not <major>.<minor>.<patch>",
    ]);
  });

  it("this package's changelog: has the [Unreleased] section the release procedure moves", async () => {
    const changelog = await readFile(path.join(packageDir, 'CHANGELOG.md'), 'utf8');

    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
  });
});
