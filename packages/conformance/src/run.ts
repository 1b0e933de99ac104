// Runs one case against one target and lists every way the outcome departs from the case or the
// contract. Every response the case causes (setup included) is checked against the contract.
import { connect } from 'node:net';
import type {
  CaseRequest,
  ConformanceCase,
  Expectation,
  SetupStep,
  TargetException,
  Throttled,
  WireRequest,
} from './case.ts';
import { checkResponse, checkWireResponse, type ObservedResponse } from './check.ts';
import type { Contract } from './contract.ts';
import { requestViolations } from './request.ts';
import type { Limits, Target, TargetInstance } from './targets.ts';

export interface CaseOutcome {
  /** Empty when the target did what the case (or its declared exception) says. */
  problems: string[];
  /** The expectation that applied: the case's, or the target's declared exception's. */
  expectation: Expectation;
  /** Why the target's exception applies, if one does. */
  exceptionReason?: string;
  /** The checked response (absent when none came). */
  response?: ObservedResponse;
  /** How the checked request reached the target. */
  route: Route;
}

/** Through which door a request reaches the target (see TargetInstance). */
export type Route = 'direct' | 'strict-proxy' | 'report-proxy';

export interface BuiltRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string | Uint8Array<ArrayBuffer> | undefined;
  /** The raw request, with `{authorization}` filled in, for requests sent over a socket. */
  wire?: WireRequest;
}

const maxRetries = 200;

export async function runCase(
  contract: Contract,
  target: Target,
  testCase: ConformanceCase,
): Promise<CaseOutcome> {
  const instance = testCase.degraded
    ? target.degraded
    : testCase.throttling
      ? target.throttling
      : target.general;
  const exception = testCase.exceptions?.[target.name];
  const expectation = exception?.instead ?? testCase.expect;
  const problems: string[] = [];
  // Requests left in flight by setup steps (a long poll holding the caller's only slot).
  const holds: Hold[] = [];
  /** How many of them are long polls, which the instance counts as waiting devices. */
  let waitingHolds = 0;
  // Placeholders in paths, and the values earlier setup steps read from their responses.
  const captured = new Map<string, string>();
  const buildFilled = (request: CaseRequest) => build(instance, withCaptured(request, captured));
  try {
    for (const [index, step] of (testCase.setup ?? []).entries()) {
      const stepRequest = await buildFilled(step.request === 'same' ? testCase.request : step.request);
      const times = repetitions(step, instance.limits);
      for (let round = 0; round < times; round++) {
        const label = `setup step ${index + 1}${times > 1 ? ` (${round + 1} of ${times})` : ''}`;
        if (step.inFlight) {
          // A long poll left in flight starts once the previous case's have left the instance, and
          // the case goes on once the instance counts it (a state it reports, never a time).
          const waits = stepRequest.path.includes('waitSeconds=') && instance.waitingDevices;
          if (waits) await until(() => instance.waitingDevices?.() === waitingHolds);
          const heldBefore = instance.heldRequests?.() ?? 0;
          holds.push(hold(instance.url, stepRequest));
          if (waits) {
            waitingHolds += 1;
            await until(() => instance.waitingDevices?.() === waitingHolds);
          }
          // A target that holds it says so once the request is in its hands (bounded, no sleeping).
          if (step.heldByTarget && instance.heldRequests) {
            for (let turn = 0; instance.heldRequests() === heldBefore; turn++) {
              if (turn === maxRetries * 100) {
                problems.push(`${label}: the target never held the request in flight`);
                break;
              }
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          continue;
        }
        const { response, problems: stepProblems } = await exchange(contract, instance, stepRequest);
        problems.push(...stepProblems.map((problem) => `${label}: ${problem}`));
        if (target.keepsState && step.status !== undefined && response.status !== step.status) {
          problems.push(`${label}: status ${response.status} where the case needs ${step.status} first`);
        }
        if (step.capture) {
          const value = valueAt(parseBody(response.body), step.capture.pointer);
          if (typeof value === 'string') captured.set(step.capture.placeholder, value);
          else
            problems.push(
              `${label}: no string at ${step.capture.pointer} to capture: ${response.body.slice(0, 200)}`,
            );
        }
      }
    }
    const request = await buildFilled(testCase.request);
    if (instance.asksForStatus) request.headers.set('prefer', `code=${expectation.status}`);

    if (expectation.noResponseWithinMs !== undefined) {
      const route = 'direct';
      try {
        const response = await send(
          instance.url,
          request,
          AbortSignal.timeout(expectation.noResponseWithinMs),
        );
        problems.push(
          `answered ${response.status} within ${expectation.noResponseWithinMs} ms where the declared exception says it never answers: remove the exception`,
        );
        return { problems, expectation, route, response, ...reason(exception) };
      } catch (error) {
        // No answer: none within the time, or the connection closed without one.
        if ((error as Error).name !== 'TimeoutError' && (error as Error).name !== 'NoResponseError')
          problems.push(`no answer, but not a timeout: ${String(error)}`);
        return { problems, expectation, route, ...reason(exception) };
      }
    }

    let outcome = await exchange(contract, instance, request, expectation.outsideContract);
    const retry = () =>
      testCase.retryUntilExpected &&
      outcome.problems.length === 0 &&
      outcome.response.status !== expectation.status;
    for (let attempt = 1; attempt < maxRetries && retry(); attempt++) {
      await new Promise((resolve) => setImmediate(resolve));
      outcome = await exchange(contract, instance, request, expectation.outsideContract);
    }
    problems.push(...outcome.problems);
    problems.push(...checkExpectation(expectation, outcome.response, instance.limits));
    return { problems, expectation, route: outcome.route, response: outcome.response, ...reason(exception) };
  } finally {
    await Promise.all(holds.map((held) => held.release()));
  }
}

interface Hold {
  /** Aborts the request and waits until it has ended. */
  release(): Promise<void>;
}

/**
 * Sends a request left in flight, straight to the implementation: its response is never awaited
 * (it is aborted at the end of the case), so there is nothing for a proxy to validate, and a proxy
 * might not pass the abort on.
 */
/** Resolves once `condition` holds, checked at every turn of the event loop; throws after 10 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('the instance never reached the state the case needs');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function hold(url: string, request: BuiltRequest): Hold {
  const controller = new AbortController();
  const ended = send(url, request, controller.signal).then(
    () => undefined,
    () => undefined,
  );
  return {
    async release() {
      controller.abort();
      await ended;
    },
  };
}

/** The request with each placeholder in its path replaced by the value captured for it. */
function withCaptured(request: CaseRequest, captured: ReadonlyMap<string, string>): CaseRequest {
  let path = request.path;
  for (const [placeholder, value] of captured) path = path.replaceAll(placeholder, encodeURIComponent(value));
  return path === request.path ? request : { ...request, path };
}

/** The value at a JSON pointer (RFC 6901), or undefined. */
function valueAt(document: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>(
      (node, token) =>
        typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[token] : undefined,
      document,
    );
}

function reason(exception: TargetException | undefined): { exceptionReason?: string } {
  return exception ? { exceptionReason: exception.reason } : {};
}

function repetitions(step: SetupStep, limits: Limits): number {
  if (step.times === 'burst-limit') return limits.burst.limit;
  if (step.times === 'sustain-limit') return limits.sustain.limit;
  return step.times ?? 1;
}

/**
 * How a case's request reaches a target that has validating proxies (known before running it: the
 * credential's value plays no part). The report prints the cases sent directly.
 */
export function plannedRoute(contract: Contract, request: CaseRequest): Route {
  const built = buildRequest(request, request.credential ? 'XBL3.0 x=-;placeholder' : undefined);
  return chooseRoute(contract, { strictProxyUrl: 'strict', reportProxyUrl: 'report' }, built);
}

async function build(instance: TargetInstance, request: CaseRequest): Promise<BuiltRequest> {
  return buildRequest(
    request,
    request.credential ? await instance.credential(request.credential) : undefined,
  );
}

/** The request a case sends, with `authorization` for its credential. */
export function buildRequest(request: CaseRequest, authorization: string | undefined): BuiltRequest {
  const headers = new Headers(request.headers);
  if (authorization !== undefined) headers.set('authorization', authorization);
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (request.raw !== undefined) {
    body = request.raw;
  } else if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const wire = request.wire && {
    ...request.wire,
    lines: request.wire.lines.map((line) => line.replaceAll('{authorization}', authorization ?? '')),
  };
  return { method: request.method, path: request.path, headers, body, ...(wire && { wire }) };
}

/** Picks the route, sends, and checks the response against the contract. */
async function exchange(
  contract: Contract,
  instance: TargetInstance,
  request: BuiltRequest,
  outsideContract = false,
): Promise<{ response: ObservedResponse; problems: string[]; route: Route }> {
  const route = chooseRoute(contract, instance, request);
  const base =
    route === 'strict-proxy'
      ? instance.strictProxyUrl
      : route === 'report-proxy'
        ? instance.reportProxyUrl
        : instance.url;
  const response = await send(base ?? instance.url, request);
  const problems: string[] = [];
  if (!outsideContract) {
    const check = request.wire ? checkWireResponse : checkResponse;
    problems.push(...check(contract, { method: request.method, path: request.path, response }));
    problems.push(...proxyViolations(route, response));
  }
  return { response, problems: problems.map((problem) => `${problem} [${route}]`), route };
}

function chooseRoute(
  contract: Contract,
  instance: Pick<TargetInstance, 'strictProxyUrl' | 'reportProxyUrl'>,
  request: BuiltRequest,
): Route {
  // Prism's proxy knows only the operations the document lists, and answers HEAD with its own 500.
  if (!instance.strictProxyUrl || !instance.reportProxyUrl || request.wire || request.method === 'HEAD')
    return 'direct';
  if (!prismForwardsVerbatim(request) || answersWithStream(contract, request)) return 'direct';
  const violations = requestViolations(contract, request);
  return violations.length === 0 ? 'strict-proxy' : 'report-proxy';
}

const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** A media type as RFC 9110 writes it, every parameter with a value (what Prism's parser takes). */
const strictMediaType = new RegExp(`^${token}/${token}(\\s*;\\s*${token}=(${token}|"[^"]*"))*$`);

/**
 * Whether the request's operation answers with a stream of events (text/event-stream): a Prism
 * proxy reads a whole response before passing it on, and a stream does not end.
 */
function answersWithStream(contract: Contract, request: BuiltRequest): boolean {
  const route = contract.route(request.method, request.path.split('?')[0] ?? '');
  return (
    route.kind === 'operation' &&
    [...route.operation.responses.values()].some((response) => response.content.has('text/event-stream'))
  );
}

/**
 * Whether a Prism proxy would pass the body on byte for byte. Prism parses a JSON body and forwards
 * `JSON.stringify` of it: it drops a body that does not parse (no answer at all), loses the quotes
 * of a JSON string, drops a falsy one (`null`, `0`), and compacts whitespace (so a body padded past
 * the size limit arrives small); it reads a compressed body (bytes) as text; and it answers 500
 * to a Content-Type its parser refuses (`application/json;`, a parameter without a value). Such requests go to the implementation
 * directly; the suite's own checks still apply to the response.
 */
function prismForwardsVerbatim(request: BuiltRequest): boolean {
  if (request.body instanceof Uint8Array) return false;
  const contentType = request.headers.get('content-type') ?? '';
  if (request.body && !strictMediaType.test(contentType)) return false;
  if (!request.body || !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType.trim())) return true;
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null && JSON.stringify(parsed) === request.body;
  } catch {
    return false;
  }
}

/** What Prism reported about the response in `sl-violations` (request violations are expected). */
function proxyViolations(route: Route, response: ObservedResponse): string[] {
  if (route === 'direct') return [];
  const header = response.headers.get('sl-violations');
  if (!header) return [];
  let violations: Array<{ location?: string[]; severity?: string; message?: string }>;
  try {
    violations = JSON.parse(header.replace(/^Too many violations! /, ''));
  } catch {
    return [`prism proxy: ${header}`];
  }
  return violations
    .filter((violation) => violation.location?.[0] === 'response')
    .map(
      (violation) =>
        `prism proxy: ${violation.location?.join('.')}: ${violation.message} (${violation.severity})`,
    );
}

async function send(base: string, request: BuiltRequest, signal?: AbortSignal): Promise<ObservedResponse> {
  if (request.wire) return sendWire(base, request.wire, signal ?? AbortSignal.timeout(wireTimeoutMs));
  const response = await fetch(new URL(request.path, base), {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined && { body: request.body }),
    ...(signal && { signal }),
    redirect: 'manual',
  });
  const body = response.headers.get('content-type')?.startsWith('text/event-stream')
    ? await firstEventBlock(response)
    : await response.text();
  return { status: response.status, headers: response.headers, body };
}

/**
 * A stream of events does not end: its body is read up to the end of its first block (the `retry:`
 * field the contract says it starts with), then the stream is cancelled.
 */
async function firstEventBlock(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const decoder = new TextDecoder();
  let text = '';
  const deadline = AbortSignal.timeout(wireTimeoutMs);
  try {
    while (!text.includes('\n\n') && !deadline.aborted) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) =>
          deadline.addEventListener('abort', () => reject(new Error('no first event block in time'))),
        ),
      ]);
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const end = text.indexOf('\n\n');
  return end < 0 ? text : text.slice(0, end + 2);
}

function checkExpectation(expectation: Expectation, response: ObservedResponse, limits: Limits): string[] {
  const problems: string[] = [];
  if (response.status !== expectation.status) {
    problems.push(
      `status ${response.status} where the case expects ${expectation.status}: ${response.body.slice(0, 300)}`,
    );
    return problems;
  }
  for (const [name, value] of Object.entries(expectation.headers ?? {})) {
    const actual = response.headers.get(name);
    if (actual !== value)
      problems.push(
        `header ${name}: ${JSON.stringify(actual)} where the case expects ${JSON.stringify(value)}`,
      );
  }
  for (const excluded of expectation.bodyExcludes ?? []) {
    if (response.body.includes(excluded))
      problems.push(
        `the body echoes ${excluded.length} characters of the request: ${response.body.slice(0, 200)}`,
      );
  }
  if (expectation.outsideContract) return problems;
  const body = parseBody(response.body);
  if (expectation.errorCode !== undefined) {
    const errorCode = (body as { errorCode?: unknown } | undefined)?.errorCode;
    if (errorCode !== expectation.errorCode) {
      problems.push(`errorCode ${JSON.stringify(errorCode)} where the case expects ${expectation.errorCode}`);
    }
  }
  if (expectation.throttled) problems.push(...checkThrottled(expectation.throttled, body, response, limits));
  return problems;
}

function checkThrottled(
  throttled: Throttled,
  body: unknown,
  response: ObservedResponse,
  limits: Limits,
): string[] {
  const problems: string[] = [];
  const entity = (body ?? {}) as Record<string, unknown>;
  const expected =
    throttled.limitType === 'Concurrency'
      ? { limitType: 'Concurrency', maxRequests: limits.concurrencyPerCaller }
      : {
          limitType: 'Rate',
          maxRequests: limits[throttled.window].limit,
          periodInSeconds: limits[throttled.window].windowSeconds,
        };
  for (const [key, value] of Object.entries(expected)) {
    if (entity[key] !== value)
      problems.push(`ThrottledEntity.${key} ${JSON.stringify(entity[key])} where the case expects ${value}`);
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  if (throttled.limitType === 'Rate' && !(retryAfter <= limits[throttled.window].windowSeconds)) {
    problems.push(
      `Retry-After ${response.headers.get('retry-after')} exceeds the ${throttled.window} window`,
    );
  }
  return problems;
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** How long a request sent over a raw socket may take to be answered. */
const wireTimeoutMs = 5_000;

/**
 * Sends a raw request over a socket and reads one response: its status line, headers, and a body
 * delimited by Content-Length or by the connection's end (chunked bodies are decoded).
 */
function sendWire(base: string, wire: WireRequest, signal: AbortSignal): Promise<ObservedResponse> {
  const url = new URL(base);
  const head = wire.lines.map((line) => line.replaceAll('{host}', url.host)).join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: ObservedResponse | Error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => {
      const error = new Error(`no answer within the wire timeout (${received.length} bytes received)`);
      error.name = 'TimeoutError';
      finish(error);
    };
    signal.addEventListener('abort', onAbort);
    socket.on('connect', () => {
      socket.write(`${head}\r\n\r\n`);
      if (wire.body !== undefined) socket.write(wire.body, wire.bodyEncoding ?? 'utf8');
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseResponse(received, false);
      if (parsed) finish(parsed);
    });
    // The server may close after answering, or reset a request it refused while we still wrote.
    const onEnd = () => {
      const response = parseResponse(received, true);
      if (response) return finish(response);
      const error = new Error(`the connection closed after ${received.length} bytes without a response`);
      error.name = 'NoResponseError';
      finish(error);
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', (error) => {
      if (!parseResponse(received, true)) finish(error);
    });
  });
}

/** A complete response parsed from the bytes so far, or undefined while more are needed. */
function parseResponse(bytes: Buffer, ended: boolean): ObservedResponse | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...headerLines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] ([0-9]{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  if (Number.isNaN(status)) return undefined;
  // An interim response (100 Continue) comes before the one that answers the request.
  if (status >= 100 && status < 200) return parseResponse(bytes.subarray(headEnd + 4), ended);
  const headers = new Headers();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const rest = bytes.subarray(headEnd + 4);
  const length = headers.get('content-length');
  if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
    const body = dechunk(rest);
    return body === undefined ? undefined : { status, headers, body: body.toString('utf8') };
  }
  if (length !== null) {
    if (rest.length < Number(length)) return undefined;
    return { status, headers, body: rest.subarray(0, Number(length)).toString('utf8') };
  }
  if (status === 204 || status === 304 || status < 200) return { status, headers, body: '' };
  return ended ? { status, headers, body: rest.toString('utf8') } : undefined;
}

function dechunk(bytes: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
