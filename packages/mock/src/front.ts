// The mock's front: what the service answers before its contract validator sees a request is
// answered here the same way, and the rest reaches Prism as the service reads it. It runs inside
// Prism's process: the patched @stoplight/prism-http-server (packages/mock/patches) hands every
// request to it when SERVER_INVITES_MOCK_FRONT names this file, as startMock does (a validating
// proxy runs without it). In the order the service applies them (packages/server/src/app.ts):
//   CORS        preflights answered as the service answers them, with the contract's browserAccess
//   media type  a body must be application/json in UTF-8 (415), JSON's media type named one way
//   size        a body over the service's default limit is refused, a declared one at once (413)
//   routing     paths match case-insensitively with an optional trailing slash, HEAD as GET; an
//               unknown path is a 404, another method a 405 with Allow, both ErrorResponses
//   integers    integer parameters written in base 10 and nothing else (400)
//   headers     a header parameter that needs characters not sent empty (400)
//   body        read once the credential is there: gzip, deflate or br inflated, a UTF-8 BOM
//               dropped, bytes that are not UTF-8 refused (415)
//   request id  the caller's X-Request-Id when it is one, else one made here, on every answer
// Prism then checks the credential's presence (401) and the contract's schemas (400), and answers
// the documented response.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { browserAccess, type ContractOperation, parseContract, specPath } from '@server-invites/contract';

/** The request as Prism is to read it. */
export interface PrismRequest {
  method: string;
  /** Path (the contract's spelling of it) and query. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, its text when it does not parse, undefined when there is none. */
  body: unknown;
}

export interface Front {
  /** The request for Prism, or undefined when the front has answered it. */
  receive(request: IncomingMessage, reply: ServerResponse): Promise<PrismRequest | undefined>;
  /** Node's own refusal of a request it could not read, answered as the service answers it. */
  clientError(error: NodeJS.ErrnoException, socket: Duplex): void;
}

/** The service's default BODY_LIMIT_BYTES, the "16 KiB by default" of the contract's 413. */
export const bodyLimitBytes = 16_384;
/** The header Prism says what was wrong in: a page's script may read it from the mock. */
const violationsHeader = 'sl-violations';
const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
// -0 is refused with every other spelling of zero but "0".
const base10Integer = /^(0|-?[1-9][0-9]*)$/;
const acceptedCharsets = new Set(['utf-8', 'utf8']);
const decoders: Record<string, () => Transform> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

type Refusal = { status: number; errorCode: string; debugMessage: string; headers?: Record<string, string> };

const refuse = (status: number, errorCode: string, debugMessage: string): Refusal => ({
  status,
  errorCode,
  debugMessage,
});
const unsupportedMediaType = (debugMessage: string) => refuse(415, 'UnsupportedMediaType', debugMessage);
const tooLarge = refuse(413, 'PayloadTooLarge', `the request body exceeds ${bodyLimitBytes} bytes`);

interface Route {
  operation: ContractOperation;
  pattern: RegExp;
  /** The template cut at its parameters: literal parts, each followed by one parameter but the last. */
  literals: string[];
  parameterNames: string[];
}

/**
 * `spec`: the contract Prism serves (SERVER_INVITES_MOCK_SPEC, else the repository's); read again
 * each time Prism reloads it. `log`: Prism's log, for the requests answered here.
 */
export function createFront(
  log: (line: string) => void = () => undefined,
  spec: string = process.env.SERVER_INVITES_MOCK_SPEC ?? specPath,
): Front {
  const contract = parseContract(readFileSync(spec, 'utf8'), spec);
  const access = browserAccess(contract);
  const exposedHeaders = [...access.exposedHeaders, violationsHeader].join(',');
  const routes = contract.operations.map(routeOf);

  function answer(reply: ServerResponse, request: IncomingMessage, refusal: Refusal): undefined {
    const body = JSON.stringify({ errorCode: refusal.errorCode, debugMessage: refusal.debugMessage });
    reply.writeHead(refusal.status, {
      ...refusal.headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    reply.end(body);
    log(`${request.method} ${request.url} ${refusal.status} ${refusal.errorCode}: ${refusal.debugMessage}`);
    return undefined;
  }

  return {
    async receive(request, reply) {
      const callerId = header(request.headers, 'x-request-id');
      reply.setHeader('X-Request-Id', callerId && requestIdPattern.test(callerId) ? callerId : randomUUID());
      reply.setHeader('Access-Control-Allow-Origin', '*');
      if (isPreflight(request)) {
        reply.writeHead(204, {
          'Access-Control-Allow-Methods': access.methods.join(','),
          'Access-Control-Allow-Headers': access.requestHeaders.join(','),
          'Access-Control-Max-Age': String(access.maxAgeSeconds),
          'Content-Length': '0',
        });
        reply.end();
        return undefined;
      }
      reply.setHeader('Access-Control-Expose-Headers', exposedHeaders);

      const hasBody =
        request.headers['transfer-encoding'] !== undefined ||
        Number(request.headers['content-length'] ?? 0) > 0;
      const mediaType = jsonMediaType(request.headers['content-type'], hasBody);
      if (mediaType) return answer(reply, request, mediaType);
      if (Number(request.headers['content-length'] ?? 0) > bodyLimitBytes) {
        return answer(reply, request, { ...tooLarge, headers: { Connection: 'close' } });
      }

      const [rawPath = '', query] = splitOnce(request.url ?? '/', '?');
      const method = request.method ?? 'GET';
      const matched = match(routes, method, rawPath);
      if ('refusal' in matched) return answer(reply, request, matched.refusal);
      const { route, values } = matched;
      const badInteger = integerProblem(route, values, query, request.headers);
      if (badInteger) return answer(reply, request, badInteger);
      const emptyHeader = emptyHeaderProblem(route, request.headers);
      if (emptyHeader) return answer(reply, request, emptyHeader);

      const headers: IncomingHttpHeaders = { ...request.headers };
      let body: unknown;
      if (hasBody) {
        const read = await readBody(request);
        if ('refusal' in read) {
          // The service reads a body only once the credential is there: without one, Prism's 401.
          const credential = header(request.headers, 'authorization');
          if (!(route.operation.secured && !credential)) return answer(reply, request, read.refusal);
          request.resume();
        } else {
          body = read.body;
          headers['content-length'] = String(read.length);
          headers['content-type'] = 'application/json';
        }
        delete headers['transfer-encoding'];
        delete headers['content-encoding'];
      }
      const path = route.literals.map((literal, index) => literal + (values[index] ?? '')).join('');
      return {
        method: method === 'HEAD' ? route.operation.method : method,
        url: query === undefined ? path : `${path}?${query}`,
        headers,
        body,
      };
    },

    clientError(error, socket) {
      if (error.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const refusal =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? refuse(431, 'RequestValidationError', 'the request headers are too large')
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? refuse(408, 'RequestTimeout', 'the request was not received in time')
            : refuse(400, 'RequestValidationError', 'the request is not valid HTTP/1.1');
      const body = JSON.stringify({ errorCode: refusal.errorCode, debugMessage: refusal.debugMessage });
      socket.end(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Request-Id: ${randomUUID()}\r\n` +
          'Connection: close\r\n\r\n' +
          body,
      );
      log(
        `${refusal.status} ${refusal.errorCode}: ${refusal.debugMessage} (${error.code ?? 'unknown error'})`,
      );
    },
  };
}

function routeOf(operation: ContractOperation): Route {
  const parts = operation.pathTemplate.split(/\{([^}]+)\}/);
  const literals = parts.filter((_, index) => index % 2 === 0);
  const parameterNames = parts.filter((_, index) => index % 2 === 1);
  const source = literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('([^/]+)');
  // As the service (Express's defaults): any case, and one trailing slash or none.
  return { operation, pattern: new RegExp(`^${source}/?$`, 'i'), literals, parameterNames };
}

function match(
  routes: Route[],
  method: string,
  rawPath: string,
): { route: Route; values: string[] } | { refusal: Refusal } {
  const onPath = routes
    .map((route) => ({ route, values: route.pattern.exec(rawPath)?.slice(1) }))
    .filter((candidate): candidate is { route: Route; values: string[] } => candidate.values !== undefined);
  const methods = new Set(onPath.map(({ route }) => route.operation.method));
  // RFC 9110: HEAD wherever GET is (Node sends no body with the answer to a HEAD).
  const wanted = method === 'HEAD' && !methods.has('HEAD') ? 'GET' : method;
  const found = onPath.find(({ route }) => route.operation.method === wanted);
  if (found) return found;
  if (onPath.length === 0) return { refusal: refuse(404, 'NotFound', 'no such resource') };
  if (methods.has('GET')) methods.add('HEAD');
  return {
    refusal: {
      ...refuse(405, 'MethodNotAllowed', 'the method is not allowed on this resource'),
      headers: { Allow: [...methods].join(', ') },
    },
  };
}

/** The service reads integer parameters from their text: "0x6CF217A8", "1e3", "01", "" are not integers. */
function integerProblem(
  route: Route,
  pathValues: string[],
  query: string | undefined,
  headers: IncomingHttpHeaders,
): Refusal | undefined {
  const search = new URLSearchParams(query ?? '');
  for (const parameter of route.operation.parameters) {
    if (parameter.schema.type !== 'integer') continue;
    let values: unknown[];
    let where: string;
    if (parameter.in === 'path') {
      values = [safeDecode(pathValues[route.parameterNames.indexOf(parameter.name)] ?? '')];
      where = 'params';
    } else if (parameter.in === 'query') {
      values = search.getAll(parameter.name);
      where = 'query';
    } else if (parameter.in === 'header') {
      const value = headers[parameter.name.toLowerCase()];
      values = value === undefined ? [] : [value];
      where = 'headers';
    } else {
      continue;
    }
    if (values.length === 0) continue;
    if (values.length > 1 || typeof values[0] !== 'string' || !base10Integer.test(values[0])) {
      return refuse(
        400,
        'RequestValidationError',
        `request/${where}/${parameter.name} must be an integer written in base 10`,
      );
    }
  }
  return undefined;
}

/**
 * Prism takes a header sent empty for one not sent; the service validates it as sent: a header
 * parameter whose schema needs characters (an `Idempotency-Key`) refused when empty.
 */
function emptyHeaderProblem(route: Route, headers: IncomingHttpHeaders): Refusal | undefined {
  for (const parameter of route.operation.parameters) {
    if (parameter.in !== 'header' || parameter.schema.type !== 'string') continue;
    const minLength = Number(parameter.schema.minLength ?? 0);
    if (minLength > 0 && headers[parameter.name.toLowerCase()] === '') {
      return refuse(
        400,
        'RequestValidationError',
        `request/headers/${parameter.name.toLowerCase()} must NOT have fewer than ${minLength} characters`,
      );
    }
  }
  return undefined;
}

/** A refusal when the body's media type is not JSON in UTF-8 (415), as the service decides it. */
function jsonMediaType(contentType: string | undefined, hasBody: boolean): Refusal | undefined {
  if (contentType === undefined) {
    return hasBody ? unsupportedMediaType('a request body needs Content-Type: application/json') : undefined;
  }
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') {
    return hasBody ? unsupportedMediaType('the request body must be application/json') : undefined;
  }
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && !acceptedCharsets.has(charset.replaceAll('"', ''))) {
    return unsupportedMediaType('the request body must be encoded in UTF-8');
  }
  return undefined;
}

async function readBody(
  request: IncomingMessage,
): Promise<{ body: unknown; length: number } | { refusal: Refusal }> {
  const encoding = (header(request.headers, 'content-encoding') ?? 'identity').toLowerCase();
  const decoder = decoders[encoding];
  if (!decoder && encoding !== 'identity') {
    return {
      refusal: unsupportedMediaType(`the content encoding "${encoding.slice(0, 32)}" is not supported`),
    };
  }
  const source: AsyncIterable<Buffer> = decoder ? request.pipe(decoder()) : request;
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of source) {
      length += chunk.length;
      if (length > bodyLimitBytes) {
        request.unpipe();
        return { refusal: { ...tooLarge, headers: { Connection: 'close' } } };
      }
      chunks.push(chunk);
    }
  } catch {
    // What is left of the body is read and dropped, so that the connection can carry the next request.
    request.unpipe();
    request.resume();
    return { refusal: refuse(400, 'RequestValidationError', `the request body is not valid ${encoding}`) };
  }
  let bytes = Buffer.concat(chunks);
  // RFC 8259 lets a parser ignore a byte order mark, and the service does.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { refusal: unsupportedMediaType('the request body must be application/json in UTF-8') };
  }
  try {
    return { body: JSON.parse(text), length: bytes.length };
  } catch {
    // Prism refuses a body that is not JSON with the documented 400 (and says why).
    return { body: text, length: bytes.length };
  }
}

function isPreflight(request: IncomingMessage): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.origin !== undefined &&
    request.headers['access-control-request-method'] !== undefined
  );
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
