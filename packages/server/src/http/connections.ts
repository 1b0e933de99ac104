// The connections of one replica, held within its cap, and the requests on each, one at a time.
//
// - At the cap (capacity.ts: below the process's open-file limit and within its heap), a new
//   connection is served by closing the connection idle the longest, as nginx reuses its idle
//   keep-alive connections; when none is idle, the new connection's request is answered 503
//   ServiceUnavailable with Retry-After, and the connection closed. Past the cap by more than a
//   small headroom, Node drops new connections itself (`server.maxConnections`), before any file
//   runs out.
// - A connection's requests are handled one after the other: a request pipelined behind another
//   waits for its answer (Node writes answers in order anyway). A client that pipelines more than
//   `maxPipelinedRequests` without reading the answers has its connection closed: its requests
//   cost memory while it reads nothing. The unanswered ones were never handled, and RFC 9112
//   (9.3.2) tells clients to send them again.
//
// Per connection this keeps one small state object (on the socket) and, while idle, one entry in
// an insertion-ordered Set: the first entry is the connection idle the longest.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Metrics } from '../observability/metrics.ts';
import { responding } from './client-error.ts';

type Handle = (req: IncomingMessage, res: ServerResponse) => void;
/** Answers a request on a connection accepted past the cap (503, then the connection closes). */
type Refuse = (req: IncomingMessage, res: ServerResponse) => void;

const state: unique symbol = Symbol('connection state');

interface ConnectionState {
  /** The request being handled, until its response closes. */
  active: ServerResponse | undefined;
  /** Requests pipelined behind it, not handled yet. */
  queued: [IncomingMessage, ServerResponse][] | undefined;
  /** Accepted past the cap with nothing idle to close: its request is refused. */
  refused: boolean;
}

type TrackedSocket = Socket & {
  [state]: ConnectionState;
  [responding]?: ServerResponse | undefined;
};

export interface ConnectionsOptions {
  cap: number;
  /** Connections accepted past the cap, each to be answered 503, before Node drops new ones. */
  refusalHeadroom: number;
  maxPipelinedRequests: number;
  metrics: Metrics;
  handle: Handle;
  refuse: Refuse;
}

export interface Connections {
  readonly open: number;
  /** The server's request listener. */
  request(req: IncomingMessage, res: ServerResponse): void;
  /** Every open connection's socket (for the drain). */
  sockets(): Iterable<Socket>;
  /** The response being written on a connection, if any. */
  activeResponse(socket: Socket): ServerResponse | undefined;
  /**
   * Closes every connection with no request in progress, those that never sent one included
   * (Node's closeIdleConnections leaves these to their headers timeout): the replica is draining.
   */
  closeIdle(): void;
}

export function trackConnections(server: Server, options: ConnectionsOptions): Connections {
  const { cap, refusalHeadroom, maxPipelinedRequests, metrics, handle, refuse } = options;
  const all = new Set<TrackedSocket>();
  /** Idle connections, the one idle the longest first. */
  const idle = new Set<TrackedSocket>();
  server.maxConnections = cap + refusalHeadroom;
  server.on('drop', () => metrics.capacityRefused('connections'));

  function onSocketClose(this: TrackedSocket) {
    all.delete(this);
    idle.delete(this);
  }

  server.on('connection', (socket: TrackedSocket) => {
    let refused = false;
    if (all.size >= cap) {
      const longestIdle = idle.values().next().value;
      if (longestIdle) {
        idle.delete(longestIdle);
        longestIdle.destroy();
        metrics.idleConnectionClosed();
      } else refused = true;
    }
    socket[state] = { active: undefined, queued: undefined, refused };
    all.add(socket);
    if (!refused) idle.add(socket);
    socket.once('close', onSocketClose);
  });

  function start(socket: TrackedSocket, req: IncomingMessage, res: ServerResponse) {
    socket[state].active = res;
    // While the app answers on this connection, a protocol error on it cannot get its own answer.
    socket[responding] = res;
    res.on('close', onResponseClose);
    handle(req, res);
  }

  // One listener for every response (`this` is the response): no closure per request.
  function onResponseClose(this: ServerResponse) {
    const socket = this.req.socket as TrackedSocket;
    const connection = socket[state];
    if (connection.active !== this) return;
    connection.active = undefined;
    // Cleared, not deleted: deleting a property would turn every socket into a slow object.
    socket[responding] = undefined;
    const next = connection.queued?.shift();
    if (next) {
      start(socket, next[0], next[1]);
      return;
    }
    if (!socket.destroyed) idle.add(socket);
  }

  return {
    get open() {
      return all.size;
    },
    request(req, res) {
      const socket = req.socket as TrackedSocket;
      const connection = socket[state];
      if (socket.destroyed) return;
      idle.delete(socket);
      if (connection.refused) {
        refuse(req, res);
        return;
      }
      if (connection.active === undefined) {
        start(socket, req, res);
        return;
      }
      connection.queued ??= [];
      if (connection.queued.length >= maxPipelinedRequests) {
        metrics.capacityRefused('pipelined_requests');
        connection.queued = undefined;
        socket.destroy();
        return;
      }
      connection.queued.push([req, res]);
    },
    sockets: () => all,
    closeIdle() {
      for (const socket of idle) socket.destroy();
    },
    activeResponse: (socket) => (socket as TrackedSocket)[state]?.active,
  };
}
