import { describe, expect, it } from 'vitest';
import { errorFromResponse } from '../src/error-response.js';
import {
  ApiError,
  AuthenticationError,
  AuthorizationError,
  InvitesClientError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RequestValidationError,
  ServerError,
  ThrottledError,
  UnsupportedMediaTypeError,
} from '../src/errors.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const REQUEST_ID = '3f2b8c1e-5d0a-4c47-9a53-0f5e2d7b9c11';

function response(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': REQUEST_ID, ...headers },
  });
}

const errorBody = (errorCode: string, debugMessage = `${errorCode} happened`) => ({
  errorCode,
  debugMessage,
});
const rate = {
  version: 1,
  currentRequests: 8,
  maxRequests: 7,
  periodInSeconds: 15,
  limitType: 'Rate',
  debugMessage: 'at most 7 invites per 15 seconds for this sender and title',
};

describe('errorFromResponse, given a body the contract documents', () => {
  it.each([
    { status: 400, errorCode: 'RequestValidationError', type: RequestValidationError },
    { status: 400, errorCode: 'AuthorizationError', type: AuthorizationError },
    { status: 401, errorCode: 'AuthenticationError', type: AuthenticationError },
    { status: 404, errorCode: 'NotFound', type: NotFoundError },
    { status: 405, errorCode: 'MethodNotAllowed', type: MethodNotAllowedError },
    { status: 413, errorCode: 'PayloadTooLarge', type: PayloadTooLargeError },
    { status: 415, errorCode: 'UnsupportedMediaType', type: UnsupportedMediaTypeError },
    { status: 500, errorCode: 'InternalServerError', type: ServerError },
    { status: 503, errorCode: 'ServiceUnavailable', type: ServerError },
  ])(
    'maps a $status $errorCode to $type.name, with the status, code, message and request id',
    async ({ status, errorCode, type }) => {
      const debugMessage = `${errorCode} happened`;

      const error = await errorFromResponse(response(status, { errorCode, debugMessage }), NOW);

      expect(error).toBeInstanceOf(type);
      expect(error).toBeInstanceOf(InvitesClientError);
      expect(error).toMatchObject({
        status,
        errorCode,
        debugMessage,
        requestId: REQUEST_ID,
        name: type.name,
      });
      expect(error.message).toBe(`${errorCode}: ${debugMessage} (HTTP ${status}, request id ${REQUEST_ID})`);
    },
  );

  it('maps a 429 to a ThrottledError with the Retry-After wait and the parsed ThrottledEntity', async () => {
    const error = await errorFromResponse(response(429, rate, { 'Retry-After': '12' }), NOW);

    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({
      status: 429,
      errorCode: 'Throttled',
      debugMessage: rate.debugMessage,
      requestId: REQUEST_ID,
      retryAfterMs: 12_000,
      throttledEntity: rate,
    });
  });

  it('reads a 429 Retry-After given as an HTTP date relative to the clock', async () => {
    const error = await errorFromResponse(
      response(429, rate, { 'Retry-After': 'Thu, 01 Jan 2026 12:00:07 GMT' }),
      NOW,
    );

    expect(error).toMatchObject({ retryAfterMs: 7_000 });
  });

  it('accepts the ThrottledEntity fields as strings, as the source page types them, and returns numbers', async () => {
    const asStrings = {
      ...rate,
      version: '1',
      currentRequests: '13',
      maxRequests: '10',
      periodInSeconds: '120',
    };

    const error = await errorFromResponse(response(429, asStrings, { 'Retry-After': '1' }), NOW);

    expect(error).toMatchObject({
      throttledEntity: {
        version: 1,
        currentRequests: 13,
        maxRequests: 10,
        periodInSeconds: 120,
        limitType: 'Rate',
      },
    });
  });

  it('describes a throttle whose entity has no debugMessage from its numbers', async () => {
    const { debugMessage: _, ...concurrency } = {
      ...rate,
      limitType: 'Concurrency',
      currentRequests: 65,
      maxRequests: 64,
    };

    const error = await errorFromResponse(response(429, concurrency), NOW);

    expect(error).toMatchObject({
      debugMessage: 'Concurrency limit: 65 of 64 requests per 15 s',
      retryAfterMs: undefined,
    });
  });

  it('maps a 401 with its WWW-Authenticate challenge', async () => {
    const error = await errorFromResponse(
      response(401, errorBody('AuthenticationError'), { 'WWW-Authenticate': 'XBL3.0 error="invalid_token"' }),
      NOW,
    );

    expect(error).toMatchObject({ wwwAuthenticate: 'XBL3.0 error="invalid_token"' });
  });

  it('maps a 503 with the Retry-After it may carry', async () => {
    const error = await errorFromResponse(
      response(503, errorBody('ServiceUnavailable'), { 'Retry-After': '5' }),
      NOW,
    );

    expect(error).toMatchObject({ retryAfterMs: 5_000 });
  });
});

describe('errorFromResponse, given a body the contract does not document', () => {
  it.each<[string, Response, typeof ApiError, Record<string, unknown>]>([
    [
      'a 400 with an older vendor code',
      response(400, errorBody('InvalidRequest', 'bad')),
      RequestValidationError,
      { errorCode: 'InvalidRequest', debugMessage: 'bad' },
    ],
    [
      'a 400 with an empty body',
      response(400, ''),
      RequestValidationError,
      { errorCode: 'RequestValidationError', debugMessage: 'HTTP 400 without an error body' },
    ],
    [
      "a 502 with a proxy's HTML page",
      new Response('<html>\n  <body>Bad   Gateway</body>\n</html>', {
        status: 502,
        headers: { 'Content-Type': 'text/html' },
      }),
      ServerError,
      {
        errorCode: 'UnexpectedResponse',
        debugMessage: 'HTTP 502 with an unexpected body: <html> <body>Bad Gateway</body> </html>',
        requestId: undefined,
      },
    ],
    [
      'a 500 with truncated JSON',
      response(500, '{"errorCode":"Intern'),
      ServerError,
      {
        errorCode: 'InternalServerError',
        debugMessage: 'HTTP 500 with an unexpected body: {"errorCode":"Intern',
      },
    ],
    [
      'a 429 with a body that is no ThrottledEntity',
      response(429, { version: 1, limitType: 'Sometimes' }, { 'Retry-After': '3' }),
      ThrottledError,
      { errorCode: 'Throttled', throttledEntity: undefined, retryAfterMs: 3_000 },
    ],
    [
      'a 401 with JSON null',
      response(401, 'null'),
      AuthenticationError,
      { errorCode: 'AuthenticationError', debugMessage: 'HTTP 401 with an unexpected body: null' },
    ],
    [
      'a 404 with a JSON array',
      response(404, [1, 2]),
      NotFoundError,
      { errorCode: 'NotFound', debugMessage: 'HTTP 404 with an unexpected body: [1,2]' },
    ],
    [
      'a 403 the contract never answers',
      response(403, errorBody('Forbidden', 'no')),
      ApiError,
      { status: 403, errorCode: 'Forbidden', debugMessage: 'no' },
    ],
    [
      'a 418 without a body',
      new Response(null, { status: 418 }),
      ApiError,
      { status: 418, errorCode: 'UnexpectedResponse', debugMessage: 'HTTP 418 without an error body' },
    ],
    [
      'error fields of the wrong types',
      response(400, { errorCode: 42, debugMessage: ['x'] }),
      RequestValidationError,
      { errorCode: 'RequestValidationError', debugMessage: expect.stringContaining('"errorCode":42') },
    ],
  ])('still returns a typed error for %s', async (_, given, type, fields) => {
    const error = await errorFromResponse(given, NOW);

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject(fields);
    expect(error).not.toHaveProperty('response');
  });

  it('still returns a typed error when the body breaks off mid-read', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new TypeError('terminated'));
      },
    });

    const error = await errorFromResponse(new Response(body, { status: 503 }), NOW);

    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({
      errorCode: 'ServiceUnavailable',
      debugMessage: 'HTTP 503 without an error body',
    });
  });

  it('cuts a long unexpected body to 200 characters in the debugMessage', async () => {
    const error = await errorFromResponse(response(500, 'x'.repeat(10_000)), NOW);

    expect(error.debugMessage).toBe(`HTTP 500 with an unexpected body: ${'x'.repeat(200)}`);
  });
});
