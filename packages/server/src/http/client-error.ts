// Node's own answers to requests it cannot hand to the app (headers too large, malformed HTTP,
// a request not received in time) would go out with empty bodies. This `clientError` listener
// writes them as the contract's ErrorResponse, with the status Node would have used, and, like
// every response, an X-Request-Id that the request's one log line carries too.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ErrorCode, ErrorResponse } from '@server-invites/types';
import type { Logger } from 'pino';

interface ClientError extends Error {
  code?: string;
}

const replies: Record<string, { status: number; reason: string; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'RequestValidationError',
    message: 'the request headers are too large',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'RequestTimeout',
    message: 'the request was not received in time',
  },
};

const malformed = {
  status: 400,
  reason: 'Bad Request',
  code: 'RequestValidationError',
  message: 'the request is not valid HTTP/1.1',
} as const;

/** Set on a socket while the app writes a response on it (see server.ts). */
export const responding: unique symbol = Symbol('responding');
type TrackedSocket = Socket & { [responding]?: { headersSent: boolean } };

export function clientErrorAnswer(logger: Logger): (error: ClientError, socket: TrackedSocket) => void {
  return (error, socket) => {
    // Nothing can be answered on a connection that is gone or already carries a response.
    if (error.code === 'ECONNRESET' || !socket.writable || socket[responding]?.headersSent) {
      socket.destroy();
      return;
    }
    const reply = replies[error.code ?? ''] ?? malformed;
    const body: ErrorResponse = { errorCode: reply.code, debugMessage: reply.message };
    const json = JSON.stringify(body);
    // The request was never read far enough to have an id of the caller's: the service makes one.
    const id = randomUUID();
    socket.end(
      `HTTP/1.1 ${reply.status} ${reply.reason}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        `X-Request-Id: ${id}\r\n` +
        'Connection: close\r\n\r\n' +
        json,
    );
    logger.info(
      { req: { id }, res: { statusCode: reply.status }, code: error.code },
      'request refused by HTTP parser',
    );
  };
}
