// The floor inside the design: bare Express plus express-openapi-validator, configured as the
// service configures it (the same contract, request validation, a security handler), with a
// security handler that accepts everything and a route that answers 204. No request log, no
// credential check, no throttling, no store: what remains is what Express and the validator
// cost, which the service cannot go below while every request goes through them.
import { createServer } from 'node:http';
import { loadContract } from '@server-invites/server';
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { listenAndAnnounce } from './announce.ts';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: 16_384, strict: true }));
app.use(
  OpenApiValidator.middleware({
    apiSpec: loadContract().document(),
    validateApiSpec: false,
    validateRequests: { allErrors: false },
    validateResponses: false,
    $refParser: { mode: 'dereference' },
    fileUploader: false,
    validateSecurity: { handlers: { XblAuth: async () => true } },
  }),
);
app.post('/titles/:titleId/invites/server', (_req, res) => {
  res.status(204).end();
});

listenAndAnnounce(createServer(app));
