// The contract as the suite reads it: spec/openapi.yaml as @server-invites/contract reads it for
// every package (parsed once, references resolved, operations listed), its schemas compiled with
// Ajv (draft-07 vocabulary plus ajv-formats, which covers OpenAPI's int32/int64), and the lookups
// the checks need (which operation a request hits, what it documents).
import { isObject, type Json, type JsonObject, readContract, specPath } from '@server-invites/contract';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable is `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

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

const schemaRef = '#/components/schemas/';
const schemaId = (name: string) => `urn:server-invites:schema:${name}`;

/** Loads and compiles the contract (default: the repository's spec/openapi.yaml). */
export function loadContract(path: string = specPath): Contract {
  const shared = readContract(path);
  const document = shared.document as JsonObject;
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
  const deref = shared.resolve;
  const contentOf = (node: JsonObject) => {
    const content = new Map<string, ValidateFunction>();
    for (const [mediaType, media] of Object.entries(isObject(node.content) ? node.content : {})) {
      content.set(mediaType.toLowerCase(), compile(deref(media).schema ?? {}));
    }
    return content;
  };

  const operations: OperationSpec[] = shared.operations.map((operation) => {
    const responses = new Map<string, ResponseSpec>();
    for (const [status, responseRef] of Object.entries(deref(operation.object.responses))) {
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
      responses.set(status, { status, headers, content: contentOf(response) });
    }
    const parameters: ParameterSpec[] = operation.parameters.map((parameter) => ({
      name: parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name,
      in: parameter.in,
      required: parameter.required,
      validate: compile(parameter.object.schema ?? {}),
      type: scalarType(parameter.schema),
    }));
    const body = operation.object.requestBody === undefined ? undefined : deref(operation.object.requestBody);
    return {
      operationId: operation.operationId,
      method: operation.method,
      pathTemplate: operation.pathTemplate,
      parameters,
      ...(body && { requestBody: { required: body.required === true, content: contentOf(body) } }),
      secured: operation.secured,
      responses,
    };
  });

  const paths = deref(document.paths);
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
