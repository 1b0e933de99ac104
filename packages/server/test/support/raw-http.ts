// A request written byte for byte on a raw connection, for what fetch cannot send (malformed HTTP,
// missing Host, bytes after the request), and the one response read back.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Milliseconds from the first byte sent to the connection's end. */
  elapsedMs: number;
}

/**
 * Writes `chunks` on a raw connection (each `undefined` leaves the connection open there) and
 * reads what the server writes until it closes the connection, or `limitMs` passes (a failure).
 */
export async function raw(url: string, chunks: string[], limitMs = 5000): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const started = performance.now();
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {});
  for (const chunk of chunks) socket.write(chunk);
  const closed = once(socket, 'close');
  const limit = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms: ${received}`)), limitMs);
    closed.finally(() => clearTimeout(timer));
  });
  await Promise.race([closed, limit]);
  const elapsedMs = performance.now() - started;
  socket.destroy();
  const [head = '', body = ''] = received.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body ? JSON.parse(body) : undefined,
    elapsedMs,
  };
}
