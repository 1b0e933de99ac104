// The OpenAPI document the service implements, loaded once at start-up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIV3 } from 'express-openapi-validator/dist/framework/types.js';
import { parse } from 'yaml';

export const specPath = join(import.meta.dirname, '..', '..', '..', 'spec', 'openapi.yaml');

export interface Contract {
  /** The document as written, served at /openapi.yaml. */
  text: string;
  /** A fresh parsed copy each call: the validator mutates the document it is given. */
  document(): OpenAPIV3.DocumentV3;
}

export function loadContract(path = specPath): Contract {
  const text = readFileSync(path, 'utf8');
  return { text, document: () => parse(text) as OpenAPIV3.DocumentV3 };
}
