// The contract as the server uses it, read through the one module that reads spec/openapi.yaml
// for every package (@server-invites/contract).
import {
  type BrowserAccess,
  browserAccess,
  type ContractDocument,
  type ContractOperation,
  readContract,
} from '@server-invites/contract';
import type { OpenAPIV3 } from 'express-openapi-validator/dist/framework/types.js';

export { specPath } from '@server-invites/contract';

export interface Contract {
  /** The document as written, served at /openapi.yaml. */
  text: string;
  /** A fresh parsed copy each call: the validator mutates the document it is given. */
  document(): OpenAPIV3.DocumentV3;
  /** Every operation of the document, with its parameters resolved. */
  operations: readonly ContractOperation[];
  /** Follows the document's local `$ref`s. */
  resolve: ContractDocument['resolve'];
  /** What a page on another origin may send and read (CORS), as the contract says. */
  browserAccess: BrowserAccess;
}

export function loadContract(path?: string): Contract {
  const contract = readContract(path);
  return {
    text: contract.text,
    document: () => contract.copy() as unknown as OpenAPIV3.DocumentV3,
    operations: contract.operations,
    resolve: contract.resolve,
    browserAccess: browserAccess(contract),
  };
}
