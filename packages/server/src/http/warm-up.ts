// Start-up warm-up: one request per operation of the contract, sent through the app before the
// instance reports ready, so that no caller pays for what express-openapi-validator builds lazily
// on first use (loading the spec, the operation router, and one request validator per operation,
// compiled by Ajv: tens of milliseconds each).
//
// Security is checked before the request validator is built, so warm-up requests carry a warm-up
// credential. Why accepting it is safe:
// - it is 256 random bits made per process, held in memory only, never logged or sent elsewhere;
// - it is accepted only while the lifecycle is `starting`, before the instance is ready;
// - the requests go to a second listener on 127.0.0.1 with an ephemeral port, closed before the
//   real one opens, so no other client can be connected while the credential is accepted;
// - a warm-up request never reaches the domain: it gets no verified credential, and the operation
//   adapter answers it 204 without calling the handler (nothing sent, stored or throttled).
// The request log leaves out every warm-up request (the readiness probe's 503 while starting is
// not an error worth a log line).
// Operations that need no credential (probes, documentation) are requested without it and run as
// for any caller.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Contract } from '../contract.ts';
import type { Lifecycle } from '../lifecycle.ts';

export interface WarmUpGate {
  /** The Authorization header value warm-up requests carry. */
  readonly credential: string;
  /** True for a request carrying the warm-up credential while the instance is starting. */
  accepts(req: IncomingMessage): boolean;
  /** True for any request the warm-up sent, with or without the credential (probes too). */
  sent(req: IncomingMessage): boolean;
  /** Called by the warm-up listener for each request it receives. */
  track(req: IncomingMessage): void;
}

export function createWarmUpGate(lifecycle: Lifecycle): WarmUpGate {
  const credential = `XBL3.0 x=-;warm-up.${randomBytes(32).toString('base64url')}`;
  const expected = Buffer.from(credential);
  const warmUpRequests = new WeakSet<IncomingMessage>();
  return {
    credential,
    sent: (req) => warmUpRequests.has(req),
    track: (req) => warmUpRequests.add(req),
    accepts(req) {
      if (lifecycle.state !== 'starting') return false;
      const offered = req.headers.authorization;
      if (offered === undefined || offered.length !== credential.length) return false;
      const bytes = Buffer.from(offered);
      return bytes.length === expected.length && timingSafeEqual(bytes, expected);
    },
  };
}

export interface WarmUpRequest {
  method: string;
  path: string;
  body?: string;
  /** Sent with the warm-up credential; an operation that needs none runs as for any caller. */
  secured: boolean;
}

export interface WarmUpReport {
  /** `METHOD path status` of every warm-up request. */
  responses: string[];
  ms: number;
}

/**
 * Serves the app on an ephemeral loopback port, sends it one request per operation, one at a time,
 * and closes the port. Statuses do not matter: a 400 has built the operation's validators too.
 */
export async function warmUp(
  app: RequestListener,
  contract: Contract,
  gate: WarmUpGate,
): Promise<WarmUpReport> {
  const started = performance.now();
  const server = createServer((req, res) => {
    gate.track(req);
    app(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const responses: string[] = [];
  try {
    for (const operation of warmUpRequests(contract)) {
      const status = await send(port, operation, gate.credential);
      responses.push(`${operation.method} ${operation.path} ${status}`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return { responses, ms: performance.now() - started };
}

/** One request per operation, with the contract's examples where it gives them. */
export function warmUpRequests(contract: Contract): WarmUpRequest[] {
  const document = contract.document() as unknown as OpenApiDocument;
  const resolve = <T>(value: T | Ref): T => {
    let current: unknown = value;
    for (let depth = 0; depth < 10 && isRef(current); depth++) {
      current = current.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
    }
    return current as T;
  };
  const requests: WarmUpRequest[] = [];
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map(
        resolve<Parameter>,
      );
      const exampleOf = (name: string, where: string) => {
        const parameter = parameters.find((p) => p.name === name && p.in === where);
        return String(parameter?.example ?? resolve<Schema>(parameter?.schema ?? {}).example ?? '0');
      };
      const path = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
        encodeURIComponent(exampleOf(name, 'path')),
      );
      const query = parameters
        .filter((p) => p.in === 'query' && p.required)
        .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(exampleOf(p.name, 'query'))}`)
        .join('&');
      const json =
        operation.requestBody && resolve<RequestBody>(operation.requestBody).content?.['application/json'];
      const example =
        json && (json.example ?? Object.values(json.examples ?? {}).map(resolve<Example>)[0]?.value);
      requests.push({
        secured: (operation.security ?? document.security ?? []).length > 0,
        method: method.toUpperCase(),
        path: query ? `${path}?${query}` : path,
        ...(json && { body: JSON.stringify(example ?? {}) }),
      });
    }
  }
  return requests;
}

function send(port: number, operation: WarmUpRequest, credential: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = operation.secured ? { authorization: credential } : {};
    if (operation.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(operation.body));
    }
    const req = request(
      { host: '127.0.0.1', port, method: operation.method, path: operation.path, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () =>
      req.destroy(new Error(`warm-up ${operation.method} ${operation.path} timed out`)),
    );
    req.end(operation.body);
  });
}

interface Ref {
  $ref: string;
}
const isRef = (value: unknown): value is Ref =>
  typeof value === 'object' && value !== null && typeof (value as Ref).$ref === 'string';
interface Schema {
  example?: unknown;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  schema?: Schema | Ref;
}
interface Example {
  value?: unknown;
}
interface RequestBody {
  content?: Record<string, { example?: unknown; examples?: Record<string, Example | Ref> }>;
}
interface Operation {
  security?: unknown[];
  parameters?: (Parameter | Ref)[];
  requestBody?: RequestBody | Ref;
}
interface OpenApiDocument {
  security?: unknown[];
  paths?: Record<
    string,
    Partial<Record<'get' | 'put' | 'post' | 'delete' | 'patch', Operation>> & {
      parameters?: (Parameter | Ref)[];
    }
  >;
}
