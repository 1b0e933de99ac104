// The one place that turns any error into a documented response: an ErrorResponse (or, for 429,
// a ThrottledEntity) as JSON, with the status and headers the contract gives it. Never HTML,
// never internals.
import type { ErrorCode, ErrorResponse } from '@server-invites/types';
import type { ErrorRequestHandler } from 'express';
import { ServiceError } from '../errors.ts';
import { nameInput, quoteInput } from './quote-input.ts';
import { rateLimitHeaders } from './rate-limit-headers.ts';
import { isServiceFailure } from './request-log.ts';
import './request-state.ts';

const statusOf: Record<ErrorCode, number> = {
  RequestValidationError: 400,
  AuthorizationError: 400,
  AuthenticationError: 401,
  NotFound: 404,
  MethodNotAllowed: 405,
  RequestTimeout: 408,
  TooManyEndpoints: 409,
  IdempotencyKeyInProgress: 409,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  IdempotencyKeyReused: 422,
  InternalServerError: 500,
  ServiceUnavailable: 503,
};

const MAX_DEBUG_MESSAGE = 1024;

interface Reply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface ErrorHandlerOptions {
  /** Plain-language descriptions of the contract's patterns, used instead of echoing a regex. */
  patternDescriptions: ReadonlyMap<string, string>;
}

export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  return (thrown, _req, res, _next) => {
    const reply = toReply(thrown, options);
    // The request's log line carries the failure, so a 5xx is logged once, with its request id
    // and stack, and never sent to the caller.
    if (isServiceFailure(reply.status))
      res.locals.failure = thrown instanceof Error ? thrown : new Error(String(thrown));
    if (res.headersSent) {
      // Too late for a response of our own: end the exchange rather than send a corrupt one.
      res.destroy();
      return;
    }
    res.status(reply.status).set(reply.headers).json(reply.body);
  };
}

function errorReply(code: ErrorCode, message: string, headers: Record<string, string> = {}): Reply {
  const debugMessage =
    message.length > MAX_DEBUG_MESSAGE ? `${message.slice(0, MAX_DEBUG_MESSAGE - 1)}…` : message;
  const body: ErrorResponse = { errorCode: code, debugMessage };
  return { status: statusOf[code], body, headers };
}

const unexpected = 'an unexpected error occurred; quote the X-Request-Id header when reporting it';

function toReply(error: unknown, options: ErrorHandlerOptions): Reply {
  if (error instanceof ServiceError) return serviceErrorReply(error);
  if (isBodyParserError(error)) return bodyParserReply(error);
  if (isValidatorError(error)) return validatorReply(error, options);
  if (isHttpError(error)) return httpErrorReply(error);
  return errorReply('InternalServerError', unexpected);
}

function serviceErrorReply(error: ServiceError): Reply {
  if (error.code !== 'Throttled') {
    if (error.retryAfterSeconds !== undefined) {
      return errorReply(error.code, error.message, { 'Retry-After': String(error.retryAfterSeconds) });
    }
    const reply = errorReply(
      error.code,
      error.message,
      error.code === 'AuthenticationError' ? wwwAuthenticate : {},
    );
    return error.httpStatus === undefined ? reply : { ...reply, status: error.httpStatus };
  }
  const throttle = error.throttle;
  if (!throttle) return errorReply('InternalServerError', 'throttled without details');
  return {
    status: 429,
    body: throttle.entity,
    headers: { 'Retry-After': String(throttle.retryAfterSeconds), ...rateLimitHeaders(throttle.windows) },
  };
}

const wwwAuthenticate = { 'WWW-Authenticate': 'XBL3.0 error="invalid_token"' };

interface BodyParserError {
  type: string;
  status: number;
  limit?: number;
  /** The raw body, on parse failures. */
  body?: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const type: unknown = isHttpError(error) ? (error as { type?: unknown }).type : undefined;
  return typeof type === 'string' && type.includes('.');
}

function bodyParserReply(error: BodyParserError): Reply {
  switch (error.type) {
    case 'entity.too.large':
      return errorReply('PayloadTooLarge', `the request body exceeds ${error.limit ?? 'the limit of'} bytes`);
    case 'entity.parse.failed': {
      // Strict parsing refuses JSON that is not an object or array, with the same error type.
      const first = error.body?.trimStart()[0];
      return errorReply(
        'RequestValidationError',
        first === '{' || first === '['
          ? 'the request body is not valid JSON'
          : 'the request body must be a JSON object',
      );
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return errorReply('UnsupportedMediaType', 'the request body must be application/json in UTF-8');
    case 'request.aborted':
    case 'request.size.invalid':
      return errorReply('RequestValidationError', 'the request body ended before its declared length');
    default:
      return errorReply('RequestValidationError', 'the request body could not be read');
  }
}

interface ValidatorError {
  status: number;
  message: string;
  errors: { path: string; message: string; errorCode?: string }[];
  headers?: Record<string, string>;
}

function isValidatorError(error: unknown): error is ValidatorError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}

function validatorReply(error: ValidatorError, options: ErrorHandlerOptions): Reply {
  if (error.status === 400) return errorReply('RequestValidationError', describeViolations(error, options));
  // Response validation failures are 500s: the server broke its own contract.
  return httpErrorReply(error);
}

interface HttpError {
  status: number;
  headers?: Record<string, string>;
}

function isHttpError(error: unknown): error is HttpError {
  return (
    typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number'
  );
}

/** Errors from Express's own middleware (static files, routing) and the validator, by status. */
function httpErrorReply(error: HttpError): Reply {
  switch (error.status) {
    case 400:
      return errorReply('RequestValidationError', 'the request is invalid');
    case 401:
      return errorReply('AuthenticationError', 'a valid credential is required', wwwAuthenticate);
    case 404:
      return errorReply('NotFound', 'no such resource');
    case 405: {
      const allow = withHead(error.headers?.Allow ?? error.headers?.allow);
      return errorReply(
        'MethodNotAllowed',
        'the method is not allowed on this resource',
        allow ? { Allow: allow } : {},
      );
    }
    case 413:
      return errorReply('PayloadTooLarge', 'the request body is too large');
    case 415:
      return errorReply('UnsupportedMediaType', 'the request body must be application/json');
    default:
      return errorReply('InternalServerError', unexpected);
  }
}

/** The validator lists the contract's methods; HEAD is answered wherever GET is (contract-validation.ts). */
function withHead(allow: string | undefined): string | undefined {
  return allow !== undefined && /\bGET\b/.test(allow) && !/\bHEAD\b/.test(allow) ? `${allow}, HEAD` : allow;
}

function describeViolations(error: ValidatorError, options: ErrorHandlerOptions): string {
  if (error.errors.length === 0) return quoteNames(error.message);
  return error.errors
    .map((violation) => {
      if (violation.path === '/body' && violation.message.includes("required property 'body'")) {
        return 'the request body is required';
      }
      const where = `request/${violation.path
        .replace(/^\.?\//, '')
        .split('/')
        .map(nameInput)
        .join('/')}`;
      const pattern = /must match pattern "(.*)"$/.exec(violation.message)?.[1];
      if (pattern !== undefined) {
        const description = options.patternDescriptions.get(pattern);
        return `${where} must be ${description ?? 'in the format the contract documents'}`;
      }
      return `${where} ${quoteNames(violation.message)}`;
    })
    .join('; ');
}

/**
 * A name the caller chose (an unknown property or parameter), as the validator's message quotes
 * it, quoted short and escaped instead. Its messages quote at most one name.
 */
function quoteNames(message: string): string {
  return message.replace(/'(.*)'/s, (quoted, name: string) =>
    nameInput(name) === name ? quoted : quoteInput(name),
  );
}
