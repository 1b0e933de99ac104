// The service's one error type. Domain code throws it with a contract error code; the HTTP error
// handler (http/error-handler.ts) is the one place that turns it into a response.
import type { ErrorCode, ThrottledEntity } from '@server-invites/types';
import type { WindowState } from './throttling/rate-limiter.ts';

/** What a throttled caller is told: the contract's ThrottledEntity, when to come back, the quotas. */
export interface ThrottleDetails {
  entity: ThrottledEntity;
  retryAfterSeconds: number;
  /** The rate windows' state, for the RateLimit headers; empty for the concurrency limit. */
  windows: readonly WindowState[];
}

export type ServiceErrorCode = ErrorCode | 'Throttled';

export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly code: ServiceErrorCode;
  readonly throttle: ThrottleDetails | undefined;
  /** For ServiceUnavailable: when the caller may retry (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  /**
   * The HTTP status, where it is not the code's own: a refusal HTTP itself defines (417 for an
   * unmet expectation, 501 for a transfer coding not read) keeps the contract's code. Not named
   * `status`: the body parser sets `status` (403) on any error its `verify` throws.
   */
  readonly httpStatus: number | undefined;

  constructor(
    code: ServiceErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      throttle?: ThrottleDetails;
      retryAfterSeconds?: number;
      httpStatus?: number;
    },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.throttle = options?.throttle;
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.httpStatus = options?.httpStatus;
  }

  static validation(message: string): ServiceError {
    return new ServiceError('RequestValidationError', message);
  }

  static authentication(message: string): ServiceError {
    return new ServiceError('AuthenticationError', message);
  }

  static authorization(message: string): ServiceError {
    return new ServiceError('AuthorizationError', message);
  }

  static throttled(details: ThrottleDetails): ServiceError {
    return new ServiceError('Throttled', details.entity.debugMessage ?? 'too many requests', {
      throttle: details,
    });
  }
}
