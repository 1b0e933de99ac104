// The listener of METRICS_PORT: GET /metrics and nothing else, so that production can keep the
// metrics off the public listener and let only the scraper's network reach this port.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsExposition } from './metrics.ts';

export interface MetricsServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(
  exposition: MetricsExposition,
  port: number,
  host: string,
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: object, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (path !== '/metrics') {
      reply(404, { errorCode: 'NotFound', debugMessage: 'this port serves GET /metrics only' });
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(
        405,
        { errorCode: 'MethodNotAllowed', debugMessage: 'GET /metrics only' },
        { Allow: 'GET, HEAD' },
      );
    } else {
      exposition.text().then(
        (text) => res.writeHead(200, { 'Content-Type': exposition.contentType }).end(text),
        () => reply(500, { errorCode: 'InternalServerError', debugMessage: 'collecting the metrics failed' }),
      );
    }
  });
  // A scraper keeps its connection between scrapes; nothing else should hold one open.
  server.keepAliveTimeout = 65_000;
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
