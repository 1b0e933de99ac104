// The contract, read in one place: where spec/openapi.yaml is, its text, the document parsed once,
// `$ref`s resolved, and the list of its operations. The server, its start-up warm-up, the
// conformance suite and the mock all read the contract through this module.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';

export { type BrowserAccess, browserAccess } from './browser-access.ts';

/** The repository's spec/openapi.yaml. */
export const specPath = fileURLToPath(new URL('../../../spec/openapi.yaml', import.meta.url));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface ContractParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** The parameter's schema, references resolved at its top level. */
  schema: JsonObject;
  /** The parameter's object as written, with its top-level reference resolved. */
  object: JsonObject;
}

export interface ContractOperation {
  operationId: string;
  /** Upper case, as on the wire. */
  method: string;
  /** The path as the spec writes it, e.g. `/titles/{titleId}/invites/server`. */
  pathTemplate: string;
  /** Whether the caller must present a credential (the operation's or the document's security). */
  secured: boolean;
  /** Path-item and operation parameters together. */
  parameters: ContractParameter[];
  /** The operation object, with its top-level reference resolved. */
  object: JsonObject;
}

export interface ContractDocument {
  path: string;
  /** The document as written (served at /openapi.yaml). */
  text: string;
  /**
   * The parsed document. Shared and frozen: a caller that must change it (a validator that
   * annotates its input) takes `copy()`.
   */
  document: Readonly<JsonObject>;
  /** A fresh, mutable copy of the parsed document. */
  copy(): JsonObject;
  /** Follows local `$ref`s until it reaches an object; throws on a dangling or non-local one. */
  resolve(node: Json | undefined): JsonObject;
  operations: readonly ContractOperation[];
}

const cache = new Map<string, ContractDocument>();

/** Reads and parses the contract once per path and process. */
export function readContract(path: string = specPath): ContractDocument {
  let contract = cache.get(path);
  if (!contract) {
    contract = parseContract(readFileSync(path, 'utf8'), path);
    cache.set(path, contract);
  }
  return contract;
}

/** Parses a contract from its text (for tests that need a variant of the real document). */
export function parseContract(text: string, path = '<inline>'): ContractDocument {
  // CORE_SCHEMA keeps YAML 1.2's plain types: an unquoted date in an example stays a string, as
  // JSON would have it. js-yaml parses this document a little over twice as fast as `yaml`.
  const parsed = load(text, { schema: CORE_SCHEMA, filename: path }) as JsonObject;
  const document = deepFreeze(parsed);
  const resolve = (node: Json | undefined): JsonObject => {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error('$ref chain too long');
      current = resolvePointer(document, current.$ref);
    }
    if (!isObject(current))
      throw new Error(`expected an object in the contract, got ${JSON.stringify(current)}`);
    return current;
  };
  return {
    path,
    text,
    document,
    copy: () => structuredClone(parsed),
    resolve,
    operations: listOperations(document, resolve),
  };
}

function listOperations(document: JsonObject, resolve: (node: Json | undefined) => JsonObject) {
  const operations: ContractOperation[] = [];
  for (const [pathTemplate, pathItemRef] of Object.entries(resolve(document.paths ?? {}))) {
    const pathItem = resolve(pathItemRef);
    for (const method of httpMethods) {
      if (!(method in pathItem)) continue;
      const operation = resolve(pathItem[method]);
      const parameters = [
        ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ].map((ref): ContractParameter => {
        const object = resolve(ref);
        return {
          name: String(object.name),
          in: String(object.in) as ContractParameter['in'],
          required: object.required === true,
          schema: object.schema === undefined ? {} : resolve(object.schema),
          object,
        };
      });
      const security = Array.isArray(operation.security) ? operation.security : document.security;
      operations.push({
        operationId: String(operation.operationId),
        method: method.toUpperCase(),
        pathTemplate,
        secured: Array.isArray(security) && security.length > 0,
        parameters,
        object: operation,
      });
    }
  }
  return operations;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolvePointer(document: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: Json = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(key in node)) throw new Error(`unresolvable $ref ${ref}`);
    node = node[key] as Json;
  }
  return node;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
