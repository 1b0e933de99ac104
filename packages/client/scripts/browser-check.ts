// `pnpm run check:browser`: loads the built package in headless Chromium (`CHROMIUM` or
// `chromium` on PATH) in three pages: one calls the Prism mock through it on its own origin (sends,
// typed errors, abort, timeout); another runs on another origin than the real service (started
// with CORS_ORIGINS naming the page's origin) and calls it through the client: preflights, the
// exposed headers (Retry-After, RateLimit, X-Request-Id), registering and receiving; the third
// calls the service and the mock alike from another origin, and must find that both let it send
// and read the same headers (Prefer, WWW-Authenticate on a 401, Allow on a 405, X-Request-Id; a
// made-up header refused by both). Last, the service's own /docs page: "Try it out" must reach the
// service serving it (driven through the DevTools protocol).
// Not part of `test`, which must pass on machines without a browser.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMock } from '@server-invites/mock';
import { startTestServer } from '@server-invites/server/testing';
import { packageDir, run } from './pack-check.ts';

const PAGE = `<!doctype html><html><body><pre id="out">pending</pre><script type="module">
import { AuthorizationError, createInvitesClient, Platform, RequestValidationError, ThrottledError } from '/dist/index.js';
const out = {};
const base = { baseUrl: location.origin, credentials: async () => 'XBL3.0 x=-;browser-token', retry: { maxAttempts: 1 } };
const prefer = (value) => (url, init) => {
  const headers = new Headers(init.headers);
  headers.set('Prefer', value);
  return fetch(url, { ...init, headers });
};
const invite = { invitedUsers: ['2814613569642996'], sender: '2533274792693551' };
const failure = (promise) => promise.then(() => undefined, (error) => error);
try {
  await createInvitesClient(base).sendServerInvite(1827805096, { ...invite, platform: Platform.Scarlett });
  out.sent = true;
  let e = await failure(createInvitesClient({ ...base, fetch: prefer('code=429') }).sendServerInvite(1, invite));
  out.throttled = { is: e instanceof ThrottledError, retryAfterMs: e.retryAfterMs, limitType: e.throttledEntity?.limitType };
  e = await failure(createInvitesClient(base).sendServerInvite(1, { ...invite, invitedUsers: [] }));
  out.validation = e instanceof RequestValidationError;
  e = await failure(createInvitesClient({ ...base, fetch: prefer('code=400, example=AuthorizationError') }).sendServerInvite(1, invite));
  out.authorization = e instanceof AuthorizationError;
  e = await failure(createInvitesClient({ ...base, baseUrl: 'http://127.0.0.1:9' }).sendServerInvite(1, invite));
  out.network = { name: e.name, mayHaveReachedServer: e.mayHaveReachedServer };
  const controller = new AbortController();
  const pending = createInvitesClient({ ...base, fetch: () => new Promise(() => {}) }).sendServerInvite(1, invite, { signal: controller.signal });
  controller.abort(new Error('aborted by the page'));
  out.abort = (await failure(pending)).message;
  const hang = (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  out.timeout = (await failure(createInvitesClient({ ...base, timeoutMs: 100, fetch: hang }).sendServerInvite(1, invite))).name;
} catch (error) {
  out.unexpected = String(error);
}
document.getElementById('out').textContent = JSON.stringify(out);
</script></body></html>`;

const EXPECTED = {
  sent: true,
  throttled: { is: true, retryAfterMs: 12_000, limitType: 'Rate' },
  validation: true,
  authorization: true,
  // A browser's fetch hides why a request failed, so the client cannot prove it was not sent.
  network: { name: 'NetworkError', mayHaveReachedServer: true },
  abort: 'aborted by the page',
  timeout: 'TimeoutError',
};

/** The page on its own origin, calling the real service on another through the client. */
const CROSS_ORIGIN_PAGE = `<!doctype html><html><body><pre id="out">pending</pre><script type="module">
import { createInviteReceiver, createInvitesClient, RequestValidationError, ThrottledError } from '/dist/index.js';
const out = {};
try {
  const service = await (await fetch('/service.json')).json();
  const rateLimit = [];
  const recording = async (url, init) => {
    const response = await fetch(url, init);
    rateLimit.push(response.headers.get('RateLimit'));
    return response;
  };
  const options = { baseUrl: service.url, retry: { maxAttempts: 1 } };
  const client = createInvitesClient({ ...options, credentials: service.gameServer, fetch: recording });
  const receiver = createInviteReceiver({ ...options, credentials: service.player });
  const failure = (promise) => promise.then(() => undefined, (error) => error);
  const invite = { invitedUsers: [service.xuid], sender: '2533274792693551' };
  out.registered = (await receiver.registerEndpoint(service.xuid, 'browser-tab', { platform: 'Win32' })).created;
  await client.sendServerInvite(service.titleId, invite);
  out.sent = true;
  out.rateLimitReadable = /^"burst";r=0;t=\\d+/.test(rateLimit[0] ?? '');
  out.received = [];
  for await (const got of receiver.receiveInvites(service.xuid, 'browser-tab', { waitSeconds: 0 })) out.received.push(got.invitedUser);
  let e = await failure(client.sendServerInvite(service.titleId, invite, { requestId: 'page-throttled-1' }));
  out.throttled = { is: e instanceof ThrottledError, retryAfterReadable: e.retryAfterMs > 0, requestId: e.requestId };
  e = await failure(client.sendServerInvite(service.titleId, { ...invite, invitedUsers: [] }, { requestId: 'page-invalid-1' }));
  out.validation = { is: e instanceof RequestValidationError, requestId: e.requestId };
  // The stream: an invite sent while it is open arrives through it; a stream resumed after its
  // cursor (a Last-Event-ID the preflight must allow) brings the next invite, not that one again.
  // Senders of its own: the service allows each one invite a minute (the other pages' are spent).
  const streamed = async () => {
    await receiver.registerEndpoint(service.xuid, 'browser-stream', { platform: 'Win32' });
    const game = createInvitesClient({ ...options, credentials: service.gameServer });
    const stream = receiver.streamInvites(service.xuid, 'browser-stream');
    const arriving = stream.next();
    await game.sendServerInvite(service.titleId, { invitedUsers: [service.xuid], sender: '2533274792693600' });
    const first = (await arriving).value;
    await stream.return();
    out.streamed = { sender: first.sender, cursor: /^[0-9]+$/.test(first.cursor) };
    await game.sendServerInvite(service.titleId, { invitedUsers: [service.xuid], sender: '2533274792693601' });
    const resumed = receiver.streamInvites(service.xuid, 'browser-stream', { lastEventId: first.cursor });
    const next = (await resumed.next()).value;
    await resumed.return();
    out.resumed = { sender: next.sender };
  };
  await streamed().catch((error) => {
    out.streamFailed = String(error);
  });
} catch (error) {
  out.unexpected = String(error);
}
document.getElementById('out').textContent = JSON.stringify(out);
</script></body></html>`;

const CROSS_ORIGIN_XUID = '2814613569642996';

const CROSS_ORIGIN_EXPECTED = {
  registered: true,
  sent: true,
  // Each of these is readable only if the service exposes the header to the page's script.
  rateLimitReadable: true,
  received: [CROSS_ORIGIN_XUID],
  throttled: { is: true, retryAfterReadable: true, requestId: 'page-throttled-1' },
  validation: { is: true, requestId: 'page-invalid-1' },
  streamed: { sender: '2533274792693600', cursor: true },
  resumed: { sender: '2533274792693601' },
};

/**
 * The page on another origin than both the service and the mock, calling each the same way: what a
 * page may send and read must be the same (the mock answers the 401 it is asked for with Prefer).
 */
const AGREEMENT_PAGE = `<!doctype html><html><body><pre id="out">pending</pre><script type="module">
import { AuthenticationError, createInvitesClient } from '/dist/index.js';
const targets = await (await fetch('/agreement.json')).json();
const failure = (promise) => promise.then(() => undefined, (error) => error);
const out = {};
for (const [name, target] of Object.entries(targets)) {
  const seen = {};
  try {
    const options = { baseUrl: target.url, retry: { maxAttempts: 1 } };
    const prefer = (value) => (url, init) => {
      const headers = new Headers(init.headers);
      headers.set('Prefer', value);
      return fetch(url, { ...init, headers });
    };
    const invite = { invitedUsers: ['2814613569642996'], sender: target.sender };
    await createInvitesClient({ ...options, credentials: target.gameServer, fetch: prefer('code=204') }).sendServerInvite(1827805096, invite, { requestId: 'page-sent-1' });
    seen.sentWithPrefer = true;
    const e = await failure(createInvitesClient({ ...options, credentials: target.refused, fetch: prefer('code=401') }).sendServerInvite(1827805096, invite));
    seen.unauthenticated = { is: e instanceof AuthenticationError, wwwAuthenticate: /^XBL3[.]0/.test(e?.wwwAuthenticate ?? '') };
    const notAllowed = await fetch(target.url + '/titles/1827805096/invites/server', { headers: { 'X-Request-Id': 'page-405' } });
    seen.notAllowed = { status: notAllowed.status, allow: notAllowed.headers.get('Allow'), requestId: notAllowed.headers.get('X-Request-Id') };
    seen.madeUpHeader = (await failure(fetch(target.url + '/healthz', { headers: { 'X-Page-Made-Up': '1' } })))?.name ?? 'sent';
  } catch (error) {
    seen.unexpected = String(error);
  }
  out[name] = seen;
}
document.getElementById('out').textContent = JSON.stringify(out);
</script></body></html>`;

/** What the agreement page must find, from the service and from the mock alike. */
const AGREEMENT_EXPECTED = {
  sentWithPrefer: true,
  unauthenticated: { is: true, wwwAuthenticate: true },
  notAllowed: { status: 405, allow: 'POST', requestId: 'page-405' },
  // The browser refuses the request itself, after a preflight that does not allow the header.
  madeUpHeader: 'TypeError',
};

/**
 * Serves the pages and dist/, and forwards everything else to Prism: the mock page and the mock
 * share one origin, so no CORS; the cross-origin page reads where the service is from
 * /service.json (set once the service runs).
 */
function serve(
  prismUrl: string,
): Promise<{ url: string; close(): void; service?: object; agreement?: object }> {
  let site: { url: string; close(): void; service?: object; agreement?: object };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    } else if (url === '/cross-origin') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(CROSS_ORIGIN_PAGE);
    } else if (url === '/service.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(site.service ?? {}));
    } else if (url === '/agreement') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(AGREEMENT_PAGE);
    } else if (url === '/agreement.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(site.agreement ?? {}));
    } else if (url.startsWith('/dist/') && !url.includes('..')) {
      const file = await readFile(path.join(packageDir, url)).catch(() => undefined);
      if (file === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(file);
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value);
      }
      const upstream = await fetch(prismUrl + url, {
        method: req.method ?? 'GET',
        headers,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      const body = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, Object.fromEntries(upstream.headers)).end(body);
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(502).end(String(error)));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      site = { url: `http://127.0.0.1:${port}`, close: () => server.close() };
      resolve(site);
    });
  });
}

const chromium = process.env.CHROMIUM ?? 'chromium';
const chromiumFlags = async () => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  // No calls home: on a machine without internet they fail, many at a time, and slow the run.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  `--user-data-dir=${await mkdtemp(path.join(tmpdir(), 'browser-check-'))}`,
];

/**
 * Loads a page in headless Chromium and returns what it wrote into its `<pre id="out">`, once it
 * has written it: the page is watched until then (through the DevTools protocol), not given a
 * budget of time. A dump after a virtual-time budget read one page before its stream had closed.
 */
function runPage(url: string): Promise<unknown> {
  return evaluateInPage(url, PAGE_OUTPUT);
}

/** The page's `<pre id="out">` as JSON once it no longer says "pending" (at most 45 s). */
const PAGE_OUTPUT = `(async () => {
  const out = document.getElementById('out');
  for (const deadline = Date.now() + 45000; out.textContent === 'pending' && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return JSON.parse(out.textContent === 'pending' ? '{"unexpected":"the page never finished"}' : out.textContent);
})()`;

/**
 * Opens a page in headless Chromium and evaluates `expression` (a promise) in it once it has
 * loaded, through the DevTools protocol: for a page this script does not write, such as /docs.
 */
async function evaluateInPage(url: string, expression: string): Promise<unknown> {
  const flags = await chromiumFlags();
  const userDataDir = (flags.at(-1) ?? '').slice('--user-data-dir='.length);
  const browser = spawn(chromium, [...flags, '--remote-debugging-port=0', 'about:blank'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 60_000;
  try {
    let port = '';
    while (!port) {
      if (Date.now() > deadline) throw new Error('Chromium did not open its DevTools port');
      port =
        (await readFile(path.join(userDataDir, 'DevToolsActivePort'), 'utf8').catch(() => '')).split(
          '\n',
        )[0] ?? '';
      if (!port) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pages = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
      type: string;
      webSocketDebuggerUrl: string;
    }>;
    const page = pages.find((candidate) => candidate.type === 'page');
    if (!page) throw new Error('Chromium has no page');
    const socket = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    let lastId = 0;
    const answers = new Map<number, (message: { result?: unknown; error?: unknown }) => void>();
    let onLoad = () => {};
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        method?: string;
        result?: unknown;
        error?: unknown;
      };
      if (message.id !== undefined) answers.get(message.id)?.(message);
      else if (message.method === 'Page.loadEventFired') onLoad();
    });
    const call = (method: string, params: object = {}) =>
      new Promise<{ result?: unknown; error?: unknown }>((resolve) => {
        lastId += 1;
        answers.set(lastId, resolve);
        socket.send(JSON.stringify({ id: lastId, method, params }));
      });
    await call('Page.enable');
    const loaded = new Promise<void>((resolve) => {
      onLoad = resolve;
    });
    await call('Page.navigate', { url });
    await loaded;
    const evaluated = await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    socket.close();
    const result = evaluated.result as
      | { result?: { value?: unknown }; exceptionDetails?: unknown }
      | undefined;
    if (evaluated.error || result?.exceptionDetails)
      return { unexpected: JSON.stringify(evaluated.error ?? result?.exceptionDetails) };
    return result?.result?.value;
  } finally {
    browser.kill();
  }
}

/** In the service's /docs: "Try it out" on getHealth, then which server it used and what came back. */
const TRY_IT_OUT = `(async () => {
  const until = async (find, what) => {
    for (let i = 0; i < 400; i++) {
      const found = find();
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the docs page never showed ' + what);
  };
  const operation = '#operations-Operations-getHealth';
  const servers = await until(() => document.querySelector('.servers select'), 'its servers');
  (await until(() => document.querySelector(operation + ' .opblock-summary-control'), 'getHealth')).click();
  (await until(() => document.querySelector(operation + ' .try-out__btn'), 'Try it out')).click();
  (await until(() => document.querySelector(operation + ' .execute'), 'Execute')).click();
  const requestUrl = await until(() => document.querySelector(operation + ' .request-url pre'), 'the request URL');
  const status = await until(() => document.querySelector(operation + ' .live-responses-table tbody .response-col_status'), 'the response');
  return { server: servers.value, requestUrl: requestUrl.textContent, status: status.textContent.trim() };
})()`;

function compare(name: string, report: unknown, expected: unknown): boolean {
  const ok = JSON.stringify(report) === JSON.stringify(expected);
  console.warn(`${ok ? `${name}: passed` : `${name}: FAILED`}: ${JSON.stringify(report)}`);
  return ok;
}

if (import.meta.main) {
  await run('pnpm', ['run', 'build'], packageDir);
  const prism = await startMock();
  const site = await serve(prism.url);
  // A page origin other than the service's (another port): every call is cross-origin.
  const service = await startTestServer({
    env: { CORS_ORIGINS: site.url },
    throttle: { burst: { limit: 1, windowSeconds: 60 } },
  });
  try {
    const titleId = 1827805096;
    site.service = {
      url: service.url,
      titleId,
      xuid: CROSS_ORIGIN_XUID,
      gameServer: await service.serviceCredential([titleId]),
      player: await service.userCredential(CROSS_ORIGIN_XUID),
    };
    const sameOrigin = compare('browser check (mock, same origin)', await runPage(`${site.url}/`), EXPECTED);
    const crossOrigin = compare(
      'browser check (service, another origin)',
      await runPage(`${site.url}/cross-origin`),
      CROSS_ORIGIN_EXPECTED,
    );
    // A sender of its own: the service's burst window (1) is the cross-origin page's.
    const sender = '2533274792693552';
    site.agreement = {
      service: {
        url: service.url,
        sender,
        gameServer: await service.serviceCredential([titleId]),
        refused: 'XBL3.0 x=-;not-a-jwt',
      },
      mock: { url: prism.url, sender, gameServer: 'XBL3.0 x=-;any-token', refused: 'XBL3.0 x=-;any-token' },
    };
    const agreement = compare(
      'browser check (service and mock, another origin, the same headers)',
      await runPage(`${site.url}/agreement`),
      {
        service: AGREEMENT_EXPECTED,
        mock: AGREEMENT_EXPECTED,
      },
    );
    const docs = compare(
      "browser check (the service's /docs, Try it out)",
      await evaluateInPage(`${service.url}/docs`, TRY_IT_OUT),
      {
        server: service.url,
        requestUrl: `${service.url}/healthz`,
        status: '200',
      },
    );
    process.exitCode = sameOrigin && crossOrigin && agreement && docs ? 0 : 1;
  } finally {
    site.close();
    await service.close();
    await prism.close();
  }
}
