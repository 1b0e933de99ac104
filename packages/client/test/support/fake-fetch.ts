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
