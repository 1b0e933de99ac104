// The contract's types, generated into openapi.gen.ts from spec/openapi.yaml (`pnpm generate`).
// This file only names things; it never redefines what the spec says.
import type { components, operations } from './openapi.gen.ts';

export type {
  components,
  ErrorResponse,
  operations,
  Platform,
  paths,
  SendServerInviteRequest,
  ThrottledEntity,
  Xuid,
} from './openapi.gen.ts';
export {
  errorResponseErrorCodeValues as errorCodes,
  platformValues as platforms,
  throttledEntityLimitTypeValues as limitTypes,
} from './openapi.gen.ts';

export type ErrorCode = components['schemas']['ErrorResponse']['errorCode'];
export type LimitType = components['schemas']['ThrottledEntity']['limitType'];

/** Every operationId the contract declares. */
export type OperationId = keyof operations;

/** The JSON request body of an operation (never when it takes none). */
export type RequestBody<Op extends OperationId> = operations[Op] extends {
  requestBody: { content: { 'application/json': infer Body } };
}
  ? Body
  : operations[Op] extends { requestBody?: { content: { 'application/json': infer Body } } }
    ? Body | undefined
    : never;

/** The path parameters of an operation. */
export type PathParams<Op extends OperationId> = operations[Op]['parameters'] extends {
  path: infer Path;
}
  ? Path
  : never;

/** The query parameters of an operation (never when it takes none). */
export type QueryParams<Op extends OperationId> = NonNullable<operations[Op]['parameters']['query']>;

/** The status codes an operation documents. */
export type StatusCode<Op extends OperationId> = keyof operations[Op]['responses'] & number;
