// Response validation: a response that breaks the contract is a 500, unless turned off.
import { afterEach, describe, expect, it } from 'vitest';
import { type Contract, loadContract } from '../../src/contract.ts';
import { startTestServer, type TestServer } from '../../src/testing.ts';

/** The real contract, except that HealthStatus no longer allows the "ok" the service answers. */
function contractWithoutOk(): Contract {
  const real = loadContract();
  return {
    ...real,
    document() {
      const document = real.document();
      const healthStatus = document.components?.schemas?.HealthStatus as {
        properties: { status: { enum: string[] } };
      };
      healthStatus.properties.status.enum = ['ready', 'starting', 'draining'];
      return document;
    },
  };
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('response validation', () => {
  it('answers 500 InternalServerError when a response breaks the contract', async () => {
    server = await startTestServer({ overrides: { contract: contractWithoutOk() } });
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      errorCode: 'InternalServerError',
      debugMessage: 'an unexpected error occurred; quote the X-Request-Id header when reporting it',
    });
  });

  it('lets the response through when VALIDATE_RESPONSES is false', async () => {
    server = await startTestServer({
      env: { VALIDATE_RESPONSES: 'false' },
      overrides: { contract: contractWithoutOk() },
    });
    const response = await fetch(`${server.url}/healthz`);
    expect([response.status, await response.json()]).toEqual([200, { status: 'ok' }]);
  });
});
