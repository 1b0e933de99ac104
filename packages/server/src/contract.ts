// The OpenAPI document the service implements, loaded once at start-up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIV3 } from 'express-openapi-validator/dist/framework/types.js';
import { CORE_SCHEMA, load } from 'js-yaml';

export const specPath = join(import.meta.dirname, '..', '..', '..', 'spec', 'openapi.yaml');

export interface Contract {
  /** The document as written, served at /openapi.yaml. */
  text: string;
  /** A fresh parsed copy each call: the validator mutates the document it is given. */
  document(): OpenAPIV3.DocumentV3;
}

export function loadContract(path = specPath): Contract {
  const text = readFileSync(path, 'utf8');
  // Parsed once: start-up asks for the document several times, and parsing is the slow part
  // (js-yaml: ~20 ms for this document; the `yaml` package took ~50 ms). CORE_SCHEMA keeps
  // YAML 1.2's plain types: an unquoted date in an example stays a string, as JSON would have it.
  const parsed = load(text, { schema: CORE_SCHEMA, filename: path }) as OpenAPIV3.DocumentV3;
  return { text, document: () => structuredClone(parsed) };
}
