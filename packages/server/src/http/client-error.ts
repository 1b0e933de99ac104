// Node's own answers to requests it cannot hand to the app (headers too large, malformed HTTP,
// a request not received in time) would go out with empty bodies. This `clientError` listener
// writes them as the contract's ErrorResponse, with the status Node would have used, and, like
// every response, an X-Request-Id that the request's one log line carries too. A CONNECT request,
// which Node hands to no request listener at all, is answered the same way (`connectAnswer`).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode, ErrorResponse } from '@server-invites/types';
import type { Logger } from 'pino';

interface ClientError extends Error {
  code?: string;
}

interface RawReply {
  status: number;
  reason: string;
  code: ErrorCode;
  message: string;
}

const replies: Record<string, RawReply> = {
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

const malformed: RawReply = {
  status: 400,
  reason: 'Bad Request',
  code: 'RequestValidationError',
  message: 'the request is not valid HTTP/1.1',
};

/** Set on a socket while the app writes a response on it (see server.ts). */
export const responding: unique symbol = Symbol('responding');
type TrackedSocket = Socket & { [responding]?: ServerResponse | undefined };
/** Connections whose parser failed while a response was in flight: they close after it. */
const closingAfterResponse = new WeakSet<Socket>();

export function clientErrorAnswer(logger: Logger): (error: ClientError, socket: TrackedSocket) => void {
  return (error, socket) => {
    // Nothing can be answered on a connection that is gone.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const inFlight = socket[responding];
    if (inFlight && !inFlight.writableFinished) {
      if (inFlight.req.complete) {
        // The error is in bytes that came after a request the app is answering: bytes after
        // `Connection: close` (or after an HTTP/1.0 request without keep-alive), which RFC 9112
        // section 9.6 says are not read, or a malformed request pipelined behind it. That
        // request's answer is the true one (an invite it sent may already be delivered): it goes
        // out, and the connection closes after it. Answering 400 here instead once told a caller
        // its delivered invite was refused.
        closeAfter(inFlight, socket, error, logger);
        return;
      }
      // The request being answered is itself broken or late (its body): answered below, unless
      // its response has begun, which nothing can follow.
      if (inFlight.headersSent) {
        socket.destroy();
        return;
      }
    }
    const reply = replies[error.code ?? ''] ?? malformed;
    const id = writeRawAnswer(socket, reply);
    logger.info(
      { req: { id }, res: { statusCode: reply.status }, code: error.code },
      'request refused by HTTP parser',
    );
  };
}

function closeAfter(response: ServerResponse, socket: Socket, error: ClientError, logger: Logger): void {
  // Node's parser reports its error again for every later chunk: the close is arranged once.
  if (closingAfterResponse.has(socket)) return;
  closingAfterResponse.add(socket);
  if (!response.headersSent) response.setHeader('Connection', 'close');
  response.once('finish', () => socket.end());
  logger.info(
    { req: { id: response.getHeader('X-Request-Id') }, code: error.code },
    'bytes after the request are not read; the connection closes after its response',
  );
}

const connectRefused: RawReply = {
  status: 501,
  reason: 'Not Implemented',
  code: 'RequestValidationError',
  message: 'CONNECT is not supported: this service is not a proxy',
};

/**
 * Node hands a CONNECT request (a tunnel through a proxy, RFC 9110 section 9.3.6) to `connect`
 * listeners only, and closes the connection without a word when there are none. This service is no
 * proxy: 501, as for a method it implements for no resource, with the request's log line.
 */
export function connectAnswer(logger: Logger): (req: IncomingMessage, socket: Socket) => void {
  return (req, socket) => {
    const id = writeRawAnswer(socket, connectRefused);
    logger.info(
      { req: { id, method: req.method, url: req.url }, res: { statusCode: connectRefused.status } },
      'request completed',
    );
  };
}

/** Writes the reply as an ErrorResponse and ends the connection; returns the request id it made. */
function writeRawAnswer(socket: Socket, reply: RawReply): string {
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
  return id;
}
