// The same requests to the service (as `pnpm start` runs it, its throttling raised) and to the mock,
// compared by status and errorCode. The conformance cases (cases/, the hostile corpus included)
// already hold both to the contract request for request; these are the requests they cannot take:
// those the contract says nothing of (a trailing slash, the path's case), the edges of HTTP issue 23
// settled (each held to the contract's answer), and one showing each difference packages/mock/README.md
// lists. Where the mock answers otherwise than the contract, the request names the difference; a
// name the README does not list fails, and so does a listed one no request shows, so that the list
// stays true.
import { readFileSync } from 'node:fs';
import { type PrismInstance, startMock } from '@server-invites/mock';
import { startTestServer, type TestServer } from '@server-invites/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invite, invitee, sender, titleId } from '../cases/common.ts';
import type { CaseRequest } from '../src/case.ts';
import { buildRequest } from '../src/run.ts';
import { mockCredential, raisedLimits, serverCredential } from '../src/targets.ts';

/** The differences packages/mock/README.md lists ("### <name>" under "Where the mock differs"). */
type Difference =
  | 'credentials'
  | 'state'
  | 'first registration'
  | 'unknown query parameters'
  | 'Prefer'
  | 'CORS';

interface Answer {
  status: number;
  errorCode?: string;
}

interface Probe {
  title: string;
  request: CaseRequest;
  /** What the contract says. */
  expect: Answer;
  /** The mock answers this instead, for the reason the README gives under `because`. */
  mock?: Answer & { because: Difference };
  /** The service's answer until issue 23's work on its HTTP edges lands (then `expect`). */
}

const body = { invitedUsers: [invitee], sender };
const json = JSON.stringify(body);
const user = '2814613569642996';
const asUser = { kind: 'user', xuid: user } as const;
/** An endpoint the service has registered (beforeAll) and the mock, keeping no state, answers anyway. */
const receive = `/users/${user}/endpoints/differential/invites`;
const sent: Answer = { status: 204 };
const invalid: Answer = { status: 400, errorCode: 'RequestValidationError' };
const unsupported: Answer = { status: 415, errorCode: 'UnsupportedMediaType' };
const withType = (contentType: string, raw: string | Uint8Array<ArrayBuffer> = json) =>
  invite(undefined, { raw, headers: { 'content-type': contentType } });

const probes: Probe[] = [
  // The edges of HTTP issue 23 settled
  {
    title: 'Content-Type application/json; charset=utf8 (the contract accepts a charset)',
    request: withType('application/json; charset=utf8'),
    expect: sent,
  },
  {
    title: 'a body in bytes that are not UTF-8 (C3 28 FF C0 AF ED A0 80)',
    request: withType(
      'application/json',
      Buffer.concat([
        Buffer.from(`{"invitedUsers":["${invitee}"],"sender":"${sender}","connectionString":"`),
        Buffer.from([0xc3, 0x28, 0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
        Buffer.from('"}'),
      ]),
    ),
    expect: unsupported,
  },
  {
    title: 'x-xbl-contract-version of 400 digits',
    request: invite(body, { headers: { 'x-xbl-contract-version': '1'.repeat(400) } }),
    expect: invalid,
  },
  {
    title: 'waitSeconds=-0',
    request: { method: 'GET', path: `${receive}?waitSeconds=-0`, credential: asUser },
    expect: invalid,
  },
  {
    title: 'waitSeconds of 400 digits',
    request: { method: 'GET', path: `${receive}?waitSeconds=${'9'.repeat(400)}`, credential: asUser },
    expect: invalid,
  },
  {
    title: 'the title id -0',
    request: invite(body, { path: '/titles/-0/invites/server' }),
    expect: invalid,
  },
  {
    title: 'a title id of 400 digits',
    request: invite(body, { path: `/titles/${'9'.repeat(400)}/invites/server` }),
    expect: invalid,
  },
  {
    title: 'an unknown path with a body that is not JSON',
    request: { method: 'POST', path: '/nope', raw: '{', headers: { 'content-type': 'application/json' } },
    expect: { status: 404, errorCode: 'NotFound' },
  },
  {
    title: 'HEAD on the liveness probe (RFC 9110: HEAD wherever GET is)',
    request: { method: 'HEAD', path: '/healthz' },
    expect: { status: 200 },
  },
  {
    title: 'a query string on the liveness probe',
    request: { method: 'GET', path: '/healthz?x=1' },
    expect: { status: 200 },
  },

  // What the contract says nothing of: the service matches paths as Express does
  {
    title: 'a trailing slash',
    request: invite(body, { path: `/titles/${titleId}/invites/server/` }),
    expect: sent,
  },
  {
    title: 'a path in other case',
    request: invite(body, { path: `/Titles/${titleId}/INVITES/server` }),
    expect: sent,
  },
  { title: '/HEALTHZ', request: { method: 'GET', path: '/HEALTHZ' }, expect: { status: 200 } },
  {
    title: 'a path with an empty first segment',
    request: invite(body, { path: `//titles/${titleId}/invites/server` }),
    expect: { status: 404, errorCode: 'NotFound' },
  },

  // What the mock cannot do (packages/mock/README.md says why)
  {
    title: 'a credential that is not a JWT',
    request: invite(body, { credential: { kind: 'literal', value: 'XBL3.0 x=-;not-a-jwt' } }),
    expect: { status: 401, errorCode: 'AuthenticationError' },
    mock: { ...sent, because: 'credentials' },
  },
  {
    title: "a user's credential on the game servers' route",
    request: invite(body, { credential: asUser }),
    expect: { status: 400, errorCode: 'AuthorizationError' },
    mock: { ...sent, because: 'credentials' },
  },
  {
    title: 'receiving on an endpoint never registered',
    request: { method: 'GET', path: `/users/${user}/endpoints/never-registered/invites`, credential: asUser },
    expect: { status: 404, errorCode: 'NotFound' },
    mock: { status: 200, because: 'state' },
  },
  {
    title: 'a first registration',
    request: {
      method: 'PUT',
      path: `/users/${user}/endpoints/first-time`,
      credential: asUser,
      json: { platform: 'Android' },
    },
    expect: { status: 201 },
    mock: { status: 200, because: 'first registration' },
  },
  {
    title: 'an unknown query parameter',
    request: { method: 'GET', path: `${receive}?x=1`, credential: asUser },
    expect: invalid,
    mock: { status: 200, because: 'unknown query parameters' },
  },
  {
    title: 'Prefer: code=429',
    request: invite(body, { headers: { prefer: 'code=429' } }),
    expect: sent,
    mock: { status: 429, because: 'Prefer' },
  },
  {
    title: 'a CORS preflight to the service as pnpm start runs it (CORS_ORIGINS unset)',
    request: {
      method: 'OPTIONS',
      path: `/titles/${titleId}/invites/server`,
      headers: { origin: 'http://page.test', 'access-control-request-method': 'POST' },
    },
    expect: { status: 405, errorCode: 'MethodNotAllowed' },
    mock: { status: 204, because: 'CORS' },
  },
];

const readme = readFileSync(new URL('../../mock/README.md', import.meta.url), 'utf8');
/** The names the README lists under "## Where the mock differs from the service". */
function listedDifferences(): string[] {
  const start = readme.indexOf('## Where the mock differs from the service');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^### (.+)$/gm)].map((match) => (match[1] ?? '').trim());
}

async function answer(
  base: string,
  request: CaseRequest,
  authorization: string | undefined,
): Promise<Answer> {
  const built = buildRequest(request, authorization);
  // Not `new URL(path, base)`: a path starting with // would name another host.
  const response = await fetch(`${base}${built.path}`, {
    method: built.method,
    headers: built.headers,
    ...(built.body !== undefined && { body: built.body }),
    redirect: 'manual',
  });
  const text = await response.text();
  let errorCode: unknown;
  try {
    errorCode = (JSON.parse(text) as { errorCode?: unknown }).errorCode;
  } catch {
    errorCode = undefined;
  }
  return { status: response.status, ...(typeof errorCode === 'string' && { errorCode }) };
}

const shown = (expected: Answer) => `${expected.status}${expected.errorCode ? ` ${expected.errorCode}` : ''}`;

describe('the service and the mock, request for request', () => {
  let server: TestServer;
  let mock: PrismInstance;
  beforeAll(async () => {
    [server, mock] = await Promise.all([startTestServer({ throttle: raisedLimits }), startMock()]);
    const registered = await answer(
      server.url,
      { method: 'PUT', path: receive.replace(/\/invites$/, ''), json: { platform: 'Win32' } },
      await serverCredential(server, asUser),
    );
    expect(registered.status).toBe(201);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), mock?.close()]);
  });

  it.each(probes.map((probe) => ({ ...probe, outcome: shown(probe.expect) })))(
    '$title: $outcome, from the service and the mock (or the difference the mock README lists)',
    async (probe) => {
      const [fromService, fromMock] = await Promise.all([
        answer(
          server.url,
          probe.request,
          probe.request.credential && (await serverCredential(server, probe.request.credential)),
        ),
        answer(mock.url, probe.request, probe.request.credential && mockCredential(probe.request.credential)),
      ]);

      const { because, ...mockAnswer } = probe.mock ?? { because: undefined, ...probe.expect };
      expect(fromMock, because ? `the mock, because of "${because}"` : 'the mock').toEqual(mockAnswer);
      const serviceAnswers = [probe.expect];
      expect(serviceAnswers, 'the service').toContainEqual(fromService);
    },
  );

  it('has a request showing each difference the mock README lists, and lists each one a request shows', () => {
    const shownHere = [...new Set(probes.flatMap((probe) => (probe.mock ? [probe.mock.because] : [])))];
    expect(listedDifferences().sort()).toEqual(shownHere.sort());
  });
});
