// The contract as the suite reads it: spec/openapi.yaml parsed with `yaml`, its schemas compiled
// with Ajv (draft-07 vocabulary plus ajv-formats, which covers OpenAPI's int32/int64), and the
// lookups the checks need (which operation a request hits, what it documents).
import { readFileSync } from 'node:fs';
import { specPath } from '@server-invites/mock';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS with a default export; under NodeNext the callable is `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface HeaderSpec {
  name: string;
  required: boolean;
  validate: ValidateFunction;
  /** The JSON type the header's value is read as before validation. */
  type: 'integer' | 'number' | 'boolean' | 'string';
}

export interface ResponseSpec {
  status: string;
  headers: HeaderSpec[];
  /** Media type -> body validator; empty when the response has no body. */
  content: Map<string, ValidateFunction>;
}

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  validate: ValidateFunction;
  /** The JSON type the parameter's text is read as before validation. */
  type: HeaderSpec['type'];
}

export interface OperationSpec {
  operationId: string;
  method: string;
  pathTemplate: string;
  /** Path-item and operation parameters together. */
  parameters: ParameterSpec[];
  requestBody?: { required: boolean; content: Map<string, ValidateFunction> };
  /** Whether the operation needs the XblAuth credential (the Authorization header). */
  secured: boolean;
  responses: Map<string, ResponseSpec>;
}

export type RouteMatch =
  | { kind: 'operation'; operation: OperationSpec; pathParams: Record<string, string> }
  | { kind: 'method-not-allowed'; pathTemplate: string; allowed: string[] }
  | { kind: 'no-path' };

export interface Contract {
  document: JsonObject;
  operations: OperationSpec[];
  operation(operationId: string): OperationSpec;
  /** Which operation `method path` (path without query) hits, following the spec's templates. */
  route(method: string, path: string): RouteMatch;
  /** A validator for a component schema, e.g. `ErrorResponse`. */
  schema(name: string): ValidateFunction;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const schemaRef = '#/components/schemas/';
const schemaId = (name: string) => `urn:server-invites:schema:${name}`;

/** Loads and compiles the contract (default: the repository's spec/openapi.yaml). */
export function loadContract(path: string = specPath): Contract {
  const document = parse(readFileSync(path, 'utf8')) as JsonObject;
  const ajv = new Ajv({ strict: true, allErrors: true, validateSchema: false });
  addFormats(ajv);
  // OpenAPI annotations that are not JSON Schema keywords.
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'x-internal' });
  // Each component schema is registered under its own id and every `#/components/schemas/X` ref is
  // rewritten to that id, so that any schema of the document (inline or not) compiles alone.
  const components = isObject(document.components) ? document.components : {};
  for (const [name, schema] of Object.entries(isObject(components.schemas) ? components.schemas : {})) {
    ajv.addSchema({ ...(rewriteRefs(schema) as JsonObject), $id: schemaId(name) });
  }

  const compile = (schema: Json): ValidateFunction => ajv.compile(rewriteRefs(schema) as JsonObject);
  const deref = (node: Json | undefined): JsonObject => {
    let current = node;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error('$ref chain too long');
      current = resolvePointer(document, current.$ref);
    }
    if (!isObject(current))
      throw new Error(`expected an object in the contract, got ${JSON.stringify(current)}`);
    return current;
  };

  const operations: OperationSpec[] = [];
  const paths = deref(document.paths);
  for (const [pathTemplate, pathItemRef] of Object.entries(paths)) {
    const pathItem = deref(pathItemRef);
    for (const method of httpMethods) {
      if (!(method in pathItem)) continue;
      const operation = deref(pathItem[method]);
      const responses = new Map<string, ResponseSpec>();
      for (const [status, responseRef] of Object.entries(deref(operation.responses))) {
        const response = deref(responseRef);
        const headers: HeaderSpec[] = Object.entries(isObject(response.headers) ? response.headers : {}).map(
          ([name, headerRef]) => {
            const header = deref(headerRef);
            return {
              name: name.toLowerCase(),
              required: header.required === true,
              validate: compile(header.schema ?? {}),
              type: scalarType(deref(header.schema)),
            };
          },
        );
        const content = new Map<string, ValidateFunction>();
        for (const [mediaType, media] of Object.entries(isObject(response.content) ? response.content : {})) {
          content.set(mediaType.toLowerCase(), compile(deref(media).schema ?? {}));
        }
        responses.set(status, { status, headers, content });
      }
      const parameters: ParameterSpec[] = [
        ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ].map((parameterRef) => {
        const parameter = deref(parameterRef);
        const location = String(parameter.in) as ParameterSpec['in'];
        return {
          name: location === 'header' ? String(parameter.name).toLowerCase() : String(parameter.name),
          in: location,
          required: parameter.required === true,
          validate: compile(parameter.schema ?? {}),
          type: scalarType(deref(parameter.schema)),
        };
      });
      let requestBody: OperationSpec['requestBody'];
      if (operation.requestBody !== undefined) {
        const body = deref(operation.requestBody);
        const content = new Map<string, ValidateFunction>();
        for (const [mediaType, media] of Object.entries(isObject(body.content) ? body.content : {})) {
          content.set(mediaType.toLowerCase(), compile(deref(media).schema ?? {}));
        }
        requestBody = { required: body.required === true, content };
      }
      const security = Array.isArray(operation.security) ? operation.security : document.security;
      operations.push({
        operationId: String(operation.operationId),
        method: method.toUpperCase(),
        pathTemplate,
        parameters,
        ...(requestBody && { requestBody }),
        secured: Array.isArray(security) && security.length > 0,
        responses,
      });
    }
  }

  const matchers = Object.keys(paths).map((template) => ({
    template,
    regex: templateRegex(template),
    names: [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? ''),
  }));
  return {
    document,
    operations,
    operation(operationId) {
      const found = operations.find((operation) => operation.operationId === operationId);
      if (!found) throw new Error(`the contract has no operation ${operationId}`);
      return found;
    },
    route(method, path) {
      const matched = matchers.filter(({ regex }) => regex.test(path));
      if (matched.length === 0) return { kind: 'no-path' };
      const candidates = operations.filter((operation) =>
        matched.some(({ template }) => template === operation.pathTemplate),
      );
      const operation = candidates.find((candidate) => candidate.method === method.toUpperCase());
      if (operation) {
        const matcher = matched.find(({ template }) => template === operation.pathTemplate);
        const values = matcher?.regex.exec(path)?.slice(1) ?? [];
        const pathParams = Object.fromEntries(
          (matcher?.names ?? []).map((name, index) => [name, decodeURIComponent(values[index] ?? '')]),
        );
        return { kind: 'operation', operation, pathParams };
      }
      return {
        kind: 'method-not-allowed',
        pathTemplate: matched[0]?.template ?? path,
        allowed: candidates.map((candidate) => candidate.method),
      };
    },
    schema(name) {
      const validate = ajv.getSchema(schemaId(name));
      if (!validate) throw new Error(`the contract has no schema ${name}`);
      return validate;
    },
  };
}

function scalarType(schema: JsonObject): HeaderSpec['type'] {
  const type = schema.type;
  return type === 'integer' || type === 'number' || type === 'boolean' ? type : 'string';
}

function templateRegex(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

function isObject(value: Json | undefined): value is JsonObject {
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

function rewriteRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      if (!value.startsWith(schemaRef))
        throw new Error(`a schema may only $ref a component schema, got ${value}`);
      out[key] = schemaId(value.slice(schemaRef.length));
    } else {
      out[key] = rewriteRefs(value);
    }
  }
  return out;
}
