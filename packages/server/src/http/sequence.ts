// Runs middleware one after the other as one Express layer. The request path's steps are listed
// in app.ts in the order they run; as Express layers each would pay for the router's matching and
// bookkeeping on every request, though none of them is mounted on a path.
import type { RequestHandler } from 'express';

/** The first error (passed, thrown or rejected) goes to the next error handler, as in Express. */
export function sequence(steps: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        next(error);
        return;
      }
      const current = steps[index++];
      if (!current) {
        next();
        return;
      }
      try {
        const result: unknown = current(req, res, step);
        if (result instanceof Promise) result.catch(step);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}
