import type { FetchLike } from '../../src/client.js';
import type { Clock } from '../../src/clock.js';

export interface RecordedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The parsed JSON body. */
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
}

/**
 * What the fake answers to one request: a response (perhaps later, like a long poll), a
 * rejection, or a request that never ends.
 */
export type Reply = ((request: RecordedRequest) => Response | Promise<Response>) | Error | 'hang';

export type FakeFetch = FetchLike & { readonly requests: readonly RecordedRequest[] };

/** A fetch that records each request and answers with the next reply, like a scripted server. */
export function fakeFetch(...replies: Reply[]): FakeFetch {
  const requests: RecordedRequest[] = [];
  const queue = [...replies];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const request: RecordedRequest = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    const reply = queue.shift();
    // Not an Error, so that the client cannot mistake it for a network failure.
    if (reply === undefined) throw `unexpected request #${requests.length} to ${url}`;
    if (reply === 'hang') return hang(request.signal);
    if (reply instanceof Error) throw reply;
    return reply(request);
  };
  return Object.assign(fetch, { requests });
}

function hang(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export const reply = {
  noContent:
    (headers: Record<string, string> = {}): (() => Response) =>
    () =>
      new Response(null, { status: 204, headers }),
  json:
    (status: number, body: unknown, headers: Record<string, string> = {}): (() => Response) =>
    () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json', ...headers },
      }),
  text:
    (status: number, text: string, headers: Record<string, string> = {}): (() => Response) =>
    () =>
      new Response(text, { status, headers }),
  /**
   * Answers `answer` once `ms` have passed on `clock`, as a long poll does; aborting the request
   * before then rejects with the abort reason, as fetch does.
   */
  after:
    (clock: Clock, ms: number, answer: () => Response) =>
    async (request: RecordedRequest): Promise<Response> => {
      await clock.sleep(ms, request.signal);
      return answer();
    },
};

/** What Node's fetch rejects with when a connection fails with the given system error code. */
export function fetchFailure(code: string): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
}

/** A streamed response body that a test writes as a server would, chunk by chunk. */
export interface ScriptedStream {
  /**
   * The reply: 200, `text/event-stream`, this body. Aborting the request errors the body with
   * the abort reason, as fetch does.
   */
  readonly reply: (request: RecordedRequest) => Response;
  /** Sends text (as UTF-8) or bytes, as one chunk. */
  push(chunk: string | Uint8Array): void;
  /** Ends the response, as a server ending the stream. */
  end(): void;
  /** Breaks the response mid-body, as a reset connection does. */
  fail(error: Error): void;
  /** Whether the client cancelled the body (released the connection). */
  readonly cancelled: boolean;
}

/** A stream that starts with `initial` chunks already sent. */
export function scriptedStream(...initial: (string | Uint8Array)[]): ScriptedStream {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  const stream: ScriptedStream = {
    reply: (request) => {
      request.signal?.addEventListener('abort', () => stream.fail(request.signal?.reason), { once: true });
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-store',
          'X-Request-Id': 'stream-1',
        },
      });
    },
    push: (chunk) => controller?.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk),
    end: () => controller?.close(),
    fail: (error) => {
      try {
        controller?.error(error);
      } catch {
        // Already closed or errored.
      }
    },
    get cancelled() {
      return cancelled;
    },
  };
  for (const chunk of initial) stream.push(chunk);
  return stream;
}
