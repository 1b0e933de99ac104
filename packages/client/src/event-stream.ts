// The `text/event-stream` format as the WHATWG HTML standard interprets it ("Server-sent events",
// 9.2.6), read from the bytes of a `fetch` body: `EventSource` cannot send `Authorization`, so the
// client parses the stream itself. The parser holds the state the standard gives the event source
// (the last event ID string, the reconnection time) across the connections of one stream.

/** One event of the stream, as the standard dispatches it. */
export interface ServerSentEvent {
  /** The `event:` field; `message` for an event without one. */
  readonly type: string;
  /** The `data:` lines, joined with LF. */
  readonly data: string;
  /**
   * The last event ID string once this event was dispatched: its own `id:` field, or the latest
   * one before it on the same connection (`''` when there is none).
   */
  readonly lastEventId: string;
}

const LF = 0x0a;
const CR = 0x0d;
const ONLY_DIGITS = /^[0-9]+$/;

export class EventStreamParser {
  /** The event source's last event ID string: sent as `Last-Event-ID` when reconnecting. */
  lastEventId: string;
  /** The event source's reconnection time, in ms, as the last valid `retry:` field set it. */
  reconnectionTimeMs: number | undefined = undefined;
  /** Comment lines (`: heartbeat`) read since the connection started. */
  comments = 0;

  readonly #maxEventLength: number;
  #decoder = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  #line = '';
  /** The previous text ended with CR: an LF that starts the next one ends the same line. */
  #afterCR = false;
  #data = '';
  #eventType = '';
  #lastEventIdBuffer = '';

  /**
   * `maxEventLength` bounds what one event may hold (its lines and its data, in UTF-16 code
   * units), so that a stream that never ends a line cannot take all the memory.
   */
  constructor(options: { readonly lastEventId: string; readonly maxEventLength: number }) {
    this.lastEventId = options.lastEventId;
    this.#maxEventLength = options.maxEventLength;
  }

  /**
   * A new connection: a new stream of bytes, with empty buffers (an event cut off by the end of
   * the previous connection is dropped, as the standard says); the last event ID and the
   * reconnection time stay.
   */
  restart(): void {
    this.#decoder = new TextDecoder();
    this.#line = '';
    this.#afterCR = false;
    this.#data = '';
    this.#eventType = '';
    this.#lastEventIdBuffer = '';
    this.comments = 0;
  }

  /**
   * Reads the next bytes of the stream; returns the events they complete, in order. Throws a
   * RangeError when an event grows past `maxEventLength`.
   */
  feed(chunk: Uint8Array): ServerSentEvent[] {
    // Decoded as UTF-8 (a character split across chunks waits for its end; invalid bytes become
    // U+FFFD), with a byte order mark at the start of the stream skipped, as the standard asks.
    const text = this.#decoder.decode(chunk, { stream: true });
    const events: ServerSentEvent[] = [];
    if (text === '') return events;
    let start = this.#afterCR && text.charCodeAt(0) === LF ? 1 : 0;
    this.#afterCR = false;
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const line = this.#line + text.slice(start, i);
      this.#line = '';
      this.#processLine(line, events);
      if (code === CR) {
        if (i + 1 === text.length) this.#afterCR = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    this.#line += text.slice(start);
    this.#checkLength(this.#line.length);
    return events;
  }

  #processLine(line: string, events: ServerSentEvent[]): void {
    if (line === '') {
      this.#dispatch(events);
      return;
    }
    if (line.startsWith(':')) {
      this.comments += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#data += `${value}\n`;
        this.#checkLength(this.#data.length);
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventIdBuffer = value;
        break;
      case 'retry':
        if (ONLY_DIGITS.test(value)) this.reconnectionTimeMs = Number(value);
        break;
      // Any other field is ignored.
    }
  }

  #dispatch(events: ServerSentEvent[]): void {
    // The ID is taken even by a block without data: `id: 7` and an empty line move the cursor.
    this.lastEventId = this.#lastEventIdBuffer;
    if (this.#data !== '') {
      events.push({
        type: this.#eventType === '' ? 'message' : this.#eventType,
        data: this.#data.slice(0, -1),
        lastEventId: this.lastEventId,
      });
    }
    this.#data = '';
    this.#eventType = '';
  }

  #checkLength(length: number): void {
    if (length > this.#maxEventLength) {
      throw new RangeError(`an event of the stream is longer than ${this.#maxEventLength} characters`);
    }
  }
}
