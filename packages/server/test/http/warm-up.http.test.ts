// Start-up warm-up: the validator builds its per-operation request validators (Ajv compilations)
// before the instance is ready, so that the first real request compiles nothing. Counted, not
// timed: every Ajv compilation goes through Ajv.prototype._compileSchemaEnv.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createSqliteInviteStore } from '../../src/backends/sqlite/sqlite-invite-store.ts';
import { buildDependencies } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import { loadContract } from '../../src/contract.ts';
import { warmUpRequests } from '../../src/http/warm-up.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';
import { callInvite, validInvite } from '../support/invite-request.ts';

// The Ajv core class that express-openapi-validator's Ajv instances (ajv-draft-04 for OpenAPI 3.0)
// extend: one ajv@8 for the validator and its plugins. Every compilation goes through
// _compileSchemaEnv; the counter wraps it, and each describe puts the original back.
const requireFromValidator = createRequire(
  createRequire(import.meta.url).resolve('express-openapi-validator'),
);
interface AjvCore {
  _compileSchemaEnv(this: unknown, ...args: unknown[]): unknown;
}
const ajvCore = (requireFromValidator('ajv/dist/core') as { default: { prototype: AjvCore } }).default
  .prototype;
const original = ajvCore._compileSchemaEnv;
let compiled = 0;
/** The `id` of every compiled schema that has one (the OpenAPI meta-schema has). */
const compiledIds: string[] = [];

function countCompilations() {
  compiled = 0;
  compiledIds.length = 0;
  ajvCore._compileSchemaEnv = function (this: unknown, ...args: unknown[]) {
    compiled++;
    const schema = (args[0] as { schema?: { id?: unknown } } | undefined)?.schema;
    if (typeof schema?.id === 'string') compiledIds.push(schema.id);
    return original.apply(this, args);
  };
  return () => compiled;
}
const stopCounting = () => {
  ajvCore._compileSchemaEnv = original;
};

describe('without warm-up (an app served as is)', () => {
  it('compiles validators on the first request of an operation: the cost warm-up moves to start-up', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: ':memory:' });
    const store = createSqliteInviteStore({
      path: ':memory:',
      clock: { now: () => Date.now() },
      maxPendingPerUser: 100,
    });
    const deps = await buildDependencies(config, { store });
    const server = createServer(createApp(deps));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const compilations = countCompilations();
      // /healthz needs no credential, so its first request reaches the request validator.
      await fetch(`${url}/healthz`).then((r) => r.text());
      expect(compilations()).toBeGreaterThan(0);
    } finally {
      stopCounting();
      server.close();
      store.close();
    }
  });
});

describe('with warm-up (startServer)', () => {
  let server: TestServer;
  let credential: string;
  let compilationsAtStart: number;
  let compilations: () => number;

  beforeAll(async () => {
    compilations = countCompilations();
    // The contract's example invitee has a live endpoint before warm-up, so a warm-up invite that
    // reached the store would be stored (invites for users without one are not).
    const store = createSqliteInviteStore({
      path: ':memory:',
      clock: { now: () => Date.now() },
      maxPendingPerUser: 100,
    });
    await store.register({
      xuid: '2814613569642996',
      endpointId: 'console',
      platform: 'Scarlett',
      ttlSeconds: 3600,
    });
    server = await startTestServer({
      overrides: { store },
      throttle: { burst: { limit: 1000, windowSeconds: 15 }, sustain: { limit: 1000, windowSeconds: 300 } },
      // As in production. Response validation (a development aid) compiles a status's schema the
      // first time a response with that status is validated, which warm-up does not cover.
      env: { VALIDATE_RESPONSES: 'false' },
    });
    compilationsAtStart = compilations();
    credential = await server.serviceCredential([1827805096]);
  });
  afterAll(async () => {
    stopCounting();
    await server.close();
  });

  it('compiled the validators while starting', () => {
    expect(compilationsAtStart).toBeGreaterThan(0);
  });

  it('did not compile the OpenAPI meta-schema: the document is checked in CI, not at every start (the validator patch)', () => {
    expect(compiledIds.filter((id) => id.includes('spec.openapis.org'))).toStrictEqual([]);
  });

  it('compiles nothing on the first real request, nor on later ones', async () => {
    const first = await callInvite(server.url, { authorization: credential, body: validInvite });
    expect(first.status).toBe(204);
    const afterFirst = compilations();
    expect(afterFirst - compilationsAtStart).toBe(0);

    for (let i = 0; i < 3; i++) {
      expect((await callInvite(server.url, { authorization: credential, body: validInvite })).status).toBe(
        204,
      );
    }
    expect(compilations() - afterFirst).toBe(0);
  });

  it('warmed every operation: none of them compiles on its first request', async () => {
    const before = compilations();
    for (const path of ['/healthz', '/readyz', '/openapi.yaml', '/docs']) {
      await fetch(`${server.url}${path}`).then((r) => r.text());
    }
    expect(compilations() - before).toBe(0);
  });
});

describe('warm-up and the domain', () => {
  it('delivers nothing: the contract example invitee has no invite once the server is ready', async () => {
    const server = await startTestServer();
    try {
      // The warm-up invite names the contract's example invitee.
      expect(await server.invites.pendingFor('2814613569642996')).toStrictEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('the request log during warm-up', () => {
  it('has no line for any warm-up request, and one for a request after start-up', async () => {
    const lines: { msg?: string; req?: { url?: string } }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) },
    );
    const server = await startTestServer({ overrides: { logger } });
    try {
      expect(lines.filter((line) => line.req)).toStrictEqual([]);
      await fetch(`${server.url}/readyz`).then((r) => r.text());
      expect(lines.filter((line) => line.req).map((line) => line.req?.url)).toStrictEqual(['/readyz']);
    } finally {
      await server.close();
    }
  });
});

describe('the warm-up requests', () => {
  it('cover every operation of the contract', () => {
    const contract = loadContract();
    const requests = warmUpRequests(contract);
    expect(requests.map((request) => request.method)).toStrictEqual(
      contract.operations.map((operation) => operation.method),
    );
    expect(requests).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/titles/1827805096/invites/server' }),
    );
  });
});
