// A TCP proxy that counts the writes a client makes to a server: with ioredis auto-pipelining,
// one write is one batch of commands the client sends before it needs an answer, so writes are
// round trips. Used to hold the number of Redis round trips per send to a small constant.
import { once } from 'node:events';
import { createConnection, createServer, type Socket } from 'node:net';

export interface CountingProxy {
  port: number;
  /** Client-to-server writes seen since the start or the last reset. */
  readonly writes: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let writes = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk) => {
      writes += 1;
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    port,
    get writes() {
      return writes;
    },
    reset() {
      writes = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
