import type { ThrottledEntity } from './generated/models/index.js';

/** What every error of this package carries. Fields a failure has no value for are `undefined`. */
export interface ErrorDetails {
  /** The HTTP status of the response; `undefined` when no response arrived. */
  readonly status: number | undefined;
  /** The contract's `errorCode` (e.g. `RequestValidationError`), or one this client names. */
  readonly errorCode: string;
  readonly debugMessage: string;
  /** The response's `X-Request-Id`; without a response, the id the caller sent, if any. */
  readonly requestId: string | undefined;
  readonly cause?: unknown;
}

/** The base of every error the client throws about a call (not about its own configuration). */
export abstract class InvitesClientError extends Error {
  override readonly name: string = 'InvitesClientError';
  readonly status: number | undefined;
  readonly errorCode: string;
  readonly debugMessage: string;
  readonly requestId: string | undefined;

  protected constructor(details: ErrorDetails) {
    super(describe(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.debugMessage = details.debugMessage;
    this.requestId = details.requestId;
  }
}

function describe({ status, errorCode, debugMessage, requestId }: ErrorDetails): string {
  const where = [status === undefined ? undefined : `HTTP ${status}`, requestId && `request id ${requestId}`]
    .filter(Boolean)
    .join(', ');
  return `${errorCode}: ${debugMessage}${where ? ` (${where})` : ''}`;
}

export interface ApiErrorDetails extends ErrorDetails {
  readonly status: number;
}

/**
 * The server answered with an error status. Used as is for statuses the contract does not
 * document; the documented ones have their own subclasses.
 */
export class ApiError extends InvitesClientError {
  override readonly name: string = 'ApiError';
  declare readonly status: number;

  // Public so that applications can build these errors in their own tests.
  constructor(details: ApiErrorDetails) {
    super(details);
  }
}

/** 400 `RequestValidationError`: the request breaks the contract. Never retried. */
export class RequestValidationError extends ApiError {
  override readonly name: string = 'RequestValidationError';
}

/** 400 `AuthorizationError`: the credential is valid but may not act for this title. Never retried. */
export class AuthorizationError extends ApiError {
  override readonly name: string = 'AuthorizationError';
}

/** 401: the credential is missing, malformed, expired or badly signed. */
export class AuthenticationError extends ApiError {
  override readonly name: string = 'AuthenticationError';
  /** The `WWW-Authenticate` challenge, e.g. `XBL3.0 error="invalid_token"`. */
  readonly wwwAuthenticate: string | undefined;

  constructor(details: ApiErrorDetails & { readonly wwwAuthenticate: string | undefined }) {
    super(details);
    this.wwwAuthenticate = details.wwwAuthenticate;
  }
}

/** 404: no such path (usually a wrong `baseUrl`). */
export class NotFoundError extends ApiError {
  override readonly name: string = 'NotFoundError';
}

/** 405: the path exists but not with this method (usually a proxy rewriting requests). */
export class MethodNotAllowedError extends ApiError {
  override readonly name: string = 'MethodNotAllowedError';
}

/** 413: the body is larger than the server accepts. */
export class PayloadTooLargeError extends ApiError {
  override readonly name: string = 'PayloadTooLargeError';
}

/** 415: the body was not sent as JSON. */
export class UnsupportedMediaTypeError extends ApiError {
  override readonly name: string = 'UnsupportedMediaTypeError';
}

/**
 * 409 `IdempotencyKeyInProgress`: an earlier attempt of this send (same `Idempotency-Key`) is
 * still being answered. Retried after `Retry-After`: the retry then gets that attempt's answer.
 */
export class IdempotencyKeyInProgressError extends ApiError {
  override readonly name: string = 'IdempotencyKeyInProgressError';
  /** How long the server asked to wait (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(details: ApiErrorDetails & { readonly retryAfterMs: number | undefined }) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * 422 `IdempotencyKeyReused`: the `Idempotency-Key` was used for a send with another body. Never
 * retried: a new send needs a new key (the client makes one per call unless given one).
 */
export class IdempotencyKeyReusedError extends ApiError {
  override readonly name: string = 'IdempotencyKeyReusedError';
}

/** 429: throttled. Thrown once retries are exhausted, or when the wait asked for is too long. */
export class ThrottledError extends ApiError {
  override readonly name: string = 'ThrottledError';
  /** How long the server asked to wait (`Retry-After`), in ms; `undefined` if it did not say. */
  readonly retryAfterMs: number | undefined;
  /** The response body; `undefined` when it was not a readable `ThrottledEntity`. */
  readonly throttledEntity: ThrottledEntity | undefined;

  constructor(
    details: ApiErrorDetails & {
      readonly retryAfterMs: number | undefined;
      readonly throttledEntity: ThrottledEntity | undefined;
    },
  ) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
    this.throttledEntity = details.throttledEntity;
  }
}

/**
 * 5xx. Retried: a send carries an `Idempotency-Key`, so a retry never invites twice, and the
 * receiver's operations are idempotent.
 */
export class ServerError extends ApiError {
  override readonly name: string = 'ServerError';
  /** How long the server asked to wait (`Retry-After`, sent with some 503s), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(details: ApiErrorDetails & { readonly retryAfterMs: number | undefined }) {
    super(details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** No response arrived: the connection failed or broke. */
export class NetworkError extends InvitesClientError {
  override readonly name: string = 'NetworkError';
  /**
   * `false` only when the failure proves the request never left (connection refused, name not
   * resolved). Otherwise the server may have acted on it (for a send: the invite may have been
   * sent, which its `Idempotency-Key` makes safe to retry).
   */
  readonly mayHaveReachedServer: boolean;
  /** The system error code when the platform gives one (Node does: `ECONNREFUSED`, ...). */
  readonly code: string | undefined;

  constructor(details: {
    readonly mayHaveReachedServer: boolean;
    readonly code: string | undefined;
    readonly requestId: string | undefined;
    readonly cause: unknown;
  }) {
    super({
      status: undefined,
      errorCode: 'NetworkError',
      debugMessage: `the request failed before a response arrived${details.code ? ` (${details.code})` : ''}`,
      requestId: details.requestId,
      cause: details.cause,
    });
    this.mayHaveReachedServer = details.mayHaveReachedServer;
    this.code = details.code;
  }
}

/** The call's `timeoutMs` elapsed, across all its attempts and waits. */
export class TimeoutError extends InvitesClientError {
  override readonly name: string = 'TimeoutError';
  readonly timeoutMs: number;

  /** `cause` is the last failed attempt's error, when the deadline struck during a retry. */
  constructor(details: {
    readonly timeoutMs: number;
    readonly requestId: string | undefined;
    readonly cause?: unknown;
  }) {
    super({
      status: undefined,
      errorCode: 'Timeout',
      debugMessage: `no successful response within ${details.timeoutMs} ms`,
      requestId: details.requestId,
      cause: details.cause,
    });
    this.timeoutMs = details.timeoutMs;
  }
}
