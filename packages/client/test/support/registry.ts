// A real npm registry for the release test: Verdaccio, started in this process on a free loopback
// port with its own configuration and storage in a temporary folder. It has no uplink, so it
// serves only what the test publishes to it and asks no other registry for anything.
import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runServer } from 'verdaccio';
import { npmEnvironment, run } from '../../scripts/pack-check.js';

export interface Registry {
  /** Its base URL, with the trailing slash npm writes in .npmrc. */
  url: string;
  /** An npm user configuration file that names the registry and authenticates publishing to it. */
  publisherConfig: string;
  close(): Promise<void>;
}

/** Starts the registry with its files under `directory`, which must exist and be empty. */
export async function startRegistry(directory: string): Promise<Registry> {
  const config = path.join(directory, 'config.yaml');
  await writeFile(
    config,
    `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 1
packages:
  '**':
    access: $all
    publish: $authenticated
security:
  api:
    # Signed tokens: a legacy token makes the registry check the password (bcrypt) on every request.
    jwt:
      sign:
        expiresIn: 1h
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`,
  );
  const server = (await runServer(config)) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  try {
    // The one user htpasswd admits: npm publishes with the token the registry answers.
    const response = await fetch(new URL('-/user/org.couchdb.user:release', url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'release', password: 'release-test-password' }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (response.status !== 201 || token === undefined)
      throw new Error(`the registry refused to add a user: ${response.status}`);
    const publisherConfig = path.join(directory, 'publisher.npmrc');
    await writeFile(publisherConfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return { url, publisherConfig, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Publishes a tarball to the registry, as the release workflow does (without provenance). */
export async function publish(registry: Registry, tarball: string, cache: string): Promise<string> {
  return run(
    'npm',
    ['publish', tarball, '--userconfig', registry.publisherConfig, '--cache', cache, '--ignore-scripts'],
    undefined,
    npmEnvironment(),
  );
}
