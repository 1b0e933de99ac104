// What a page on another origin may send to and read from an implementation of the contract (the
// CORS policy), derived from the contract so that the service and the mock answer preflights and
// expose headers alike, and a header added to the contract reaches browsers without a second list.
import type { ContractDocument, Json, JsonObject } from './index.ts';

export interface BrowserAccess {
  /** Every method of the contract's operations (HEAD is a CORS-safelisted method, never asked for). */
  methods: string[];
  /**
   * The request headers a page's script may set: the credential's header, `Content-Type` for the
   * bodies, every header parameter, and `Prefer` (see below).
   */
  requestHeaders: string[];
  /** The response headers a page's script may read: every header a response documents, and `Allow`. */
  exposedHeaders: string[];
  /** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
  maxAgeSeconds: number;
}

/**
 * `Prefer` is how a page asks the mock for one documented response (packages/mock/README.md). The
 * service ignores it, as RFC 7240 lets a server ignore a preference, and allows it all the same,
 * so that a page written against the mock works against the service unchanged.
 */
const PREFER = 'Prefer';
/** The 405 that the contract states in prose names the path's methods in `Allow`. */
const ALLOW = 'Allow';

export function browserAccess(
  contract: Pick<ContractDocument, 'document' | 'operations' | 'resolve'>,
): BrowserAccess {
  const { document, operations, resolve } = contract;
  const requestHeaders = new HeaderNames();
  const exposedHeaders = new HeaderNames();
  const schemes = resolve((resolve(document.components ?? {}).securitySchemes as Json | undefined) ?? {});
  for (const scheme of Object.values(schemes).map((node) => resolve(node))) {
    if (scheme.type === 'apiKey' && scheme.in === 'header') requestHeaders.add(String(scheme.name));
    if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect')
      requestHeaders.add('Authorization');
  }
  if (operations.some((operation) => operation.object.requestBody !== undefined))
    requestHeaders.add('Content-Type');
  for (const operation of operations) {
    for (const parameter of operation.parameters)
      if (parameter.in === 'header') requestHeaders.add(parameter.name);
    for (const response of Object.values(resolve(operation.object.responses ?? {}))) {
      exposedHeaders.addAll(Object.keys(headersOf(resolve(response))));
    }
  }
  requestHeaders.add(PREFER);
  exposedHeaders.add(ALLOW);
  return {
    methods: [...new Set(operations.map((operation) => operation.method))],
    requestHeaders: requestHeaders.list(),
    exposedHeaders: exposedHeaders.list(),
    maxAgeSeconds: 600,
  };
}

function headersOf(response: JsonObject): JsonObject {
  const headers = response.headers;
  return typeof headers === 'object' && headers !== null && !Array.isArray(headers) ? headers : {};
}

/** Header names in the order first met, each once whatever its case (the first spelling kept). */
class HeaderNames {
  readonly #names = new Map<string, string>();
  add(name: string): void {
    if (!this.#names.has(name.toLowerCase())) this.#names.set(name.toLowerCase(), name);
  }
  addAll(names: Iterable<string>): void {
    for (const name of names) this.add(name);
  }
  list(): string[] {
    return [...this.#names.values()];
  }
}
