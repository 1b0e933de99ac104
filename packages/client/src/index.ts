// The package's public API. The generated code stays an implementation detail: only its models
// are re-exported, so that a regeneration cannot change what consumers depend on unnoticed.
export type { CallOptions } from './call.js';
export {
  type CredentialsContext,
  type CredentialsProvider,
  createInvitesClient,
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
  type InvitesClient,
  type InvitesClientOptions,
  type SendServerInviteOptions,
} from './client.js';
export type { Clock } from './clock.js';
export {
  ApiError,
  type ApiErrorDetails,
  AuthenticationError,
  AuthorizationError,
  type ErrorDetails,
  IdempotencyKeyInProgressError,
  IdempotencyKeyReusedError,
  InvitesClientError,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  PayloadTooLargeError,
  RequestValidationError,
  ServerError,
  ThrottledError,
  TimeoutError,
  UnsupportedMediaTypeError,
} from './errors.js';
export {
  type Endpoint,
  type EndpointRegistration,
  type ErrorResponse,
  ErrorResponseErrorCodeEnum as ErrorCode,
  Platform,
  type SendServerInviteRequest,
  type ThrottledEntity,
  ThrottledEntityLimitTypeEnum as LimitType,
} from './generated/models/index.js';
export type { InviteIterator, ReceivedInvite } from './invite-iterator.js';
export type { StreamedInvite } from './invite-stream.js';
export {
  createInviteReceiver,
  type InviteReceiver,
  type InviteReceiverOptions,
  type ReceiveInvitesOptions,
  type RegisteredEndpoint,
  type StreamInvitesOptions,
} from './receiver.js';
export { DEFAULT_RETRY_POLICY, type RetryOptions } from './retry.js';
