// express-openapi-validator, configured for this service: it checks each request's parameters,
// headers and body against the contract (and, when configured, each JSON response), and puts the
// coerced values on `req.openapi`. Authentication and dispatch are the service's own steps around
// it, so the validator's security handlers and operation handlers are not used.
//
// The validator hands out its steps as an array of middleware; they run here as one step, in
// their order, without this code knowing what each step is.
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Contract } from '../contract.ts';
import { sequence } from './sequence.ts';

export function contractValidation(contract: Contract, validateResponses: boolean): RequestHandler {
  return sequence(
    OpenApiValidator.middleware({
      apiSpec: contract.document(),
      // The document is checked against the OpenAPI schema by CI (`pnpm lint:spec`, and
      // test/contract.test.ts with this same validator), and it ships with the code: checking it
      // again on every start would compile the OpenAPI 3.0 meta-schema at every start.
      validateApiSpec: false,
      validateRequests: { allErrors: false },
      validateResponses,
      validateSecurity: false,
      $refParser: { mode: 'dereference' },
      // The contract has no multipart bodies: without this, every request also went through a
      // multer middleware (and its own Ajv instance) that could never apply.
      fileUploader: false,
    }),
  );
}
