// `pnpm run release:check <tag>`: whether a pushed tag may publish this package. The release
// workflow (.github/workflows/release.yml) runs it before packing: the tag must be `v` followed by
// the package's version, and CHANGELOG.md must have a dated section for that version. That the
// version is the contract's info.version is checked by `pnpm generate:check`, part of the tests
// that run before the workflow publishes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageDir } from './pack-check.ts';

export interface Release {
  /** The git tag that triggered the release, e.g. `v2.1.0`. */
  tag: string;
  /** The version in package.json. */
  version: string;
  /** CHANGELOG.md's text. */
  changelog: string;
}

/** Why the release may not go ahead; empty when it may. */
export function releaseProblems({ tag, version, changelog }: Release): string[] {
  const problems: string[] = [];
  // Prereleases are not published: npm would make them `latest` unless told another dist-tag.
  if (!/^\d+\.\d+\.\d+$/.test(version))
    problems.push(`package.json's version ${version} is not <major>.<minor>.<patch>`);
  if (tag !== `v${version}`)
    problems.push(
      `tag ${tag} does not match package.json's version ${version}: tag v${version} publishes it`,
    );
  const heading = new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm');
  if (!heading.test(changelog))
    problems.push(
      `CHANGELOG.md has no section "## [${version}] - <YYYY-MM-DD>": move what is under [Unreleased] there`,
    );
  return problems;
}

if (import.meta.main) {
  const tag = process.argv[2];
  if (tag === undefined) {
    console.error('usage: release-check.ts <tag>');
    process.exit(2);
  }
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const changelog = await readFile(path.join(packageDir, 'CHANGELOG.md'), 'utf8');
  const problems = releaseProblems({ tag, version: manifest.version, changelog });
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.warn(`${tag}: releases @server-invites/client ${manifest.version}`);
}
