// What every operation shares: credentials (with the refresh after a 401), the call's deadline
// and cancellation, retries, and turning whatever came back into a result or a typed error. Each
// operation only says how it is sent through the generated API and how its result is read.
import { type CallScope, openCallScope, untilAborted } from './cancellation.js';
import { type Clock, systemClock } from './clock.js';
import { errorFromResponse, errorFromUnexpectedBody } from './error-response.js';
import {
  AuthenticationError,
  type InvitesClientError,
  NetworkError,
  ServerError,
  TimeoutError,
} from './errors.js';
import { Configuration, FetchError, type Middleware, ResponseError } from './generated/index.js';
import { networkErrorFrom } from './network-failure.js';
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy, retryDelay } from './retry.js';

/** The subset of `fetch` the client calls: `globalThis.fetch` fits, and so does a test double. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface CredentialsContext {
  /**
   * `true` when the server has just rejected the previous value (401): return a newly obtained
   * credential, not a cached one.
   */
  readonly forceRefresh: boolean;
  /** Aborted when the call is cancelled or times out. */
  readonly signal: AbortSignal;
}

/** Returns an `Authorization` header value. Asked before every request, so it may cache. */
export type CredentialsProvider = (context: CredentialsContext) => string | Promise<string>;

export interface InvitesClientOptions {
  /** Where the service is, e.g. `https://multiplayeractivity.example.com` (a path prefix is kept). */
  readonly baseUrl: string;
  /**
   * The `Authorization` header value (`XBL3.0 x=-;<token>`), or a function returning it. Only a
   * function lets the client recover from a 401: it asks for a fresh value and retries once.
   */
  readonly credentials: string | CredentialsProvider;
  /** Defaults to the global `fetch`, looked up at each request. */
  readonly fetch?: FetchLike;
  /**
   * The most a call may take, all attempts and waits included, in ms. Default 60 000;
   * `Infinity` for none.
   */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Where time comes from; tests pass a fake one. */
  readonly clock?: Clock;
  /** The jitter source, returning values in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface CallOptions {
  /** Cancels the call: the request in flight and any wait. The call rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /**
   * Sent as `X-Request-Id` with every attempt, so that the server's logs tie them together
   * (1 to 128 letters, digits, `.`, `_`, `:` or `-`). The server makes one when absent.
   */
  readonly requestId?: string;
}

/** One operation of the contract, as the generated API sends it. */
export interface Operation<T> {
  /**
   * Whether the server acting on it twice has the effect of acting once (PUT, DELETE, GET). An
   * idempotent operation is retried after any failure worth retrying, including those that leave
   * unknown whether the server acted (a reset connection, a 500); any other only after failures
   * that prove it did not.
   */
  readonly idempotent: boolean;
  /**
   * The JSON body, sent as given: the generated serializer keeps only the fields it knows, which
   * would silently drop a misspelt one that the server's unknown-property check exists to catch.
   */
  readonly body?: unknown;
  /** How long the server may hold the request on purpose (a long poll), added to `timeoutMs`. */
  readonly serverWaitMs?: number;
  /** One request through the generated API; resolves to the response of a 2xx. */
  send(configuration: Configuration, init: RequestInit, requestId: string | undefined): Promise<Response>;
  /**
   * The result of a 2xx: a fixed value, when the contract documents one status without a body
   * (another 2xx, or a body, breaks the contract), a function of the parsed JSON body returning
   * `undefined` when the body breaks the contract, or, for a body read after the call (a stream),
   * a function of the response with its body unread, returning `undefined` when the response is
   * not the one the contract documents (its body is then read for the error).
   */
  readonly result:
    | { readonly value: T; readonly status: number }
    | ((body: unknown, response: Response) => T | undefined)
    | { readonly unread: (response: Response) => T | undefined };
  /**
   * For an operation whose repetition the server refuses once it has succeeded (acknowledging an
   * invite twice answers 404): the result to resolve with when a retry, following an attempt the
   * server may have acted on, fails with `failure`; `undefined` when the failure stands.
   */
  alreadyDone?(failure: InvitesClientError): { readonly value: T } | undefined;
}

/** Runs operations for one client: its credentials, base URL, fetch, timeout, retry policy and clock. */
export interface Caller {
  /**
   * Runs `operation` until it succeeds or fails for good. Rejects with an `InvitesClientError`,
   * with `signal.reason` when cancelled, or with what the credentials function threw.
   */
  call<T>(operation: Operation<T>, options?: CallOptions): Promise<T>;
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: RetryPolicy;
}

type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: InvitesClientError };

/** Validates the options at once (a wrong `baseUrl` fails here, not at the first call). */
export function createCaller(options: InvitesClientOptions): Caller {
  const basePath = normalizeBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be greater than 0, got ${timeoutMs}`);
  const policy = resolveRetryPolicy(options.retry);
  const { credentials } = options;
  if (typeof credentials !== 'function' && (typeof credentials !== 'string' || credentials === '')) {
    throw new TypeError('credentials must be an Authorization header value or a function returning one');
  }
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const fetchApi = (url: string, init: RequestInit) => (options.fetch ?? globalThis.fetch)(url, init);

  function authorization(forceRefresh: boolean, signal: AbortSignal): Promise<string> {
    if (typeof credentials === 'string') return Promise.resolve(credentials);
    // A provider that ignores the signal must not hold the call past its cancellation.
    return untilAborted(
      Promise.resolve().then(() => credentials({ forceRefresh, signal })),
      signal,
    );
  }

  /** One request; resolves to its result or to its failure as a typed error. */
  async function attempt<T>(
    operation: Operation<T>,
    requestId: string | undefined,
    apiKey: string,
    scope: CallScope,
  ): Promise<Outcome<T>> {
    const { body } = operation;
    const middleware: Middleware[] =
      body === undefined
        ? []
        : [{ pre: async ({ url, init }) => ({ url, init: { ...init, body: JSON.stringify(body) } }) }];
    const configuration = new Configuration({ basePath, fetchApi, apiKey, middleware });
    let response: Response;
    try {
      response = await operation.send(configuration, { signal: scope.signal }, requestId);
    } catch (thrown) {
      // Cancelled or timed out: whatever the runtime wrapped, the signal holds the real reason.
      scope.signal.throwIfAborted();
      if (thrown instanceof ResponseError) {
        return { ok: false, failure: await errorFromResponse(thrown.response, clock.now()) };
      }
      if (thrown instanceof FetchError)
        return { ok: false, failure: networkErrorFrom(thrown.cause, requestId) };
      // A programming error (a missing argument, an unusable fetch): not the service's doing.
      throw thrown;
    }
    const { result } = operation;
    if ('unread' in result) {
      const value = result.unread(response);
      if (value !== undefined) return { ok: true, value };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (thrown) {
      scope.signal.throwIfAborted();
      // The connection broke mid-body: the server answered, so it may have acted.
      return { ok: false, failure: networkErrorFrom(thrown, requestId) };
    }
    if ('value' in result) {
      // Anything but the documented status without a body is not the service's answer (a proxy's
      // or another server's page at a wrong baseUrl): resolving would claim a success nobody
      // confirmed. Not retried: the request may have reached the service behind it.
      return response.status === result.status && text === ''
        ? { ok: true, value: result.value }
        : { ok: false, failure: errorFromUnexpectedBody(response, text) };
    }
    const value = typeof result === 'function' ? result(parseJson(text), response) : undefined;
    return value === undefined
      ? { ok: false, failure: errorFromUnexpectedBody(response, text) }
      : { ok: true, value };
  }

  async function call<T>(operation: Operation<T>, callOptions: CallOptions = {}): Promise<T> {
    const { requestId } = callOptions;
    const callTimeoutMs = timeoutMs + (operation.serverWaitMs ?? 0);
    let lastFailure: InvitesClientError | undefined;
    const scope = openCallScope({
      clock,
      timeoutMs: callTimeoutMs,
      callerSignal: callOptions.signal,
      onTimeout: () => new TimeoutError({ timeoutMs: callTimeoutMs, requestId, cause: lastFailure }),
    });
    try {
      let attemptNumber = 1;
      let refreshCredentials = false;
      let credentialsRefreshed = false;
      let serverMayHaveActed = false;
      for (;;) {
        scope.signal.throwIfAborted();
        const apiKey = await authorization(refreshCredentials, scope.signal);
        refreshCredentials = false;
        const outcome = await attempt(operation, requestId, apiKey, scope);
        scope.signal.throwIfAborted();
        if (outcome.ok) return outcome.value;
        const { failure } = outcome;
        if (serverMayHaveActed) {
          const done = operation.alreadyDone?.(failure);
          if (done !== undefined) return done.value;
        }
        lastFailure = failure;
        serverMayHaveActed ||= mayHaveActed(failure);

        // A 401 proves the server did not act, and only a fresh credential can change the
        // answer; this retry is the credential's, so it does not spend one of maxAttempts.
        if (
          failure instanceof AuthenticationError &&
          typeof credentials === 'function' &&
          !credentialsRefreshed
        ) {
          refreshCredentials = credentialsRefreshed = true;
          continue;
        }
        const delay = retryDelay(failure, attemptNumber, policy, random, operation.idempotent);
        // A wait that would end past the deadline only delays the same failure.
        if (delay === undefined || clock.now() + delay >= scope.deadline) throw failure;
        await clock.sleep(delay, scope.signal);
        attemptNumber += 1;
      }
    } finally {
      scope.dispose();
    }
  }

  return Object.freeze({ call, clock, random, policy });
}

/** Whether the server may have acted on the request that failed so. */
function mayHaveActed(failure: InvitesClientError): boolean {
  if (failure instanceof NetworkError) return failure.mayHaveReachedServer;
  return failure instanceof ServerError;
}

/** `{ xRequestId }` for the generated request parameters, or nothing. */
export function requestIdParameter(requestId: string | undefined): { xRequestId?: string } {
  return requestId === undefined ? {} : { xRequestId: requestId };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`baseUrl must not have a query or a fragment, got ${JSON.stringify(baseUrl)}`);
  }
  // The generated code appends paths that start with "/".
  return url.href.replace(/\/+$/, '');
}
