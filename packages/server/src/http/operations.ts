// Operation handlers keyed by the contract's operationIds. The mapped type makes an operation
// added to the spec fail type-checking until it has a handler; the types come from the spec.

import type { IncomingHttpHeaders } from 'node:http';
import type { OperationId, operations, PathParams, QueryParams, RequestBody } from '@server-invites/types';
import type { Credential } from '../credentials/claims.ts';

type Responses<Op extends OperationId> = operations[Op]['responses'];
type Status<Op extends OperationId> = keyof Responses<Op> & number;
type Content<Response> = Response extends { content: infer Body } ? Body[keyof Body] : undefined;

/**
 * A documented response with its typed body. Errors are thrown as ServiceError instead, so that
 * one place (http/error-handler.ts) writes every ErrorResponse.
 */
export type OperationResult<Op extends OperationId> = {
  [S in Status<Op>]: {
    status: S;
    body: Content<Responses<Op>[S]>;
    /** For non-JSON bodies. */
    contentType?: string;
    headers?: Readonly<Record<string, string>>;
  };
}[Status<Op>];

export interface OperationRequest<Op extends OperationId> {
  params: PathParams<Op>;
  query: QueryParams<Op>;
  body: RequestBody<Op>;
  /** The request's headers (names in lower case), those the contract declares validated. */
  headers: IncomingHttpHeaders;
  /** The verified caller, for operations the contract secures. */
  credential: Credential | undefined;
  requestId: string;
  /** Aborts when the client goes away (for long polls). */
  readonly signal: AbortSignal;
}

export type OperationHandlers = {
  [Op in OperationId]: (request: OperationRequest<Op>) => Promise<OperationResult<Op>>;
};
