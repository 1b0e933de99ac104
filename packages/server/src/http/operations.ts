// Operation handlers keyed by the contract's operationIds. The mapped type makes an operation
// added to the spec fail type-checking until it has a handler; the types come from the spec.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { OperationId, operations, PathParams, QueryParams, RequestBody } from '@server-invites/types';
import type { Credential } from '../credentials/claims.ts';
import type { Departure } from '../invites/waiting-room.ts';

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

/**
 * The success of an operation whose answer is a stream of events written over time (Server-Sent
 * Events), not a body: its head is written, then `start` takes over the response.
 */
export interface StreamResult {
  status: 200;
  contentType: string;
  start(res: ServerResponse): void;
}

/** The operations that answer success with a stream. */
type Streamed = 'receiveInviteStream';

export interface OperationRequest<Op extends OperationId> {
  params: PathParams<Op>;
  query: QueryParams<Op>;
  body: RequestBody<Op>;
  /** The request's headers (names in lower case), those the contract declares validated. */
  headers: IncomingHttpHeaders;
  /** The verified caller, for operations the contract secures. */
  credential: Credential | undefined;
  requestId: string;
  /** Tells a waiting request that its client went away. */
  readonly departure: Departure;
}

export type OperationHandlers = {
  [Op in OperationId]: (
    request: OperationRequest<Op>,
  ) => Promise<Op extends Streamed ? StreamResult : OperationResult<Op>>;
};
