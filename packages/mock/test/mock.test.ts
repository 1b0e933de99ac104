// The mock as a frontend developer uses it: every documented response can be asked for with the
// `Prefer` value the README gives, the CLI honours MOCK_PORT and --dynamic, and the validating
// proxy turns a contract violation into an error.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type PrismInstance, specPath, startMock, startValidatingProxy } from '../src/index.ts';

type Node = Record<string, unknown>;
const spec = parse(readFileSync(specPath, 'utf8')) as Node;
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

function deref(node: unknown): Node {
  let current = node as Node;
  while (typeof current?.$ref === 'string') {
    current = (current.$ref as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((parent, key) => (parent as Node)[key], spec) as Node;
  }
  return current;
}

const credential = 'XBL3.0 x=-;any-token';
const user = '/users/2814613569642996/endpoints/console';
/** A valid request per operation; an operation added to the spec must get one here. */
const validRequests: Record<string, { method: string; path: string; body?: unknown }> = {
  getHealth: { method: 'GET', path: '/healthz' },
  getReadiness: { method: 'GET', path: '/readyz' },
  getOpenApiDocument: { method: 'GET', path: '/openapi.yaml' },
  getApiDocumentation: { method: 'GET', path: '/docs' },
  getMetrics: { method: 'GET', path: '/metrics' },
  sendServerInvite: {
    method: 'POST',
    path: '/titles/1827805096/invites/server',
    body: { invitedUsers: ['2814613569642996'], sender: '2533274792693551' },
  },
  registerEndpoint: { method: 'PUT', path: user, body: { platform: 'Scarlett' } },
  unregisterEndpoint: { method: 'DELETE', path: user },
  receiveInvites: { method: 'GET', path: `${user}/invites` },
  receiveInviteStream: { method: 'GET', path: `${user}/invites/stream` },
  acknowledgeInvite: { method: 'DELETE', path: `${user}/invites/5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a` },
};

interface DocumentedResponse {
  operationId: string;
  status: string;
  /** The named example, when the response has several. */
  example?: string;
  value?: unknown;
  requiredHeaders: string[];
  /**
   * The value each documented header has with this example, or null where it is not sent: a
   * header's named examples go with the body example of the same name (spec/openapi.yaml).
   */
  headerValues: Record<string, string | null>;
}

/** A documented header's value with a body example (`example` undefined: a response without one). */
function headerValue(header: Node, example: string | undefined): string | null | undefined {
  const named = (header.examples as Node | undefined) ?? {};
  if (Object.keys(named).length === 0)
    return header.example === undefined ? undefined : String(header.example);
  const value = example === undefined ? Object.values(named)[0] : named[example];
  return value === undefined ? null : String(deref(value).value);
}

const documented: DocumentedResponse[] = Object.values(spec.paths as Node).flatMap((pathItem) =>
  Object.entries(deref(pathItem))
    .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
    .flatMap(([, operationNode]) => {
      const operation = deref(operationNode);
      return Object.entries(deref(operation.responses)).flatMap(([status, responseNode]) => {
        const response = deref(responseNode);
        const requiredHeaders = Object.entries((response.headers as Node) ?? {})
          .filter(([, header]) => deref(header).required === true)
          .map(([name]) => name.toLowerCase());
        const headers = Object.entries((response.headers as Node) ?? {}).map(
          ([name, node]) => [name.toLowerCase(), deref(node)] as const,
        );
        const headerValues = (example: string | undefined) =>
          Object.fromEntries(
            headers
              .map(([name, header]) => [name, headerValue(header, example)] as const)
              .filter((entry): entry is [string, string | null] => entry[1] !== undefined),
          );
        const base = { operationId: String(operation.operationId), status, requiredHeaders };
        const media = Object.values((response.content as Node) ?? {}).map(deref)[0];
        const examples = Object.entries((media?.examples as Node) ?? {});
        if (examples.length === 0) return [{ ...base, headerValues: headerValues(undefined) }];
        return examples.map(([example, node]) => ({
          ...base,
          example,
          value: deref(node).value,
          headerValues: headerValues(example),
        }));
      });
    }),
);

const preferOf = (response: DocumentedResponse) =>
  response.example === undefined
    ? `code=${response.status}`
    : `code=${response.status}, example=${response.example}`;

/** The README's section for an operation: from its "### operationId" heading to the next heading. */
function readmeSection(operationId: string): string {
  const start = readme.indexOf(`### ${operationId}:`);
  if (start < 0) return '';
  const next = readme.indexOf('\n#', start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}

async function call(
  base: string,
  operationId: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const request = validRequests[operationId];
  if (!request) throw new Error(`add a valid request for ${operationId} to validRequests`);
  const response = await fetch(new URL(request.path, base), {
    method: request.method,
    headers: {
      authorization: credential,
      ...(request.body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the mock (prism mock on spec/openapi.yaml)', () => {
  let mock: PrismInstance;
  beforeAll(async () => {
    mock = await startMock();
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('answers a valid invite with 204 and the example headers', async () => {
    const response = await call(mock.url, 'sendServerInvite');
    expect(response.status).toBe(204);
    expect(response.headers.get('ratelimit')).toBe('"burst";r=6;t=15, "sustain";r=49;t=300');
    expect(response.headers.get('ratelimit-policy')).toBe('"burst";q=7;w=15, "sustain";q=50;w=300');
  });

  it("answers with the caller's X-Request-Id when it is one, and with one of its own otherwise", async () => {
    const echoed = await call(mock.url, 'sendServerInvite', { 'x-request-id': 'page-7:retry.2' });
    const made = await call(mock.url, 'sendServerInvite', { 'x-request-id': 'two words' });
    const absent = await call(mock.url, 'getHealth');

    expect(echoed.headers.get('x-request-id')).toBe('page-7:retry.2');
    for (const response of [made, absent]) {
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    }
    expect(made.headers.get('x-request-id')).not.toBe(absent.headers.get('x-request-id'));
  });

  it('answers a request without credential with the documented 401', async () => {
    const response = await call(mock.url, 'sendServerInvite', { authorization: '' });
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toEqual({
      errorCode: 'AuthenticationError',
      debugMessage: 'the token has expired',
    });
    expect(response.headers.get('www-authenticate')).toMatch(/^XBL3\.0/);
  });

  it('answers an invalid invite with the documented 400 and says why in sl-violations', async () => {
    const response = await fetch(new URL('/titles/1827805096/invites/server', mock.url), {
      method: 'POST',
      headers: { authorization: credential, 'content-type': 'application/json' },
      body: JSON.stringify({ invitedUsers: [], sender: '2533274792693551' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errorCode).toBe('RequestValidationError');
    expect(response.headers.get('sl-violations')).toContain('invitedUsers');
  });

  // Prism 5.16 as patched (packages/mock/patches): each of these once crashed it or went unanswered.
  it.each([
    ['an unknown property named outside Latin-1', '{"invitedUsers":["1"],"sender":"1","邀请":1}'],
    ['an unknown property whose name holds DEL', '{"invitedUsers":["1"],"sender":"1","a\u007f":1}'],
    ['a truncated JSON body', '{"invitedUsers": ['],
    ['a body that is not JSON at all', 'invitedUsers=1'],
    ['a body nested 5000 arrays deep', `{"invitedUsers":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ])('answers %s with the documented 400, and keeps serving', async (_name, body) => {
    const response = await fetch(new URL('/titles/1827805096/invites/server', mock.url), {
      method: 'POST',
      headers: { authorization: credential, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5_000),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errorCode).toBe('RequestValidationError');
    // The header holds only ASCII; its JSON still says what was wrong.
    expect(JSON.parse(response.headers.get('sl-violations') ?? '[]')).not.toEqual([]);
    expect((await fetch(new URL('/healthz', mock.url))).status).toBe(200);
  });

  it('answers a header line without a colon with the 400 ErrorResponse the service sends (Node refuses it before Prism)', async () => {
    const { port, hostname } = new URL(mock.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.end('GET /healthz HTTP/1.1\r\nHost: mock\r\nnot a header\r\n\r\n'),
      );
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk;
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('Content-Type: application/json; charset=utf-8');
    expect(answer).toMatch(/\r\nX-Request-Id: [0-9a-f-]{36}\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      errorCode: 'RequestValidationError',
      debugMessage: 'the request is not valid HTTP/1.1',
    });
  });

  it('answers another method of a known path with the 405 ErrorResponse, naming the allowed methods in Allow', async () => {
    const response = await fetch(new URL('/titles/1827805096/invites/server', mock.url));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ errorCode: 'MethodNotAllowed' });
  });

  it('has a valid sample request for every operation of the spec', () => {
    const operationIds = new Set(documented.map((response) => response.operationId));
    expect([...operationIds].filter((operationId) => !validRequests[operationId])).toEqual([]);
  });

  it.each(documented.map((response) => ({ ...response, prefer: preferOf(response) })))(
    '$operationId answers "Prefer: $prefer" with that documented response, as the README lists it',
    async (response) => {
      expect(readmeSection(response.operationId)).toContain(`\`Prefer: ${preferOf(response)}\``);
      const answer = await call(mock.url, response.operationId, { prefer: preferOf(response) });
      expect(answer.status).toBe(Number(response.status));
      for (const header of response.requiredHeaders)
        expect(answer.headers.get(header), header).not.toBeNull();
      for (const [header, value] of Object.entries(response.headerValues))
        expect(answer.headers.get(header), header).toBe(value);
      if (response.value !== undefined) expect(JSON.parse(answer.text)).toEqual(response.value);
    },
  );

  it.each(['sendServerInvite', 'registerEndpoint'])(
    '%s answers a 429 Concurrency as the service does: Retry-After 1, no RateLimit headers',
    async (operationId) => {
      const answer = await call(mock.url, operationId, { prefer: 'code=429, example=Concurrency' });

      expect(answer.status).toBe(429);
      expect(JSON.parse(answer.text)).toMatchObject({ limitType: 'Concurrency' });
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.headers.get('ratelimit')).toBeNull();
      expect(answer.headers.get('ratelimit-policy')).toBeNull();
    },
  );

  it('answers a 429 Rate with the RateLimit headers of an exhausted burst window and its Retry-After', async () => {
    const answer = await call(mock.url, 'sendServerInvite', { prefer: 'code=429, example=Rate' });

    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('12');
    expect(answer.headers.get('ratelimit')).toBe('"burst";r=0;t=12, "sustain";r=42;t=288');
    expect(answer.headers.get('ratelimit-policy')).toBe('"burst";q=7;w=15, "sustain";q=50;w=300');
  });

  it('lists in the README no Prefer value that the spec does not document', () => {
    const listed = [...readme.matchAll(/`Prefer: (code=[^`]+)`/g)].map((match) => match[1]);
    const known = new Set(documented.map(preferOf));
    expect(listed.filter((value) => !known.has(value as string))).toEqual([]);
  });

  it('generates data for one request with "Prefer: dynamic=true"', async () => {
    const example = await call(mock.url, 'receiveInvites');
    const generated = await call(mock.url, 'receiveInvites', { prefer: 'dynamic=true' });
    expect(generated.status).toBe(200);
    expect(Array.isArray(JSON.parse(generated.text).invites)).toBe(true);
    expect(generated.text).not.toBe(example.text);
  });
});

describe('the mock with dynamic data', () => {
  let mock: PrismInstance;
  beforeAll(async () => {
    mock = await startMock({ dynamic: true, seed: 'conformance' });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('answers with data generated from the schemas instead of the examples', async () => {
    const response = await call(mock.url, 'registerEndpoint', { prefer: 'code=201' });
    expect(response.status).toBe(201);
    const body = JSON.parse(response.text);
    expect(Object.keys(body).sort()).toEqual(['endpointId', 'expiresAt', 'platform', 'xuid']);
    expect(body.endpointId).not.toBe('living-room-console');
  });
});

/**
 * A root script of the workspace run as a person runs it (`pnpm mock`, `pnpm dev`), in a process
 * group of its own, as a terminal's foreground job is.
 */
function runScript(args: string[], env: Record<string, string>) {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn('pnpm', args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    exited,
    running: () => child.exitCode === null && child.signalCode === null,
    /** What Ctrl-C does: SIGINT to every process of the foreground group, pnpm's included. */
    ctrlC: () => process.kill(-(child.pid as number), 'SIGINT'),
    kill: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** Waits (bounded by the test's timeout) until every URL answers 200. */
async function waitUntilAnswering(urls: string[], script: ReturnType<typeof runScript>): Promise<void> {
  for (;;) {
    if (!script.running()) throw new Error(`the script exited early:\n${script.output()}`);
    if ((await Promise.all(urls.map(answers))).every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// pnpm reports a script that ended by a signal, or with a status other than 0, in these words.
const pnpmFailure = /ELIFECYCLE|ERR_PNPM/;

describe('pnpm mock (src/cli.ts)', () => {
  let script: ReturnType<typeof runScript> | undefined;
  afterAll(() => script?.kill());

  it('listens on MOCK_PORT, serves generated data with --dynamic, and a Ctrl-C stops it cleanly (exit 0, no pnpm error)', async () => {
    const port = await freePort();
    script = runScript(['mock', '--dynamic'], { MOCK_PORT: String(port) });
    await waitUntilAnswering([`http://127.0.0.1:${port}/readyz`], script);
    expect(script.output()).toMatch(
      new RegExp(`mock: serving .* on http://127\\.0\\.0\\.1:${port} \\(generated data\\)`),
    );

    script.ctrlC();

    expect(await script.exited).toBe(0);
    expect(script.output()).not.toMatch(pnpmFailure);
    expect(await answers(`http://127.0.0.1:${port}/readyz`)).toBe(false);
  }, 30_000);

  it('refuses a port that is not one', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, MOCK_PORT: 'http' },
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('the port must be 0..65535, got "http"');
  });
});

describe('pnpm dev (src/dev.ts)', () => {
  let script: ReturnType<typeof runScript> | undefined;
  afterAll(() => script?.kill());

  it('starts the server and the mock, and a Ctrl-C stops both cleanly (exit 0, no pnpm error)', async () => {
    const [serverPort, mockPort] = [await freePort(), await freePort()];
    script = runScript(['dev'], {
      PORT: String(serverPort),
      MOCK_PORT: String(mockPort),
      LOG_LEVEL: 'warn',
      DATA_DIR: ':memory:',
    });
    const server = `http://127.0.0.1:${serverPort}/healthz`;
    const mock = `http://127.0.0.1:${mockPort}/healthz`;
    await waitUntilAnswering([server, mock], script);

    script.ctrlC();

    expect(await script.exited).toBe(0);
    expect(script.output()).not.toMatch(pnpmFailure);
    expect(await answers(server)).toBe(false);
    expect(await answers(mock)).toBe(false);
  }, 60_000);
});

describe('the validating proxy (prism proxy --errors)', () => {
  let upstream: Server;
  let proxy: PrismInstance;
  beforeAll(async () => {
    // Answers 200 where the contract documents 204.
    upstream = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'upstream' });
      response.end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    proxy = await startValidatingProxy({ upstream: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await proxy?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('turns an undocumented status into a 500 with sl-violations', async () => {
    const response = await call(proxy.url, 'sendServerInvite');
    expect(response.status).toBe(500);
    expect(response.headers.get('sl-violations')).toContain('Unable to match the returned status code');
  });
});
