// A page on another origin calls each target: the server with CORS_ORIGINS naming that origin,
// and the mock. Both must answer the preflight of every operation of the contract, and let the
// page read the headers it needs; the server must refuse other origins and stay without CORS by
// default.
import { startMock } from '@server-invites/mock';
import { startTestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../src/contract.ts';
import { corsRequestHeaders, corsResponseProblems, examplePath, preflightProblems } from '../src/cors.ts';

const contract = loadContract();
const PAGE_ORIGIN = 'http://game-portal.test:8080';

const targets = [
  {
    name: 'server (CORS_ORIGINS set)',
    start: async () => {
      const server = await startTestServer({ env: { CORS_ORIGINS: `https://other.test, ${PAGE_ORIGIN}` } });
      return { url: server.url, close: () => server.close() };
    },
  },
  { name: 'mock', start: () => startMock() },
];

const preflight = (url: string, method: string, origin = PAGE_ORIGIN) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': corsRequestHeaders.join(','),
    },
  });

describe.each(targets)('$name', ({ start }) => {
  let target: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    target = await start();
  });
  afterAll(async () => {
    await target?.close();
  });

  it.each(contract.operations.map((operation) => ({ operation, id: operation.operationId })))(
    'answers the preflight of $id for a page on another origin',
    async ({ operation }) => {
      const response = await preflight(
        `${target.url}${examplePath(operation)}`,
        operation.method.toUpperCase(),
      );

      expect(preflightProblems(response, PAGE_ORIGIN, operation.method.toUpperCase())).toEqual([]);
    },
  );

  it('lets the page read Retry-After, RateLimit, RateLimit-Policy and X-Request-Id on a response', async () => {
    const response = await fetch(`${target.url}/healthz`, { headers: { Origin: PAGE_ORIGIN } });

    expect(response.status).toBe(200);
    expect(corsResponseProblems(response, PAGE_ORIGIN)).toEqual([]);
  });
});

describe('server', () => {
  it('does not allow an origin CORS_ORIGINS does not list, nor one that only starts like it', async () => {
    const server = await startTestServer({ env: { CORS_ORIGINS: PAGE_ORIGIN } });
    try {
      for (const origin of [
        'http://elsewhere.test',
        `${PAGE_ORIGIN}.evil.test`,
        'http://game-portal.test:8081',
      ]) {
        const response = await preflight(`${server.url}/healthz`, 'GET', origin);
        expect(response.headers.get('access-control-allow-origin'), origin).toBeNull();
        const actual = await fetch(`${server.url}/healthz`, { headers: { Origin: origin } });
        expect(actual.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    } finally {
      await server.close();
    }
  });

  it('answers a preflight 405 MethodNotAllowed without CORS headers when CORS_ORIGINS is unset (the default)', async () => {
    const server = await startTestServer();
    try {
      const response = await preflight(`${server.url}/titles/1827805096/invites/server`, 'POST');

      expect(response.status).toBe(405);
      expect(await response.json()).toMatchObject({ errorCode: 'MethodNotAllowed' });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
