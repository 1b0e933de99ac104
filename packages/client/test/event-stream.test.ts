import { describe, expect, it } from 'vitest';
import { EventStreamParser, type ServerSentEvent } from '../src/event-stream.js';

const encoder = new TextEncoder();

function parser(lastEventId = '', maxEventLength = 1_000): EventStreamParser {
  return new EventStreamParser({ lastEventId, maxEventLength });
}

/** Feeds the chunks in order (strings as UTF-8, byte arrays as they are); returns every event. */
function feed(target: EventStreamParser, ...chunks: (string | Uint8Array)[]): ServerSentEvent[] {
  return chunks.flatMap((chunk) => target.feed(typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
}

const event = (type: string, data: string, lastEventId = '') => ({ type, data, lastEventId });

describe('EventStreamParser', () => {
  it('dispatches an event at the empty line that ends it, with its type, data and id', () => {
    const p = parser();

    expect(feed(p, 'id: 1\nevent: invite\ndata: {"a":1}\n')).toEqual([]);
    expect(feed(p, '\n')).toEqual([event('invite', '{"a":1}', '1')]);
    expect(p.lastEventId).toBe('1');
  });

  it.each([
    ['LF', '\n'],
    ['CR', '\r'],
    ['CRLF', '\r\n'],
  ])('reads lines ended by %s', (_, end) => {
    const text = [
      'retry: 2000',
      'id: 7',
      'event: invite',
      'data: x',
      '',
      ': heartbeat',
      'data: y',
      '',
      '',
    ].join(end);
    const p = parser();

    expect(feed(p, text)).toEqual([event('invite', 'x', '7'), event('message', 'y', '7')]);
    expect(p.reconnectionTimeMs).toBe(2000);
    expect(p.comments).toBe(1);
  });

  it('reads a CRLF split between two chunks as one line end, not as a line and an empty line', () => {
    const p = parser();

    // Were the LF read as a second line end, the event would be dispatched after "a" alone.
    expect(feed(p, 'data: a\r', '\ndata: b\r', '\n\r', '\n')).toEqual([event('message', 'a\nb')]);
  });

  it('reads fields split across chunks anywhere, a multi-byte character included', () => {
    const bytes = encoder.encode('id: 42\nevent: invite\ndata: {"name":"プレイヤー🎮"}\n\n');
    const p = parser();
    const events: ServerSentEvent[] = [];

    // One byte at a time: every split point, inside the emoji's four bytes too.
    for (let i = 0; i < bytes.length; i++) events.push(...p.feed(bytes.subarray(i, i + 1)));

    expect(events).toEqual([event('invite', '{"name":"プレイヤー🎮"}', '42')]);
  });

  it('joins data lines with LF; a data field without a colon adds an empty line', () => {
    const p = parser();

    expect(feed(p, 'data: first\ndata\ndata:  indented\ndata:tight\n\n')).toEqual([
      event('message', 'first\n\n indented\ntight'),
    ]);
  });

  it('strips one space after the colon, and only one', () => {
    expect(feed(parser(), 'event:  invite\ndata:x\n\n')).toEqual([event(' invite', 'x')]);
  });

  it("types an event without an event field 'message', and resets the type after each event", () => {
    const p = parser();

    expect(feed(p, 'event: invite\ndata: 1\n\ndata: 2\n\n')).toEqual([
      event('invite', '1'),
      event('message', '2'),
    ]);
  });

  it('dispatches nothing for a block without data, and forgets its type', () => {
    expect(feed(parser(), 'event: invite\n\ndata: 2\n\n')).toEqual([event('message', '2')]);
  });

  it('skips comments and fields it does not know, whatever they hold', () => {
    const p = parser();

    expect(feed(p, ': heartbeat\n:\nfoo: bar\nDATA: shouted\ndata: kept\n\n')).toEqual([
      event('message', 'kept'),
    ]);
    expect(p.comments).toBe(2);
  });

  describe('the last event ID', () => {
    it('is inherited by an event without an id field, from the one before it on the connection', () => {
      expect(feed(parser(), 'id: 5\ndata: a\n\ndata: b\n\n')).toEqual([
        event('message', 'a', '5'),
        event('message', 'b', '5'),
      ]);
    });

    it('is moved by an id in a block without data, although no event is dispatched', () => {
      const p = parser();

      expect(feed(p, 'id: 9\n\n')).toEqual([]);
      expect(p.lastEventId).toBe('9');
    });

    it('is reset by an empty id field, and kept when the id holds a NUL', () => {
      const p = parser('3');

      expect(feed(p, 'id: 4\ndata: a\n\nid: 5\0\ndata: b\n\nid\ndata: c\n\n')).toEqual([
        event('message', 'a', '4'),
        event('message', 'b', '4'),
        event('message', 'c', ''),
      ]);
      expect(p.lastEventId).toBe('');
    });

    it('is not moved by the id of an event the connection cut off before its empty line', () => {
      const p = parser();
      feed(p, 'id: 1\ndata: a\n\nid: 2\ndata: b\n');

      p.restart();

      expect(p.lastEventId).toBe('1');
      // The new connection starts with empty buffers: the cut-off event is gone.
      expect(feed(p, 'data: c\n\n')).toEqual([event('message', 'c', '')]);
    });

    it('starts from the one given, until an event moves it', () => {
      const p = parser('41');

      expect(p.lastEventId).toBe('41');
      expect(feed(p, 'id: 42\ndata: a\n\n')).toEqual([event('message', 'a', '42')]);
    });
  });

  describe('retry', () => {
    it.each([
      ['digits', 'retry: 1500', 1500],
      ['zero', 'retry: 0', 0],
      ['a fraction (ignored)', 'retry: 1.5', undefined],
      ['a sign (ignored)', 'retry: -1', undefined],
      ['letters (ignored)', 'retry: soon', undefined],
      ['nothing (ignored)', 'retry:', undefined],
    ])('with %s sets the reconnection time to %s', (_, line, expected) => {
      const p = parser();

      feed(p, `${line}\n\n`);

      expect(p.reconnectionTimeMs).toBe(expected);
    });

    it('keeps the last valid value across connections', () => {
      const p = parser();
      feed(p, 'retry: 3000\n\n');

      p.restart();
      feed(p, 'retry: x\n\n');

      expect(p.reconnectionTimeMs).toBe(3000);
    });
  });

  it('skips a byte order mark at the start of each connection, and only there', () => {
    const p = parser();

    expect(feed(p, '\uFEFFdata: a\n\n', 'data: \uFEFFb\n\n')).toEqual([
      event('message', 'a'),
      event('message', '\uFEFFb'),
    ]);
    p.restart();
    expect(feed(p, '\uFEFFdata: c\n\n')).toEqual([event('message', 'c')]);
  });

  it('replaces bytes that are not UTF-8 with U+FFFD rather than failing', () => {
    expect(feed(parser(), new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a]))).toEqual([
      event('message', '\uFFFD'),
    ]);
  });

  it('drops a CR left pending by the previous connection', () => {
    const p = parser();
    feed(p, 'data: a\r');

    p.restart();

    // Were the CR still pending, this LF would end an empty line and dispatch nothing.
    expect(feed(p, '\ndata: b\n\n')).toEqual([event('message', 'b')]);
  });

  it('counts comments per connection', () => {
    const p = parser();
    feed(p, ': one\n: two\n');

    p.restart();

    expect(p.comments).toBe(0);
  });

  describe('bounds', () => {
    it('throws a RangeError when a line grows past maxEventLength without ending', () => {
      const p = parser('', 10);
      feed(p, 'data: 1234');

      expect(() => feed(p, '56789')).toThrow(RangeError);
    });

    it('throws a RangeError when the data of one event grows past maxEventLength', () => {
      const p = parser('', 10);

      expect(() => feed(p, 'data: 12345\ndata: 12345\n')).toThrow(RangeError);
    });

    it('accepts events up to maxEventLength, however many', () => {
      const p = parser('', 10);

      expect(feed(p, 'data: 123456789\n\n'.repeat(100))).toHaveLength(100);
    });
  });
});
