// The HTTP server around the app: deliberate timeouts, readiness, graceful shutdown.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorResponse } from '@server-invites/types';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { Dependencies } from './composition.ts';
import type { Config } from './config.ts';
import { clientErrorAnswer, connectAnswer } from './http/client-error.ts';
import { trackConnections } from './http/connections.ts';
import { contractValidation } from './http/contract-validation.ts';
import { warmUp } from './http/warm-up.ts';
import { type MetricsServer, startMetricsServer } from './observability/metrics-server.ts';

const SWEEP_INTERVAL_MS = 60_000;
/** The probes, served even on a connection past the cap. */
const PROBES = /^\/(healthz|readyz)(\?|$)/;
/** How often Node checks the headers and request timeouts: they hold to within this much. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 500;

export interface RunningServer {
  server: Server;
  /** `http://host:port`, with the port actually bound (port 0 picks a free one). */
  url: string;
  /** The METRICS_PORT listener's `http://host:port`, when metrics have a port of their own. */
  metricsUrl?: string;
  /**
   * Readiness goes 503, the listener closes, in-flight requests finish; connections still open
   * after the shutdown timeout are cut. Resolves when the server is closed.
   */
  shutdown(): Promise<void>;
}

export async function startServer(config: Readonly<Config>, deps: Dependencies): Promise<RunningServer> {
  const validation = contractValidation(deps.contract, deps.validateResponses);
  // Everything the validator builds lazily is built now, before the instance reports ready.
  await warmUp(validation, deps.contract);
  const app = createApp(deps, validation);
  // Responses not yet sent when draining starts are told to close their connection, so that
  // keep-alive clients reconnect elsewhere instead of holding this instance open.
  const closeAfterResponse = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (deps.lifecycle.state === 'draining') closeAfterResponse(res);
    app(req, res);
  };
  const server = createServer({
    // A client must send its headers within this time (slowloris) and the whole request within
    // requestTimeout; idle keep-alive connections live longer than typical load balancers'
    // 60 s idle timeout, so the balancer, not us, closes them.
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // Node enforces the two timeouts above only when it checks its connections, every 30 s by
    // default: a slow client was cut after up to 30 s whatever was configured.
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    // Node answers an HTTP/1.1 request without Host with an empty 400 of its own; the app refuses
    // it instead (http/protocol.ts), as an ErrorResponse with a request id and a log line.
    requireHostHeader: false,
  });
  const connections = trackConnections(server, {
    cap: deps.capacity.connections,
    refusalHeadroom: deps.capacity.refusalHeadroom,
    maxPipelinedRequests: config.http.maxPipelinedRequests,
    metrics: deps.metrics,
    handle,
    // Past the cap, only the probes are served: a liveness probe refused would get a replica
    // that is merely full restarted, with every device it holds.
    refuse: (req, res) => {
      closeAfterResponse(res);
      if (PROBES.test(req.url ?? '')) app(req, res);
      else {
        deps.metrics.capacityRefused('connections');
        refuseAtCapacity(res, deps.logger, req);
      }
    },
  });
  server.on('request', connections.request);
  deps.metrics.holding('connections', () => connections.open, deps.capacity.connections);
  // Protocol errors Node answers itself (431, 400 for malformed HTTP, 408) get a JSON body.
  server.on('clientError', clientErrorAnswer(deps.logger));
  // An Expect other than 100-continue, which Node would answer with an empty 417 of its own, goes
  // to the app like any request: it refuses it as JSON (http/protocol.ts).
  server.on('checkExpectation', (req, res) => server.emit('request', req, res));
  server.on('connect', connectAnswer(deps.logger));
  server.listen(config.http.port, config.http.host);
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const { exposition } = deps.metrics;
  const metricsServer: MetricsServer | undefined =
    config.metrics.port !== undefined && exposition
      ? await startMetricsServer(exposition, config.metrics.port, config.http.host)
      : undefined;
  deps.lifecycle.markReady();
  // Expired invites and registrations are already invisible to reads; this reclaims their space.
  const sweeper = setInterval(() => {
    deps.store
      .sweep()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'sweeping expired invites failed'));
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= new Promise<void>((resolve) => {
      deps.lifecycle.markDraining();
      clearInterval(sweeper);
      // Waiting devices are answered now with what they have, rather than hold the shutdown for 30 s.
      deps.room.close();
      for (const socket of connections.sockets()) {
        const res = connections.activeResponse(socket);
        if (res) closeAfterResponse(res);
      }
      const forced = setTimeout(() => server.closeAllConnections(), config.http.shutdownTimeoutMs);
      forced.unref();
      server.close(async () => {
        clearTimeout(forced);
        // Scraped until the service has stopped, so the drain shows in the metrics.
        await metricsServer?.close();
        resolve();
      });
      connections.closeIdle();
    });
    return closing;
  };
  return {
    server,
    url: `http://${host}:${port}`,
    ...(metricsServer && { metricsUrl: metricsServer.url }),
    shutdown,
  };
}

/**
 * The answer to a request on a connection accepted past the cap: 503 with Retry-After, and the
 * connection closed (another replica may have room). Written here, before the app, so that a full
 * replica spends nothing more on it; logged like every request, with an id of its own.
 */
function refuseAtCapacity(res: ServerResponse, logger: Logger, req: IncomingMessage): void {
  const id = randomUUID();
  const body: ErrorResponse = {
    errorCode: 'ServiceUnavailable',
    debugMessage: 'this instance holds as many connections as it can; retry shortly',
  };
  const json = JSON.stringify(body);
  res.writeHead(503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Retry-After': '1',
    'X-Request-Id': id,
    Connection: 'close',
  });
  res.end(json);
  logger.info(
    { req: { id, method: req.method, url: req.url }, res: { statusCode: 503 } },
    'request refused: the instance is at its connection capacity',
  );
}
