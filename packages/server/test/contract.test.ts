// The contract as the service loads it is one that express-openapi-validator accepts as OpenAPI
// (start-up skips that check: see http/contract-validation.ts). How it is read and parsed is
// tested in packages/contract.
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../src/contract.ts';

describe('loadContract', () => {
  it("passes express-openapi-validator's own OpenAPI schema validation (validateApiSpec)", async () => {
    const app = express();
    app.use(OpenApiValidator.middleware({ apiSpec: loadContract().document(), validateApiSpec: true }));
    // Loading is lazy and asynchronous: the first request through the middleware surfaces a bad
    // document as an error passed to the error handler.
    const failures: unknown[] = [];
    app.use((_req: express.Request, res: express.Response) => res.status(299).end());
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      failures.push(error);
      res.status(599).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(failures).toStrictEqual([]);
      expect(response.status).not.toBe(599);
    } finally {
      server.close();
    }
  });
});
