// A stream's events as Server-Sent Events (the text/event-stream format of the WHATWG HTML
// standard) on an open response: the `retry:` field first, then one `invite` event per invite, and
// heartbeat comments. A device that stops reading has its response cut once more than
// STREAM_MAX_UNSENT_BYTES wait unsent, rather than its events piling up in memory.
import type { ServerResponse } from 'node:http';
import type { components } from '@server-invites/types';
import type { QueuedInvite } from '../invites/delivery.ts';
import type { InviteSink, StreamEnd } from '../invites/invite-streams.ts';
import type { Metrics } from '../observability/metrics.ts';

/** Unsent bytes past which a stream's device counts as not reading: a dozen of the largest events. */
export const STREAM_MAX_UNSENT_BYTES = 128 * 1024;

/** How long a client waits before reconnecting, in milliseconds: spread so that clients do not all return at once. */
export const STREAM_RETRY_MS = { min: 1000, max: 5000 } as const;

type ApiInvite = components['schemas']['Invite'];

export class EventStreamSink implements InviteSink {
  readonly #res: ServerResponse;
  readonly #toApiInvite: (invite: QueuedInvite) => ApiInvite;
  readonly #metrics: Metrics;

  constructor(
    res: ServerResponse,
    toApiInvite: (invite: QueuedInvite) => ApiInvite,
    metrics: Metrics,
    random: () => number,
  ) {
    this.#res = res;
    this.#toApiInvite = toApiInvite;
    this.#metrics = metrics;
    const { min, max } = STREAM_RETRY_MS;
    res.write(`retry: ${min + Math.floor(random() * (max - min + 1))}\n\n`);
  }

  invite(invite: QueuedInvite): boolean {
    // JSON.stringify escapes every line break: the data stays on one line.
    this.#res.write(
      `id: ${invite.seq}\nevent: invite\ndata: ${JSON.stringify(this.#toApiInvite(invite))}\n\n`,
    );
    this.#metrics.streamEvent('invite');
    return this.#res.writableLength <= STREAM_MAX_UNSENT_BYTES;
  }

  heartbeat(): boolean {
    this.#res.write(': heartbeat\n\n');
    this.#metrics.streamEvent('heartbeat');
    return this.#res.writableLength <= STREAM_MAX_UNSENT_BYTES;
  }

  end(reason: StreamEnd): void {
    if (reason === 'slow') this.#res.destroy();
    else this.#res.end();
  }
}
