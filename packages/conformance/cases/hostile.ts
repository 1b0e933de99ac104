// The hostile-input corpus: what a careless client or an attacker sends. Every request gets a
// status on time, with a JSON body (an ErrorResponse where it is an error), and no request the
// contract allows is refused: the extremes of every string (longest, widest characters, astral
// characters, controls), lone surrogates, huge and deep JSON, attacker-chosen names that must not
// be echoed, wrong media types, traversal under /docs, an invalid X-Request-Id or Idempotency-Key, and HTTP that fetch
// cannot send (sent over a raw socket): oversized headers, Content-Length with Transfer-Encoding, a
// declared body that never comes, malformed lines.
import type { CaseRequest, ConformanceCase, TargetException } from '../src/case.ts';
import { invite, invitee, mockReasons, sender, titleId } from './common.ts';

const valid = { invitedUsers: [invitee], sender };
const accepted = { status: 204 } as const;
const invalid = { status: 400, errorCode: 'RequestValidationError' } as const;
const user = '2814613569642996';
const asUser = { kind: 'user', xuid: user } as const;
const receivePath = `/users/${user}/endpoints/hostile/invites`;

/** A JSON body written by hand (for escapes JSON.stringify would not produce, and raw nesting). */
const rawInvite = (body: string, headers: Record<string, string> = {}): CaseRequest =>
  invite(undefined, { raw: body, headers: { 'content-type': 'application/json', ...headers } });

/** An attacker-chosen name: the response may name the field, but not echo this much of it. */
const longName = `attacker${'-chosen-name'.repeat(90)}`;
const echoed = longName.slice(0, 64);

/** Prism's answers to HTTP that Node itself refuses (the mock's patch gives them a body). */
const prismProblem = (status: number): { mock: TargetException } => ({
  mock: {
    reason:
      "Node refuses the request before Prism sees it; the mock's Prism patch answers with a problem+json, not the contract's ErrorResponse",
    instead: { status, outsideContract: true },
  },
});

const wireInvite = (lines: string[], body?: string): CaseRequest => ({
  method: 'POST',
  path: `/titles/${titleId}/invites/server`,
  credential: { kind: 'service', titleIds: [titleId] },
  wire: {
    lines: [
      `POST /titles/${titleId}/invites/server HTTP/1.1`,
      'Host: {host}',
      'Authorization: {authorization}',
      ...lines,
    ],
    ...(body !== undefined && { body }),
  },
});
const validJson = JSON.stringify(valid);

export const hostileCases: ConformanceCase[] = [
  // The widest strings the contract allows are accepted (and delivered: see test/delivery-property.test.ts).
  {
    title: 'accepts a connectionString of 512 emoji (1024 UTF-16 code units, 2048 UTF-8 bytes)',
    request: invite({ ...valid, connectionString: '😀'.repeat(512) }),
    expect: accepted,
  },
  {
    title: 'accepts a connectionString of 512 characters of the last plane (U+10FFFF)',
    request: invite({ ...valid, connectionString: '\u{10FFFF}'.repeat(512) }),
    expect: accepted,
  },
  {
    title: 'accepts a connectionString of 512 CJK characters',
    request: invite({ ...valid, connectionString: '邀'.repeat(512) }),
    expect: accepted,
  },
  {
    title:
      'accepts a connectionString of 512 control characters (NUL, DEL, NEL, line and paragraph separators)',
    request: invite({
      ...valid,
      connectionString: '\u0000\u0001\u001b\u007f\u0085\u2028\u2029\t'.repeat(64),
    }),
    expect: accepted,
  },
  {
    title: 'accepts a connectionString mixing every width, 512 characters',
    request: invite({ ...valid, connectionString: Array.from('a é 邀😀'.repeat(86)).slice(0, 512).join('') }),
    expect: accepted,
  },
  {
    title: 'rejects a connectionString of 513 emoji',
    request: invite({ ...valid, connectionString: '😀'.repeat(513) }),
    expect: invalid,
  },
  {
    title: 'rejects a connectionString holding a lone high surrogate',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"${sender}","connectionString":"a\\ud800b"}`),
    expect: invalid,
  },
  {
    title: 'rejects a connectionString holding a lone low surrogate at its end',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"${sender}","connectionString":"ab\\udfff"}`),
    expect: invalid,
  },
  {
    title: 'rejects a connectionString holding a surrogate pair in the wrong order',
    request: rawInvite(
      `{"invitedUsers":["${invitee}"],"sender":"${sender}","connectionString":"\\ude00\\ud83d"}`,
    ),
    expect: invalid,
  },

  // Attacker-chosen names and odd JSON
  {
    title: 'rejects an unknown property named in CJK (it once crashed the mock)',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"${sender}","邀请":1}`),
    expect: invalid,
  },
  {
    title: 'rejects an unknown property whose name holds DEL, a quote and markup',
    request: invite({ ...valid, 'a\u007f"<script>': 1 }),
    expect: invalid,
  },
  {
    title: 'rejects an unknown property of 998 characters without echoing it',
    request: invite({ ...valid, [longName]: 1 }),
    expect: { ...invalid, bodyExcludes: [echoed] },
  },
  {
    title: 'rejects an unknown query parameter of 998 characters without echoing it',
    request: { method: 'GET', path: `${receivePath}?${longName}=1`, credential: asUser },
    expect: { ...invalid, bodyExcludes: [echoed] },
    exceptions: {
      mock: {
        reason: 'Prism ignores query parameters the operation does not declare',
        instead: { status: 200 },
      },
    },
  },
  {
    title: 'rejects a __proto__ property',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"${sender}","__proto__":{"admin":true}}`),
    expect: invalid,
  },
  {
    title: 'rejects invitedUsers nested 5000 arrays deep (within the body limit)',
    request: rawInvite(`{"invitedUsers":${'['.repeat(5000)}${']'.repeat(5000)},"sender":"${sender}"}`),
    expect: invalid,
  },
  {
    title: 'rejects 1000 invitees (within the body limit)',
    request: invite({ invitedUsers: Array.from({ length: 1000 }, () => '0'), sender }),
    expect: invalid,
  },
  {
    title: 'rejects a JSON null body',
    request: rawInvite('null'),
    expect: invalid,
  },
  {
    title: 'rejects a sender written as 1e400',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":1e400}`),
    expect: invalid,
  },
  {
    title: 'accepts duplicate keys, the last one winning as in JSON.parse',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"not a xuid","sender":"${sender}"}`),
    expect: accepted,
  },
  {
    title: 'rejects a body of 64 KiB',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"${sender}","x":"${'x'.repeat(64 * 1024)}"}`),
    expect: { status: 413, errorCode: 'PayloadTooLarge' },
    exceptions: {
      mock: {
        reason: `${mockReasons.bodyLimit.split(';')[0]}; the unknown property makes it a 400`,
        instead: invalid,
      },
    },
  },
  {
    title: 'rejects a truncated JSON body (it was never answered by the mock)',
    request: rawInvite(`{"invitedUsers":["${invitee}"],"sender":"${sender}`),
    expect: invalid,
  },

  // Paths and parameters
  {
    title: 'rejects an emoji XUID in the path',
    request: {
      method: 'GET',
      path: `/users/${encodeURIComponent('😀')}/endpoints/hostile/invites`,
      credential: asUser,
    },
    expect: invalid,
  },
  {
    title: 'rejects an endpoint id holding an astral character',
    request: {
      method: 'GET',
      path: `/users/${user}/endpoints/${encodeURIComponent('console😀')}/invites`,
      credential: asUser,
    },
    expect: invalid,
  },
  {
    title: 'rejects a NUL waitSeconds',
    request: { method: 'GET', path: `${receivePath}?waitSeconds=%00`, credential: asUser },
    expect: invalid,
  },
  {
    title: 'rejects waitSeconds given twice',
    request: { method: 'GET', path: `${receivePath}?waitSeconds=1&waitSeconds=2`, credential: asUser },
    expect: invalid,
  },

  // Media types
  {
    title: 'rejects an application/xml body',
    request: invite(undefined, { raw: '<invite/>', headers: { 'content-type': 'application/xml' } }),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },
  {
    title: 'rejects a multipart/form-data body',
    request: invite(undefined, {
      raw: '--b\r\nContent-Disposition: form-data; name="sender"\r\n\r\n1\r\n--b--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    }),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },
  {
    title: 'rejects a JSON body in ISO-8859-1',
    request: invite(undefined, {
      raw: validJson,
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    }),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
    exceptions: {
      mock: { reason: 'Prism reads any charset of application/json as UTF-8', instead: accepted },
    },
  },
  {
    title: 'rejects a JSON body without Content-Type',
    request: wireInvite([`Content-Length: ${validJson.length}`, 'Connection: close'], validJson),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
    exceptions: {
      mock: {
        reason: 'Prism reads a body without Content-Type as text, which the body schema refuses (400)',
        instead: invalid,
      },
    },
  },

  // Documentation paths
  {
    title: 'answers a traversal under /docs (%2e%2e) with 404',
    // Over a raw socket: fetch would resolve the dot segments before sending.
    request: {
      method: 'GET',
      path: '/docs/assets/%2e%2e/x',
      wire: { lines: ['GET /docs/assets/%2e%2e/x HTTP/1.1', 'Host: {host}', 'Connection: close'] },
    },
    expect: { status: 404, errorCode: 'NotFound' },
    exceptions: {
      mock: { reason: mockReasons.beyondOperations, instead: { status: 404, outsideContract: true } },
    },
  },
  {
    title: 'answers a traversal under /docs towards package.json with 404',
    request: { method: 'GET', path: '/docs/assets/..%2f..%2f..%2fpackage.json' },
    expect: { status: 404, errorCode: 'NotFound' },
    exceptions: {
      mock: { reason: mockReasons.beyondOperations, instead: { status: 404, outsideContract: true } },
    },
  },

  // Request ids
  {
    title: 'answers a request with an invalid X-Request-Id, under an id of its own (as the README promises)',
    request: invite(valid, { headers: { 'x-request-id': 'two words' } }),
    expect: accepted,
  },

  // Idempotency keys: bounded, never echoed
  {
    title: 'rejects an Idempotency-Key of 8 KiB with 400, without echoing it',
    request: invite(valid, { headers: { 'idempotency-key': `"${'attacker-key'.repeat(683)}"` } }),
    expect: { ...invalid, bodyExcludes: ['attacker-keyattacker-keyattacker-key'] },
  },
  {
    title: 'rejects an Idempotency-Key of CJK characters (raw UTF-8 bytes) with 400',
    request: wireInvite(
      [
        'Content-Type: application/json',
        `Content-Length: ${validJson.length}`,
        'Idempotency-Key: "邀请-键"',
        'Connection: close',
      ],
      validJson,
    ),
    expect: invalid,
  },

  // HTTP that fetch cannot send (raw socket)
  {
    title: 'answers a header of 64 KiB with 431',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: {
        lines: [
          'GET /healthz HTTP/1.1',
          'Host: {host}',
          `X-Padding: ${'p'.repeat(64 * 1024)}`,
          'Connection: close',
        ],
      },
    },
    expect: { status: 431 },
    exceptions: prismProblem(431),
  },
  {
    title: 'answers Content-Length together with Transfer-Encoding (request smuggling) with 400',
    request: wireInvite(
      [
        'Content-Type: application/json',
        `Content-Length: ${validJson.length}`,
        'Transfer-Encoding: chunked',
        'Connection: close',
      ],
      `${validJson.length.toString(16)}\r\n${validJson}\r\n0\r\n\r\n`,
    ),
    expect: { status: 400 },
    exceptions: prismProblem(400),
  },
  {
    title: 'answers a declared Content-Length of 1 MiB with no body with 413 at once',
    request: wireInvite(['Content-Type: application/json', 'Content-Length: 1048576']),
    expect: { status: 413, errorCode: 'PayloadTooLarge' },
    exceptions: {
      mock: {
        reason:
          'Prism reads bodies up to 10 MB, so it waits for the declared body until the connection closes',
        instead: { status: 0, noResponseWithinMs: 1000 },
      },
    },
  },
  {
    title: 'answers a header line without a colon with 400',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: { lines: ['GET /healthz HTTP/1.1', 'Host: {host}', 'this is not a header', 'Connection: close'] },
    },
    expect: { status: 400 },
    exceptions: prismProblem(400),
  },
  {
    title: 'answers a header value holding NUL with 400',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: { lines: ['GET /healthz HTTP/1.1', 'Host: {host}', 'X-Bad: a\u0000b', 'Connection: close'] },
    },
    expect: { status: 400 },
    exceptions: prismProblem(400),
  },
  {
    title: 'answers a chunked body with an invalid chunk size with 400',
    request: wireInvite(
      ['Content-Type: application/json', 'Transfer-Encoding: chunked', 'Connection: close'],
      `zz\r\n${validJson}\r\n0\r\n\r\n`,
    ),
    expect: { status: 400 },
    exceptions: prismProblem(400),
  },
  {
    title: 'accepts a valid invite sent after Expect: 100-continue',
    request: wireInvite(
      [
        'Content-Type: application/json',
        `Content-Length: ${validJson.length}`,
        'Expect: 100-continue',
        'Connection: close',
      ],
      validJson,
    ),
    expect: accepted,
  },
  {
    title: 'accepts a valid invite sent chunked',
    request: wireInvite(
      ['Content-Type: application/json', 'Transfer-Encoding: chunked', 'Connection: close'],
      `${validJson.length.toString(16)}\r\n${validJson}\r\n0\r\n\r\n`,
    ),
    expect: accepted,
  },
];
