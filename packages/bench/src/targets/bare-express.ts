// The baseline: an Express 5 app with only the JSON body parser and one route answering 204.
import { createServer } from 'node:http';
import express from 'express';
import { listenAndAnnounce } from './announce.ts';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json({ limit: 16_384, strict: true }));
app.post('/titles/:titleId/invites/server', (_req, res) => {
  res.status(204).end();
});

listenAndAnnounce(createServer(app));
