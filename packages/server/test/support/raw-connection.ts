// One HTTP/1.1 connection the test controls byte for byte: how many connections are open, which
// requests share one, and whether the client reads its answers are what the capacity tests are about,
// and fetch decides all three itself.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: Socket;
  /** Sends these bytes as they are. */
  write(text: string): void;
  /** The next complete response on the connection, in order. */
  response(): Promise<RawResponse>;
  /** Resolves when the server has closed the connection (or it was destroyed). */
  readonly closed: Promise<void>;
  destroy(): void;
}

/** A request for `path` with `headers` (Host is added), without a body. */
export function get(path: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ Host: 'localhost', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

export async function openConnection(
  baseUrl: string,
  options: { read?: boolean } = {},
): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  let buffer = Buffer.alloc(0);
  const parsed: RawResponse[] = [];
  const waiting: ((response: RawResponse) => void)[] = [];
  const parse = () => {
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      buffer = buffer.subarray(end + 4 + length);
      const response = { status: Number(statusLine.split(' ')[1]), headers, body };
      const taker = waiting.shift();
      if (taker) taker(response);
      else parsed.push(response);
    }
  };
  if (options.read === false) socket.pause();
  else
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      parse();
    });
  return {
    socket,
    write: (text) => void socket.write(text),
    response() {
      const ready = parsed.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<RawResponse>((resolve, reject) => {
        waiting.push(resolve);
        void closed.then(() => reject(new Error('the connection closed before the response')));
      });
    },
    closed,
    destroy: () => socket.destroy(),
  };
}
