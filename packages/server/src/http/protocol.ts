// What HTTP requires of a request that Node's parser lets through, refused here so that the
// refusal is an ErrorResponse with a request id and a log line, like any other (Node would answer
// the first two with an empty body, and pass the third on):
// Each keeps the contract's RequestValidationError; the status is the one HTTP gives the refusal.
// - an HTTP/1.1 request without Host: 400 (RFC 9112 section 3.2);
// - an expectation the service cannot meet, anything but 100-continue: 417 (RFC 9110 section 10.1.1);
// - a transfer coding other than chunked, e.g. `gzip, chunked`: 501 (RFC 9112 section 6.1). Node
//   frames such a body by its final chunked coding and would hand the still-coded bytes on.
// The first and last leave the request's framing in doubt, so the connection closes after the answer.
import type { RequestHandler } from 'express';
import { ServiceError } from '../errors.ts';

/** The expectation Node itself meets (it answers 100 Continue): its own test of the header. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

export const protocolRequirements: RequestHandler = (req, res, next) => {
  const { headers } = req;
  if (headers.host === undefined && req.httpVersion === '1.1') {
    res.setHeader('Connection', 'close');
    return next(ServiceError.validation('an HTTP/1.1 request needs a Host header'));
  }
  if (headers.expect !== undefined && !CONTINUE.test(headers.expect)) {
    return next(
      new ServiceError('RequestValidationError', 'the only expectation this service meets is 100-continue', {
        httpStatus: 417,
      }),
    );
  }
  const coding = headers['transfer-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'chunked') {
    res.setHeader('Connection', 'close');
    return next(
      new ServiceError('RequestValidationError', 'the only transfer coding this service reads is chunked', {
        httpStatus: 501,
      }),
    );
  }
  next();
};
