// The hostile-input corpus: what a careless client or an attacker sends. Every request gets a
// status on time, with a JSON body (an ErrorResponse where it is an error), and no request the
// contract allows is refused: the extremes of every string (longest, widest characters, astral
// characters, controls), lone surrogates, huge and deep JSON, attacker-chosen names that must not
// be echoed, wrong media types, traversal under /docs, an invalid X-Request-Id or Idempotency-Key, and HTTP that fetch
// cannot send (sent over a raw socket): oversized headers, Content-Length with Transfer-Encoding, a
// declared body that never comes, malformed lines.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { CaseRequest, ConformanceCase, Expectation, TargetException } from '../src/case.ts';
import { invite, invitee, mockAnswers, mockReasons, sender, titleId } from './common.ts';

const valid = { invitedUsers: [invitee], sender };
const accepted = { status: 204 } as const;
const invalid = { status: 400, errorCode: 'RequestValidationError' } as const;
const user = '2814613569642996';
const asUser = { kind: 'user', xuid: user } as const;
const receivePath = `/users/${user}/endpoints/hostile/invites`;

const unsupported = { status: 415, errorCode: 'UnsupportedMediaType' } as const;

/** A valid invite sent with this Content-Type. */
const typed = (what: string, contentType: string, expect: Expectation): ConformanceCase => ({
  title: `${expect.status < 300 ? 'accepts' : 'rejects'} a Content-Type ${what}`,
  request: invite(valid, { headers: { 'content-type': contentType } }),
  expect,
});

/** A JSON body sent with this Content-Encoding (`what`: the case's title when not a plain one). */
const encoded = (
  encoding: string,
  body: string | Uint8Array<ArrayBuffer>,
  expect: Expectation,
  what = `a ${encoding}-encoded body`,
): ConformanceCase => ({
  title: `${expect.status < 300 ? 'accepts' : 'rejects'} ${what}`,
  request: rawInvite(body, { 'content-encoding': encoding }),
  expect,
});

/** A JSON body written by hand (for escapes JSON.stringify would not produce, and raw nesting). */
const rawInvite = (
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): CaseRequest =>
  invite(undefined, { raw: body, headers: { 'content-type': 'application/json', ...headers } });

/** An attacker-chosen name: the response may name the field, but not echo this much of it. */
const longName = `attacker${'-chosen-name'.repeat(90)}`;
const echoed = longName.slice(0, 64);

const wireInvite = (lines: string[], body?: string, bodyEncoding?: 'latin1'): CaseRequest => ({
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
    ...(bodyEncoding && { bodyEncoding }),
  },
});
const validJson = JSON.stringify(valid);

/** The mock's answer where Node's parser refuses bytes after a request Prism is still answering. */
const prismAnswersNodesError = (status: number, what: string): { mock: TargetException } => ({
  mock: {
    reason: `Node's parser refuses ${what} while Prism still answers the request, and the mock's Prism patch answers Node's error (problem+json) in its place`,
    instead: { status, outsideContract: true },
  },
});
/** Node's own empty answer, which Prism leaves as it is. */
const nodesOwnAnswer = (status: number, what: string): { mock: TargetException } => ({
  mock: {
    reason: `Node, under Prism, answers ${what} with its own empty ${status}`,
    instead: { status, outsideContract: true },
  },
});
/** A valid invite over HTTP/1.0 without keep-alive, with bytes after its body. */
const http10Invite = (body: string, after: string): CaseRequest => ({
  method: 'POST',
  path: `/titles/${titleId}/invites/server`,
  credential: { kind: 'service', titleIds: [titleId] },
  wire: {
    lines: [
      `POST /titles/${titleId}/invites/server HTTP/1.0`,
      'Host: {host}',
      'Authorization: {authorization}',
      'Content-Type: application/json',
      `Content-Length: ${body.length}`,
    ],
    body: `${body}${after}`,
  },
});
/** A valid invite whose connection string holds bytes that are not UTF-8 (one character per byte). */
const notUtf8 = `{"invitedUsers":["${invitee}"],"sender":"${sender}","connectionString":"a\u00c3\u0028\u00ff\u00c0\u00af\u00ed\u00a0\u0080"}`;
const registration = JSON.stringify({ platform: 'Android' });
/** The operations without parameters of their own: probes and documentation. */
const probePaths = ['/healthz', '/readyz', '/metrics', '/openapi.yaml', '/docs'];

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
    exceptions: mockAnswers(200, mockReasons.unknownQuery),
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
  },
  {
    title: 'rejects a JSON body without Content-Type',
    request: wireInvite([`Content-Length: ${validJson.length}`, 'Connection: close'], validJson),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },

  // What is read as JSON, and how: the media type's spellings, a byte order mark, compressed bodies
  // (once crashed or misread by the mock, which answers them as the service does since)
  typed('with an empty parameter (application/json;)', 'application/json;', accepted),
  typed(
    'with a parameter without a value (application/json; charset)',
    'application/json; charset',
    accepted,
  ),
  typed('in other case, its charset quoted', 'APPLICATION/JSON; Charset="UTF-8"', accepted),
  typed('that lists two (a list is not a media type)', 'application/json, text/plain', unsupported),
  typed(
    'application/merge-patch+json (JSON, not the one the contract names)',
    'application/merge-patch+json',
    unsupported,
  ),
  typed('that is empty', '', unsupported),
  {
    title: 'accepts a JSON body that starts with a UTF-8 byte order mark (RFC 8259 lets a parser ignore it)',
    request: rawInvite(`\ufeff${validJson}`),
    expect: accepted,
  },
  encoded('gzip', gzipSync(validJson), accepted),
  encoded('deflate', deflateSync(validJson), accepted),
  encoded('br', brotliCompressSync(validJson), accepted),
  encoded('gzip', validJson, invalid, 'a body labelled gzip that is not'),
  encoded('compress', validJson, unsupported, 'an encoding it does not know'),
  encoded(
    'gzip',
    gzipSync(`{"x":"${'a'.repeat(1024 * 1024)}"}`),
    { status: 413, errorCode: 'PayloadTooLarge' },
    'a body that inflates past the body limit (a decompression bomb)',
  ),

  // Integer parameters sent empty or written other than in base 10 (the mock took an empty one for
  // an absent one, and read the rest with JavaScript's number coercion)
  ...['', '01'].map((version) => ({
    title: `rejects x-xbl-contract-version ${JSON.stringify(version)}`,
    request: invite(valid, { headers: { 'x-xbl-contract-version': version } }),
    expect: invalid,
  })),
  ...['waitSeconds=', 'waitSeconds', 'waitSeconds=1e1'].map((query) => ({
    title: `rejects ?${query}`,
    request: { method: 'GET', path: `${receivePath}?${query}`, credential: asUser } as const,
    expect: invalid,
  })),

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
  },
  {
    title: 'answers a traversal under /docs towards package.json with 404',
    request: { method: 'GET', path: '/docs/assets/..%2f..%2f..%2fpackage.json' },
    expect: { status: 404, errorCode: 'NotFound' },
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
  },
  {
    title: 'answers a declared Content-Length of 1 MiB with no body with 413 at once',
    request: wireInvite(['Content-Type: application/json', 'Content-Length: 1048576']),
    expect: { status: 413, errorCode: 'PayloadTooLarge' },
  },
  {
    title: 'answers a header line without a colon with 400',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: { lines: ['GET /healthz HTTP/1.1', 'Host: {host}', 'this is not a header', 'Connection: close'] },
    },
    expect: { status: 400 },
  },
  {
    title: 'answers a header value holding NUL with 400',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: { lines: ['GET /healthz HTTP/1.1', 'Host: {host}', 'X-Bad: a\u0000b', 'Connection: close'] },
    },
    expect: { status: 400 },
  },
  {
    title: 'answers a chunked body with an invalid chunk size with 400',
    request: wireInvite(
      ['Content-Type: application/json', 'Transfer-Encoding: chunked', 'Connection: close'],
      `zz\r\n${validJson}\r\n0\r\n\r\n`,
    ),
    expect: { status: 400 },
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

  // The edges of HTTP and of the contract (issue 23)
  {
    title: 'answers a valid invite followed by bytes after Connection: close with its 204, not 400',
    request: wireInvite(
      ['Content-Type: application/json', `Content-Length: ${validJson.length}`, 'Connection: close'],
      `${validJson}XYZ`,
    ),
    expect: accepted,
    exceptions: prismAnswersNodesError(400, 'the bytes after the request'),
  },
  {
    title: 'answers a valid HTTP/1.0 invite without keep-alive followed by a stray byte with its 204',
    request: http10Invite(validJson, 'X'),
    expect: accepted,
    exceptions: prismAnswersNodesError(400, 'the stray byte'),
  },
  {
    title: 'rejects a title id of 400 digits with the range error',
    request: invite(valid, { path: `/titles/${'9'.repeat(400)}/invites/server` }),
    expect: invalid,
  },
  {
    title: 'rejects a title id of -0',
    request: invite(valid, { path: '/titles/-0/invites/server' }),
    expect: invalid,
  },
  {
    title: 'rejects an x-xbl-contract-version of 400 digits',
    request: invite(valid, { headers: { 'x-xbl-contract-version': '1'.repeat(400) } }),
    expect: invalid,
  },
  {
    title: 'rejects an x-xbl-contract-version of -0',
    request: invite(valid, { headers: { 'x-xbl-contract-version': '-0' } }),
    expect: invalid,
  },
  {
    title: 'rejects a waitSeconds of 400 digits at once',
    request: { method: 'GET', path: `${receivePath}?waitSeconds=${'1'.repeat(400)}`, credential: asUser },
    expect: invalid,
  },
  {
    title: 'rejects a waitSeconds of -0',
    request: { method: 'GET', path: `${receivePath}?waitSeconds=-0`, credential: asUser },
    expect: invalid,
  },
  {
    title: 'rejects a connectionString holding bytes that are not UTF-8 (C3 28 FF C0 AF ED A0 80) with 415',
    request: wireInvite(
      ['Content-Type: application/json', `Content-Length: ${notUtf8.length}`, 'Connection: close'],
      notUtf8,
      'latin1',
    ),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },
  {
    title: 'accepts a JSON body in charset=utf8',
    request: invite(valid, { headers: { 'content-type': 'application/json; charset=utf8' } }),
    expect: accepted,
  },
  {
    title: 'answers POST to an unknown path with a broken JSON body with 404, not a JSON error',
    request: { method: 'POST', path: '/nope', raw: '{', headers: { 'content-type': 'application/json' } },
    expect: { status: 404, errorCode: 'NotFound' },
  },
  {
    title: 'answers PUT on the send path with a broken JSON body with 405, not a JSON error',
    request: invite(undefined, {
      method: 'PUT',
      raw: '{',
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 405, errorCode: 'MethodNotAllowed' },
  },
  ...probePaths.map(
    (path): ConformanceCase => ({
      title: `ignores a query string on ${path}`,
      request: { method: 'GET', path: `${path}?x=1` },
      expect: { status: 200 },
    }),
  ),
  ...probePaths.map(
    (path): ConformanceCase => ({
      title: `answers HEAD ${path} as its GET, without a body`,
      request: { method: 'HEAD', path },
      expect: { status: 200 },
    }),
  ),
  {
    title: 'answers HEAD on receiveInvites as its GET (404 for an endpoint not registered), without a body',
    request: { method: 'HEAD', path: receivePath, credential: asUser },
    // No errorCode: the answer to HEAD has no body.
    expect: { status: 404 },
    exceptions: mockAnswers(200, mockReasons.state),
  },
  {
    title: 'answers an HTTP/1.1 request without Host with 400',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: { lines: ['GET /healthz HTTP/1.1', 'Connection: close'] },
    },
    expect: { status: 400, errorCode: 'RequestValidationError' },
    exceptions: nodesOwnAnswer(400, 'an HTTP/1.1 request without Host'),
  },
  {
    title: 'answers Expect: 200-ok with 417',
    request: {
      method: 'GET',
      path: '/healthz',
      wire: { lines: ['GET /healthz HTTP/1.1', 'Host: {host}', 'Expect: 200-ok', 'Connection: close'] },
    },
    expect: { status: 417, errorCode: 'RequestValidationError' },
    exceptions: nodesOwnAnswer(417, 'an expectation other than 100-continue'),
  },
  {
    title: 'answers CONNECT with 501',
    request: {
      method: 'CONNECT',
      path: '/healthz',
      wire: { lines: ['CONNECT {host} HTTP/1.1', 'Host: {host}'] },
    },
    expect: { status: 501, errorCode: 'RequestValidationError' },
    exceptions: {
      mock: {
        reason:
          'Node closes a CONNECT connection without a word when nothing handles CONNECT, as under Prism',
        instead: { status: 0, noResponseWithinMs: 1000 },
      },
    },
  },
  {
    title: 'answers Transfer-Encoding: gzip, chunked with 501',
    request: wireInvite(
      ['Content-Type: application/json', 'Transfer-Encoding: gzip, chunked', 'Connection: close'],
      `${validJson.length.toString(16)}\r\n${validJson}\r\n0\r\n\r\n`,
    ),
    expect: { status: 501, errorCode: 'RequestValidationError' },
    exceptions: {
      mock: {
        reason: 'Prism reads a body framed by its final chunked coding and ignores the codings before it',
        instead: accepted,
      },
    },
  },
  ...['.', '..'].map(
    (endpointId): ConformanceCase => ({
      title: `rejects the endpoint id ${endpointId}, which URL resolution removes`,
      // Over a raw socket: fetch would resolve the dot segment before sending.
      request: {
        method: 'PUT',
        path: `/users/${user}/endpoints/${endpointId}`,
        credential: asUser,
        wire: {
          lines: [
            `PUT /users/${user}/endpoints/${endpointId} HTTP/1.1`,
            'Host: {host}',
            'Authorization: {authorization}',
            'Content-Type: application/json',
            `Content-Length: ${registration.length}`,
            'Connection: close',
          ],
          body: registration,
        },
      },
      expect: invalid,
      ...(endpointId === '..' && {
        exceptions: {
          mock: {
            reason:
              'Prism resolves the dot segments of a path before routing it: /users/{xuid}/endpoints/.. is /users/{xuid}/, which no operation names',
            instead: { status: 404, outsideContract: true },
          },
        },
      }),
    }),
  ),
];
