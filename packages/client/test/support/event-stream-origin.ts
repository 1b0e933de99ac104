// An HTTP origin that plays one scripted invite stream, for running the packed client on another
// Node (the package promises Node 20+): what it checks is that runtime's fetch, streams and
// TextDecoder under the client, over a real socket. The service's own stream is tested against
// the service (stream.integration.test.ts, the browser check).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const ORIGIN_XUID = '2814613569642996';
export const ORIGIN_ENDPOINT = 'node-device';
const STREAM_PATH = `/users/${ORIGIN_XUID}/endpoints/${ORIGIN_ENDPOINT}/invites/stream`;

/** The invites of the script, as the service would send them. */
export const ORIGIN_INVITES = [1, 2].map((n) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  titleId: 1827805096,
  sender: '2533274792693551',
  invitedUser: ORIGIN_XUID,
  // Characters of two, three and four UTF-8 bytes, which the script splits between writes.
  connectionString: `lobby=プレイヤー🎮é;n=${n}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T01:00:00.000Z',
  activationUri: `ms-xbl-6cf217a8://inviteAccept?invitedUser=${ORIGIN_XUID}&sender=2533274792693551&connectionString=${n}`,
}));

export interface EventStreamOrigin {
  readonly url: string;
  /** `METHOD path` and the `Last-Event-ID` of every request, in order. */
  readonly requests: { readonly request: string; readonly lastEventId: string | undefined }[];
  close(): Promise<void>;
}

/**
 * The script: the first stream sends, with CRLF line ends and in pieces split inside a line and
 * inside a character, a heartbeat and the first invite, then ends (as the service ends a stream
 * after its hour). The next one sends the second invite and stays open until the client leaves.
 * `GET /stream-closed` answers whether that open stream's connection was closed by the client
 * (waiting up to 5 s for it). Acknowledgements answer 204.
 */
export function startEventStreamOrigin(): Promise<EventStreamOrigin> {
  const requests: { request: string; lastEventId: string | undefined }[] = [];
  let streams = 0;
  let openStreamClosed: Promise<boolean> = Promise.resolve(false);

  const event = (cursor: number, invite: object, end: string) =>
    Buffer.from(
      [`id: ${cursor}`, 'event: invite', `data: ${JSON.stringify(invite)}`, '', ''].join(end),
      'utf8',
    );

  async function stream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    streams += 1;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    // retry: 0 so that the client reconnects at once (within its retry.baseDelayMs).
    if (streams === 1) {
      const invite = event(1, ORIGIN_INVITES[0] as object, '\r\n');
      const emoji = invite.indexOf(Buffer.from('🎮', 'utf8'));
      for (const piece of [
        Buffer.from('retry: 0\r\n\r\n: heartbeat\r'),
        Buffer.from('\n\r\n'),
        invite.subarray(0, 20),
        invite.subarray(20, emoji + 2),
        invite.subarray(emoji + 2),
      ]) {
        res.write(piece);
        // Separate writes, so that the client is likely to read them as separate chunks.
        await sleep(20);
      }
      res.end();
      return;
    }
    openStreamClosed = new Promise((resolve) => {
      req.socket.once('close', () => resolve(true));
      sleep(5_000).then(() => resolve(false));
    });
    res.write(Buffer.concat([Buffer.from('retry: 0\n\n'), event(2, ORIGIN_INVITES[1] as object, '\n')]));
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({
      request: `${req.method} ${url}`,
      lastEventId: req.headers['last-event-id'] as string | undefined,
    });
    if (req.method === 'GET' && url === STREAM_PATH) {
      stream(req, res).catch((error: unknown) => res.destroy(error as Error));
    } else if (req.method === 'DELETE' && url.startsWith(`/users/${ORIGIN_XUID}/endpoints/`)) {
      res.writeHead(204).end();
    } else if (url === '/stream-closed') {
      openStreamClosed.then((closed) =>
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(closed)),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
