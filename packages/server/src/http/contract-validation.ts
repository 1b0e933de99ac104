// express-openapi-validator, configured for this service: it checks each request's parameters,
// headers and body against the contract (and, when configured, each JSON response), and puts the
// coerced values on `req.openapi`. Authentication and dispatch are the service's own steps around
// it, so the validator's security handlers and operation handlers are not used.
//
// The validator hands out its steps as an array of middleware; they run here as one step, in
// their order, without this code knowing what each step is.
//
// HEAD is no operation of the contract, but is answered wherever GET is (RFC 9110 section 9.3.2;
// operation-match.ts names the GET's operation): the validator checks a HEAD request as that GET.
import type { RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import type { Contract } from '../contract.ts';
import { sequence } from './sequence.ts';

export function contractValidation(contract: Contract, validateResponses: boolean): RequestHandler {
  return headAsGet(validator(contract, validateResponses));
}

function validator(contract: Contract, validateResponses: boolean): RequestHandler {
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

/** Runs `validate` on a HEAD request as if it were a GET, and gives the request its method back. */
function headAsGet(validate: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'HEAD') return validate(req, res, next);
    req.method = 'GET';
    try {
      validate(req, res, (error?: unknown) => {
        req.method = 'HEAD';
        next(error);
      });
    } catch (error) {
      req.method = 'HEAD';
      throw error;
    }
  };
}
