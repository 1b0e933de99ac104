// Starts Prism (`@stoplight/prism-cli`) as a child process: a mock of the contract, or a proxy that
// validates a real server's traffic against it. Both bind loopback and report the URL Prism prints.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { specPath } from '@server-invites/contract';

/** The contract every Prism instance serves. */
export { specPath };

const prismBin = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');
/** The front the patched Prism puts before a mock (front.ts says what it does). */
const frontModule = fileURLToPath(new URL('./front.ts', import.meta.url));

export interface PrismInstance {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  /** Prism's own log lines so far (ANSI colours removed), for failure messages. */
  log(): string[];
  /** Settles when Prism exits, with its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Stops Prism and waits for it to exit. */
  close(): Promise<void>;
}

export interface CommonOptions {
  /** Port to listen on; 0 (the default) lets the system pick a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** The OpenAPI document (default: the repository's spec/openapi.yaml). */
  spec?: string;
  /** Receives each log line Prism prints (default: kept in memory only). */
  onLog?: (line: string) => void;
  /** How long to wait for Prism to listen before giving up (default 30 s). */
  startTimeoutMs?: number;
}

export interface MockOptions extends CommonOptions {
  /** Generate response data from the schemas instead of serving the spec's examples. */
  dynamic?: boolean;
  /** With `dynamic`, a seed that makes the generated data repeatable. */
  seed?: string;
}

export interface ProxyOptions extends CommonOptions {
  /** The server whose traffic is validated, e.g. http://127.0.0.1:3000 */
  upstream: string;
  /**
   * `--errors` (default true): a response that violates the contract is replaced by a 500
   * problem+json with an `sl-violations` header, and a request that violates it is answered by
   * Prism itself (422/401) instead of being forwarded. With false, everything is forwarded and
   * violations are only reported in the `sl-violations` header.
   */
  errors?: boolean;
}

/**
 * `prism mock`: serves the spec's examples (or generated data with `dynamic`), behind the front
 * that answers the requests the service answers before validating them (front.ts).
 */
export function startMock(options: MockOptions = {}): Promise<PrismInstance> {
  const spec = options.spec ?? specPath;
  const args = ['mock', spec];
  if (options.dynamic) args.push('--dynamic');
  if (options.seed !== undefined) args.push('--seed', options.seed);
  return startPrism(args, options, {
    SERVER_INVITES_MOCK_FRONT: frontModule,
    SERVER_INVITES_MOCK_SPEC: spec,
  });
}

/** `prism proxy <spec> <upstream>`: forwards to a real server and validates both directions. */
export function startValidatingProxy(options: ProxyOptions): Promise<PrismInstance> {
  const args = ['proxy', options.spec ?? specPath, options.upstream];
  if (options.errors ?? true) args.push('--errors');
  return startPrism(args, options);
}

const listeningLine = /Prism is listening on (http:\/\/\S+)/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ansi = /\u001b\[[0-9;]*m/g;
const keptLogLines = 500;

function startPrism(
  prismArgs: string[],
  options: CommonOptions,
  env: Record<string, string> = {},
): Promise<PrismInstance> {
  const host = options.host ?? '127.0.0.1';
  const args = [prismBin, ...prismArgs, '--host', host, '--port', String(options.port ?? 0)];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', SCARF_ANALYTICS: 'false', ...env },
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const timeoutMs = options.startTimeoutMs ?? 30_000;

  return new Promise<PrismInstance>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      fail(new Error(`Prism did not start listening within ${timeoutMs} ms`));
      child.kill('SIGKILL');
    }, timeoutMs);

    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      error.message += `\nprism ${prismArgs.join(' ')}\n${lines.slice(-30).join('\n')}`;
      reject(error);
    };

    const onLine = (raw: string) => {
      const line = raw.replace(ansi, '');
      lines.push(line);
      if (lines.length > keptLogLines) lines.shift();
      options.onLog?.(line);
      const match = listeningLine.exec(line);
      if (match?.[1] && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ url: match[1], log: () => [...lines], exited, close: () => stop(child) });
      }
    };
    splitLines(child.stdout, onLine);
    splitLines(child.stderr, onLine);
    child.once('error', fail);
    child.once('exit', (code, signal) =>
      fail(new Error(`Prism exited (${signal ?? `code ${code}`}) before listening`)),
    );
  });
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
