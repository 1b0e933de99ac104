// Start-up warm-up: express-openapi-validator loads the contract and compiles one request
// validator per operation (Ajv) on first use, tens of milliseconds each. So that no caller pays
// for that, one request per operation of the contract goes through the service's validation
// layer before the instance reports ready.
//
// The validator exposes no way to build its validators without a request, so the requests are
// real, on a throw-away listener on 127.0.0.1 (an ephemeral port, closed before the service's own
// listener opens) that serves only the validation layer: no authentication to get past, no
// handler behind it (nothing is sent, stored, throttled or logged), and nothing on the real
// listener that knows about warm-up.
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import type { Contract } from '../contract.ts';

export interface WarmUpRequest {
  method: string;
  path: string;
  body?: string;
}

/** Sends one request per operation through `validation`, one at a time. Statuses do not matter. */
export async function warmUp(validation: RequestHandler, contract: Contract): Promise<void> {
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use(validation);
  app.use((_req: express.Request, res: express.Response) => {
    res.status(204).end();
  });
  // A 400 has built the operation's validators too.
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(204).end();
  });
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    for (const operation of warmUpRequests(contract)) await send(port, operation);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** One request per operation, with the contract's examples where it gives them. */
export function warmUpRequests(contract: Contract): WarmUpRequest[] {
  return contract.operations.map((operation) => {
    const exampleOf = (name: string, where: string) => {
      const parameter = operation.parameters.find((p) => p.name === name && p.in === where);
      return String(parameter?.object.example ?? parameter?.schema.example ?? '0');
    };
    const path = operation.pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) =>
      encodeURIComponent(exampleOf(name, 'path')),
    );
    const query = operation.parameters
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(exampleOf(p.name, 'query'))}`)
      .join('&');
    const json = jsonBody(contract, operation.object.requestBody);
    return {
      method: operation.method,
      path: query ? `${path}?${query}` : path,
      ...(json !== undefined && { body: JSON.stringify(json) }),
    };
  });
}

function jsonBody(contract: Contract, requestBody: unknown): unknown {
  if (requestBody === undefined) return undefined;
  const media = (contract.resolve(requestBody as never).content as Record<string, Record<string, unknown>>)?.[
    'application/json'
  ];
  if (!media) return undefined;
  const examples = Object.values((media.examples ?? {}) as Record<string, unknown>);
  const first = examples[0] === undefined ? undefined : contract.resolve(examples[0] as never).value;
  return media.example ?? first ?? {};
}

function send(port: number, operation: WarmUpRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (operation.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(operation.body));
    }
    const req = request(
      { host: '127.0.0.1', port, method: operation.method, path: operation.path, headers },
      (res) => {
        res.resume();
        res.on('end', resolve);
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
