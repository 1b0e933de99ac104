// The invites of `receiveInviteStream`: one response of Server-Sent Events that stays open, read
// with fetch, and opened again whenever it ends or breaks (the service ends each stream after
// about an hour, when it drains, or when a newer stream of the endpoint starts), with
// `Last-Event-ID` so that nothing received is sent again, after the server's `retry:` time.
import { untilAborted } from './cancellation.js';
import type { Clock } from './clock.js';
import { errorFromUnexpectedBody } from './error-response.js';
import { ApiError, NetworkError, ServerError, ThrottledError, TimeoutError } from './errors.js';
import { EventStreamParser } from './event-stream.js';
import type { InviteSource, ReceivedInvite } from './invite-iterator.js';

/** An invite received through the stream, with the stream's cursor at it. */
export interface StreamedInvite extends ReceivedInvite {
  /**
   * The stream's position at this invite (its event's `id`), opaque. Passed back as
   * `lastEventId`, a later stream continues after this invite: invites the service sent up to it
   * are not sent again.
   */
  readonly cursor: string;
}

/** What the stream needs from the receiver. */
export interface StreamLoop {
  readonly clock: Clock;
  /**
   * Opens the stream after `lastEventId` (everything pending without it): one call, with its
   * retries and deadline. Resolves to the 200 `text/event-stream` response, its body unread;
   * `signal` aborts the request and the body.
   */
  open(lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
  /** Resolves once the invite is no longer pending for the endpoint. */
  acknowledge(inviteId: string, signal: AbortSignal): Promise<void>;
  /** The invite an `invite` event's data holds, or `undefined` when it is not the contract's Invite. */
  parseInvite(data: string): ReceivedInvite | undefined;
  /** How long to wait before the numbered reconnection in a row, never less than `floorMs`. */
  reconnectDelay(step: number, floorMs: number): number;
}

/** The reconnection time until the stream's first `retry:` field says otherwise (browsers use 3 s). */
const DEFAULT_RECONNECTION_TIME_MS = 3_000;
// A `retry:` or `Retry-After` asking for more is taken as this much: far below what a timer can
// wait (about 24.8 days), and the longest the service keeps a stream open anyway.
const MAX_RECONNECTION_TIME_MS = 3_600_000;
// The service sends a heartbeat at least every 25 s. A connection silent for more than two of
// them is presumed cut without a word (a NAT or a proxy that dropped it), which TCP may take many
// minutes to notice: it is closed and opened again.
export const STALL_TIMEOUT_MS = 60_000;
// The largest Invite as JSON is under 14,000 characters (a 6,253-character activationUri, a
// 512-character connectionString, every character escaped); an event many times that is not one.
const MAX_EVENT_LENGTH = 65_536;
// What fetch can send back as `Last-Event-ID`: visible ASCII. The contract's cursors are digits.
const SENDABLE_CURSOR = /^[\x21-\x7e]*$/;

/** Whether `cursor` can be sent as `Last-Event-ID` (`''` is sent as no header). */
export function isSendableCursor(cursor: string): boolean {
  return SENDABLE_CURSOR.test(cursor);
}

interface Connection {
  readonly response: Response;
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Something arrived past the stream's opening (an event, a heartbeat): the connection worked. */
  worked: boolean;
  /** Aborts the request and releases the body; idempotent. */
  close(): void;
}

export class InviteStream implements InviteSource<StreamedInvite> {
  readonly #loop: StreamLoop;
  readonly #parser: EventStreamParser;
  #connection: Connection | undefined;
  /** Until a stream has opened once, a failure to open one ends the iteration (a wrong baseUrl). */
  #opened = false;
  /** Reconnections in a row since a connection last worked. */
  #step = 0;
  /** The wait before the next connection. */
  #waitMs = 0;

  constructor(loop: StreamLoop, lastEventId: string) {
    this.#loop = loop;
    this.#parser = new EventStreamParser({ lastEventId, maxEventLength: MAX_EVENT_LENGTH });
  }

  acknowledge(inviteId: string, signal: AbortSignal): Promise<void> {
    return this.#loop.acknowledge(inviteId, signal);
  }

  /** The next invites the stream brings; never `undefined`: only an error or `signal` ends it. */
  async next(signal: AbortSignal): Promise<readonly StreamedInvite[]> {
    try {
      for (;;) {
        signal.throwIfAborted();
        const connection = this.#connection ?? (await this.#connect(signal));
        if (connection === undefined) continue;
        const chunk = await this.#read(connection, signal);
        if (chunk === undefined) {
          // Ended by the service (its time is up, it drains, a newer stream of the endpoint
          // started), broken, or silent for too long: connect again, after it.
          this.#reconnectLater(connection.worked, undefined);
          continue;
        }
        const invites = this.#invitesIn(chunk, connection);
        if (invites.length > 0) return invites;
      }
    } catch (error) {
      this.#connection?.close();
      throw error;
    }
  }

  /** Opens a connection, after the wait due; `undefined` when it failed and will be tried again. */
  async #connect(signal: AbortSignal): Promise<Connection | undefined> {
    if (this.#waitMs > 0) await this.#loop.clock.sleep(this.#waitMs, signal);
    const controller = new AbortController();
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let connection: Connection | undefined;
    // Closes the connection when the iteration ends (the signal), and when the stream is done with it.
    const close = () => {
      signal.removeEventListener('abort', close);
      const reason = signal.aborted ? signal.reason : new DOMException('reconnecting', 'AbortError');
      reader?.cancel(reason).catch(() => {
        // The body had already failed: nothing left to release.
      });
      controller.abort(reason);
      if (connection !== undefined && this.#connection === connection) this.#connection = undefined;
    };
    signal.addEventListener('abort', close, { once: true });
    let response: Response;
    try {
      response = await this.#loop.open(this.#parser.lastEventId || undefined, controller.signal);
    } catch (error) {
      close();
      signal.throwIfAborted();
      if (!this.#opened || !isTransient(error)) throw error;
      const retryAfterMs =
        error instanceof ThrottledError || error instanceof ServerError ? error.retryAfterMs : undefined;
      this.#reconnectLater(false, retryAfterMs);
      return undefined;
    }
    this.#opened = true;
    this.#parser.restart();
    reader = (response.body as ReadableStream<Uint8Array>).getReader();
    connection = { response, reader, worked: false, close };
    this.#connection = connection;
    return connection;
  }

  /** The next bytes; `undefined` when the stream ended, broke or stalled. */
  async #read(connection: Connection, signal: AbortSignal): Promise<Uint8Array | undefined> {
    const watchdog = new AbortController();
    const stalled = new Promise<undefined>((resolve) => {
      this.#loop.clock.sleep(STALL_TIMEOUT_MS, watchdog.signal).then(
        () => resolve(undefined),
        () => {
          // Released: bytes came in time.
        },
      );
    });
    try {
      const read = await Promise.race([untilAborted(connection.reader.read(), signal), stalled]);
      return read?.done === false ? read.value : undefined;
    } catch {
      signal.throwIfAborted();
      // The connection broke mid-stream: whatever broke it, connecting again is the answer.
      return undefined;
    } finally {
      watchdog.abort();
    }
  }

  /** Closes the connection, if one is open, and sets the wait before the next. */
  #reconnectLater(worked: boolean, retryAfterMs: number | undefined): void {
    this.#connection?.close();
    this.#step = worked ? 1 : this.#step + 1;
    const floorMs = Math.min(
      MAX_RECONNECTION_TIME_MS,
      Math.max(this.#parser.reconnectionTimeMs ?? DEFAULT_RECONNECTION_TIME_MS, retryAfterMs ?? 0),
    );
    this.#waitMs = this.#loop.reconnectDelay(this.#step, floorMs);
  }

  #invitesIn(chunk: Uint8Array, connection: Connection): StreamedInvite[] {
    const { response } = connection;
    const parser = this.#parser;
    let events: ReturnType<EventStreamParser['feed']>;
    try {
      events = parser.feed(chunk);
    } catch (error) {
      if (error instanceof RangeError) throw errorFromUnexpectedBody(response, error.message);
      throw error;
    }
    if (events.length > 0 || parser.comments > 0) connection.worked = true;
    // Sent back on reconnection: an id fetch cannot send as a header would fail every one.
    if (!isSendableCursor(parser.lastEventId)) {
      throw errorFromUnexpectedBody(
        response,
        `an event id that cannot be sent back as Last-Event-ID: ${JSON.stringify(parser.lastEventId)}`,
      );
    }
    const invites: StreamedInvite[] = [];
    for (const event of events) {
      // Another type of event is a later contract's: skipped, as EventSource skips events nobody
      // listens to.
      if (event.type !== 'invite') continue;
      const invite = this.#loop.parseInvite(event.data);
      if (invite === undefined) throw errorFromUnexpectedBody(response, event.data);
      if (event.lastEventId === '') {
        throw errorFromUnexpectedBody(response, `an invite event without an id: ${event.data}`);
      }
      invites.push({ ...invite, cursor: event.lastEventId });
    }
    return invites;
  }
}

/** Failures after which the same stream may open in a while: the service's or the network's. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof NetworkError ||
    error instanceof TimeoutError ||
    error instanceof ThrottledError ||
    error instanceof ServerError ||
    (error instanceof ApiError && error.status === 408)
  );
}
