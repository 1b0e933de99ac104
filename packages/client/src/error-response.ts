import {
  ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  AuthorizationError,
  IdempotencyKeyInProgressError,
  IdempotencyKeyReusedError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RequestValidationError,
  ServerError,
  ThrottledError,
  UnsupportedMediaTypeError,
} from './errors.js';
import { type ThrottledEntity, ThrottledEntityLimitTypeEnum } from './generated/models/index.js';
import { parseRetryAfter } from './retry-after.js';

// The code the contract gives each status, for bodies that do not say (a proxy's HTML page, an
// empty body). A 400 without a code is far more likely a validation failure than an
// authorization one, which the server always names.
const CONTRACT_CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'RequestValidationError',
  401: 'AuthenticationError',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'IdempotencyKeyInProgress',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'IdempotencyKeyReused',
  429: 'Throttled',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};
const UNKNOWN_CODE = 'UnexpectedResponse';
const SNIPPET_LENGTH = 200;

/**
 * Turns an error response into the matching typed error, whatever its body holds: the raw
 * Response stops here, and an unreadable or unexpected body becomes a readable debugMessage.
 */
export async function errorFromResponse(response: Response, nowMs: number): Promise<ApiError> {
  const text = await readText(response);
  const body = parseJson(text);
  const { status, headers } = response;
  const common = {
    status,
    requestId: headers.get('X-Request-Id') ?? undefined,
    errorCode: stringField(body, 'errorCode') ?? CONTRACT_CODE_BY_STATUS[status] ?? UNKNOWN_CODE,
    debugMessage: stringField(body, 'debugMessage') ?? describeBody(status, text),
  } satisfies ApiErrorDetails;
  const retryAfterMs = parseRetryAfter(headers.get('Retry-After'), nowMs);

  switch (status) {
    case 400:
      return common.errorCode === 'AuthorizationError'
        ? new AuthorizationError(common)
        : new RequestValidationError(common);
    case 401:
      return new AuthenticationError({
        ...common,
        wwwAuthenticate: headers.get('WWW-Authenticate') ?? undefined,
      });
    case 404:
      return new NotFoundError(common);
    case 405:
      return new MethodNotAllowedError(common);
    case 409:
      return new IdempotencyKeyInProgressError({ ...common, retryAfterMs });
    case 413:
      return new PayloadTooLargeError(common);
    case 415:
      return new UnsupportedMediaTypeError(common);
    case 422:
      return new IdempotencyKeyReusedError(common);
    case 429: {
      const throttledEntity = parseThrottledEntity(body);
      return new ThrottledError({
        ...common,
        debugMessage: throttledEntity ? describeThrottle(throttledEntity) : common.debugMessage,
        retryAfterMs,
        throttledEntity,
      });
    }
  }
  if (status >= 500 && status <= 599) return new ServerError({ ...common, retryAfterMs });
  return new ApiError(common);
}

/**
 * A success status whose body is not what the contract promises (a proxy's page, truncated
 * JSON): an `ApiError` with the code `UnexpectedResponse` rather than a raw parse error.
 */
export function errorFromUnexpectedBody(response: Response, text: string): ApiError {
  return new ApiError({
    status: response.status,
    requestId: response.headers.get('X-Request-Id') ?? undefined,
    errorCode: UNKNOWN_CODE,
    debugMessage:
      text === ''
        ? `HTTP ${response.status} without a body, which the contract does not document here`
        : describeBody(response.status, text),
  });
}

async function readText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    // The connection broke mid-body; the status alone still classifies the error.
    return '';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(body: unknown, name: string): string | undefined {
  if (!isRecord(body)) return undefined;
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function describeBody(status: number, text: string): string {
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
  return snippet === ''
    ? `HTTP ${status} without an error body`
    : `HTTP ${status} with an unexpected body: ${snippet}`;
}

function describeThrottle(entity: ThrottledEntity): string {
  return (
    entity.debugMessage ??
    `${entity.limitType} limit: ${entity.currentRequests} of ${entity.maxRequests} requests per ${entity.periodInSeconds} s`
  );
}

// The source page types every field as a string while the service sends numbers, so numeric
// strings are accepted too: both forms reach callers as numbers.
function integerField(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

const LIMIT_TYPES: readonly unknown[] = Object.values(ThrottledEntityLimitTypeEnum);

function parseThrottledEntity(body: unknown): ThrottledEntity | undefined {
  if (!isRecord(body)) return undefined;
  const version = integerField(body, 'version');
  const currentRequests = integerField(body, 'currentRequests');
  const maxRequests = integerField(body, 'maxRequests');
  const periodInSeconds = integerField(body, 'periodInSeconds');
  const limitType = body.limitType;
  if (
    version === undefined ||
    currentRequests === undefined ||
    maxRequests === undefined ||
    periodInSeconds === undefined ||
    !LIMIT_TYPES.includes(limitType)
  ) {
    return undefined;
  }
  const debugMessage = stringField(body, 'debugMessage');
  return {
    version,
    currentRequests,
    maxRequests,
    periodInSeconds,
    limitType: limitType as ThrottledEntity['limitType'],
    ...(debugMessage === undefined ? {} : { debugMessage }),
  };
}
