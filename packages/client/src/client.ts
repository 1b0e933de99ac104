import { type CallScope, openCallScope, untilAborted } from './cancellation.js';
import { type Clock, systemClock } from './clock.js';
import { errorFromResponse } from './error-response.js';
import { AuthenticationError, type InvitesClientError, TimeoutError } from './errors.js';
import { Configuration, FetchError, InvitesApi, ResponseError } from './generated/index.js';
import type { SendServerInviteRequest } from './generated/models/index.js';
import { networkErrorFrom } from './network-failure.js';
import { type RetryOptions, resolveRetryPolicy, retryDelay } from './retry.js';

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

export interface SendServerInviteOptions {
  /** Cancels the call: the request in flight and any wait. The call rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /**
   * Sent as `X-Request-Id` with every attempt, so that the server's logs tie them together
   * (1 to 128 letters, digits, `.`, `_`, `:` or `-`). The server makes one when absent.
   */
  readonly requestId?: string;
}

export interface InvitesClient {
  /**
   * Sends an invite on behalf of `invite.sender` and resolves once the server has accepted it
   * (204). Rejects with an `InvitesClientError` subclass, or with the abort reason when
   * cancelled.
   */
  sendServerInvite(
    titleId: number,
    invite: SendServerInviteRequest,
    options?: SendServerInviteOptions,
  ): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
// The contract version this client speaks; the vendor's SDK sends it on every request.
const CONTRACT_VERSION = 1;

export function createInvitesClient(options: InvitesClientOptions): InvitesClient {
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

  /** One request; resolves to the failure, if any, as a typed error. */
  async function attempt(
    titleId: number,
    invite: SendServerInviteRequest,
    requestId: string | undefined,
    apiKey: string,
    scope: CallScope,
  ): Promise<InvitesClientError | undefined> {
    const api = new InvitesApi(
      new Configuration({
        basePath,
        fetchApi,
        apiKey,
        // The body as given: the generated serializer keeps only the fields it knows, which would
        // silently drop a misspelt one that the server's unknown-property check exists to catch.
        middleware: [
          { pre: async ({ url, init }) => ({ url, init: { ...init, body: JSON.stringify(invite) } }) },
        ],
      }),
    );
    try {
      await api.sendServerInviteRaw(
        {
          titleId,
          sendServerInviteRequest: invite,
          xXblContractVersion: CONTRACT_VERSION,
          ...(requestId === undefined ? {} : { xRequestId: requestId }),
        },
        { signal: scope.signal },
      );
      return undefined;
    } catch (thrown) {
      // Cancelled or timed out: whatever the runtime wrapped, the signal holds the real reason.
      scope.signal.throwIfAborted();
      if (thrown instanceof ResponseError) return errorFromResponse(thrown.response, clock.now());
      if (thrown instanceof FetchError) return networkErrorFrom(thrown.cause, requestId);
      // A programming error (a missing argument, an unusable fetch): not the service's doing.
      throw thrown;
    }
  }

  async function sendServerInvite(
    titleId: number,
    invite: SendServerInviteRequest,
    callOptions: SendServerInviteOptions = {},
  ): Promise<void> {
    const { requestId } = callOptions;
    let lastFailure: InvitesClientError | undefined;
    const scope = openCallScope({
      clock,
      timeoutMs,
      callerSignal: callOptions.signal,
      onTimeout: () => new TimeoutError({ timeoutMs, requestId, cause: lastFailure }),
    });
    try {
      let attemptNumber = 1;
      let refreshCredentials = false;
      let credentialsRefreshed = false;
      for (;;) {
        scope.signal.throwIfAborted();
        const apiKey = await authorization(refreshCredentials, scope.signal);
        refreshCredentials = false;
        const failure = await attempt(titleId, invite, requestId, apiKey, scope);
        scope.signal.throwIfAborted();
        if (failure === undefined) return;
        lastFailure = failure;

        // A 401 proves the invite was not sent, and only a fresh credential can change the
        // answer; this retry is the credential's, so it does not spend one of maxAttempts.
        if (
          failure instanceof AuthenticationError &&
          typeof credentials === 'function' &&
          !credentialsRefreshed
        ) {
          refreshCredentials = credentialsRefreshed = true;
          continue;
        }
        const delay = retryDelay(failure, attemptNumber, policy, random);
        // A wait that would end past the deadline only delays the same failure.
        if (delay === undefined || clock.now() + delay >= scope.deadline) throw failure;
        await clock.sleep(delay, scope.signal);
        attemptNumber += 1;
      }
    } finally {
      scope.dispose();
    }
  }

  return Object.freeze({ sendServerInvite });
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
