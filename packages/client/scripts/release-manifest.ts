// The package.json that is published: the workspace's, less what only the workspace uses. The
// workspace manifest lists devDependencies on unpublished workspace packages (the server and the
// mock, for the tests) and scripts for files the package does not ship; a consumer needs none of
// them, and npm would show them on the registry. What ships is picked by name, so a field added to
// the workspace manifest later stays out until it is added here.

/** Fields a consumer's tools read (npm, Node's resolver, TypeScript, bundlers), in npm's order. */
const PUBLISHED_FIELDS = [
  'name',
  'version',
  'description',
  'license',
  'repository',
  'type',
  'sideEffects',
  'types',
  'exports',
  'files',
  'engines',
] as const;

/** Fields the published package must have: without them it installs but does not resolve. */
const REQUIRED_FIELDS = ['name', 'version', 'type', 'types', 'exports', 'files', 'engines'] as const;

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

export type Manifest = Record<string, unknown>;

export interface ReleaseOptions {
  /**
   * The repository the package is built from, as `https://github.com/<owner>/<name>` (the release
   * workflow passes its own). npm's provenance check refuses a package whose `repository.url`
   * names another repository than the one whose workflow built it.
   */
  repository?: string;
}

export function publishedManifest(workspace: Manifest, options: ReleaseOptions = {}): Manifest {
  for (const field of REQUIRED_FIELDS) {
    if (workspace[field] === undefined) throw new Error(`package.json has no "${field}"`);
  }
  for (const field of DEPENDENCY_FIELDS) {
    // No runtime dependency is a promise of the README; a new one would also have to be published
    // (or be a registry package) before this one, which the release workflow does not do.
    if (workspace[field] !== undefined)
      throw new Error(`package.json has "${field}": the client ships without runtime dependencies`);
  }
  const source: Manifest = { ...workspace };
  if (options.repository !== undefined) {
    const url = options.repository.replace(/\/+$/, '');
    if (!/^https:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(url))
      throw new Error(`--repository must be https://<host>/<owner>/<name>, got ${options.repository}`);
    source.repository = { type: 'git', url: `git+${url}.git`, directory: 'packages/client' };
  }
  const published: Manifest = {};
  for (const field of PUBLISHED_FIELDS) {
    if (source[field] !== undefined) published[field] = source[field];
  }
  return published;
}
