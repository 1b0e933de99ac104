// The shape of a conformance case: data only (a request, what the contract says comes back, and
// what a target that cannot honour that does instead, with the reason).
import type { ErrorCode } from '@server-invites/types';

export type TargetName = 'server' | 'mock';

/** A credential, minted by the target (the mock accepts any). */
export type Credential =
  /** A game server's credential covering these titles: `XBL3.0 x=-;<jwt>`. */
  | { kind: 'service'; titleIds: number[] }
  /** A user's credential: `XBL3.0 x=<uhs>;<jwt>`. */
  | { kind: 'user'; xuid: string }
  /** A service credential that expired an hour ago. */
  | { kind: 'expired-service'; titleIds: number[] }
  /** A service credential whose signature was altered. */
  | { kind: 'tampered-service'; titleIds: number[] }
  /** The Authorization header exactly as given. */
  | { kind: 'literal'; value: string };

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'CONNECT';

export interface CaseRequest {
  method: Method;
  /** Path and query. */
  path: string;
  credential?: Credential;
  headers?: Record<string, string>;
  /** A JSON body; Content-Type is application/json unless `headers` set another. */
  json?: unknown;
  /** A body sent exactly as given (Content-Type only from `headers`); bytes for a compressed one. */
  raw?: string | Uint8Array<ArrayBuffer>;
  /**
   * Sent over a raw socket instead, byte for byte, for what fetch cannot send (malformed HTTP,
   * oversized headers, a declared body that never comes). `method` and `path` still say which
   * operation it aims at; `credential` fills `{authorization}`.
   */
  wire?: WireRequest;
}

export interface WireRequest {
  /** The request line and header lines, without line ends; `{host}` and `{authorization}` are filled in. */
  lines: string[];
  /** Sent after the blank line that ends the head, exactly as given. */
  body?: string;
  /**
   * How the body's characters become bytes: UTF-8 unless `latin1`, where each character is one
   * byte (for bodies that are not UTF-8).
   */
  bodyEncoding?: 'latin1';
}

export type Throttled = { limitType: 'Rate'; window: 'burst' | 'sustain' } | { limitType: 'Concurrency' };

export interface Expectation {
  status: number;
  /** The ErrorResponse errorCode. */
  errorCode?: ErrorCode;
  /** For a 429: which limit, checked against the target's configured limits. */
  throttled?: Throttled;
  /** Response headers that must have exactly these values (names in lower case). */
  headers?: Record<string, string>;
  /** Text the body must not contain (attacker input that must not be echoed). */
  bodyExcludes?: string[];
  /**
   * Only in a target exception: the response is the tool's own, outside the contract, so only the
   * status is checked (the exception's reason says why).
   */
  outsideContract?: true;
  /**
   * Only in a target exception: the target is known never to answer; waits this long for nothing
   * (a connection it closes without an answer counts as nothing).
   */
  noResponseWithinMs?: number;
}

/** What a target that cannot honour a case does instead, and why. The test name prints both. */
export interface TargetException {
  reason: string;
  instead: Expectation;
}

export interface SetupStep {
  /** The request to send first; 'same' repeats the case's own request. */
  request: CaseRequest | 'same';
  /** How many times: a number, or as many as the target's burst or sustain limit allows. */
  times?: number | 'burst-limit' | 'sustain-limit';
  /** The status each of these must get (where the target honours the case); any documented one if absent. */
  status?: number;
  /** Leave the request in flight while the case's request is sent; aborted afterwards. */
  inFlight?: true;
  /**
   * With `inFlight`: the target holds this request in flight itself, and the case's request is
   * sent once it says it does (TargetInstance.heldRequests), not before. A send whose connection
   * string is HELD_CONNECTION_STRING is held so by the server's instances until they stop.
   */
  heldByTarget?: true;
  /**
   * A value the server chose (an invite's id) that a later request needs: read from this step's
   * JSON response at `pointer` (RFC 6901), it replaces `placeholder` in the paths of the later
   * steps and of the case's request. The placeholder is itself a valid value, so that the case
   * data stays a request the contract allows.
   */
  capture?: { pointer: string; placeholder: string };
}

export interface ConformanceCase {
  /** Reads after "<target>: ", e.g. "rejects 17 invitees". */
  title: string;
  request: CaseRequest;
  expect: Expectation;
  /** Requests sent first, in order (throttling, registrations, requests in flight). */
  setup?: SetupStep[];
  /**
   * Run against the target's instance with tight limits (2 per 15 s burst, 4 per 300 s sustain, 1
   * request in flight per caller) instead of the one whose limits are raised for the other cases.
   */
  throttling?: true;
  /**
   * Run against the target's degraded instance instead: its metrics turned off and its shared
   * store (Redis) stopped after start-up, for the responses only a deployment's configuration or a
   * failing dependency causes.
   */
  degraded?: true;
  /**
   * The state the case needs is one the instance reaches a moment later (Redis noticed gone): the
   * case's request is re-sent (bounded, no sleeping) until it gets the expected status.
   */
  retryUntilExpected?: true;
  /** Targets that cannot honour `expect`: what they do instead, and why. */
  exceptions?: Partial<Record<TargetName, TargetException>>;
}

/** The connection string of a send the server's instances hold in flight until they stop. */
export const HELD_CONNECTION_STRING = 'conformance: held in flight until the suite ends';
