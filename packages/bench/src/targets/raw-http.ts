// The ceiling: node:http alone. Reads the whole body, parses it as JSON and answers 204, as the
// service does for a valid invite, with nothing else in between.
import { createServer } from 'node:http';
import { listenAndAnnounce } from './announce.ts';

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.statusCode = 204;
    } catch {
      res.statusCode = 400;
    }
    res.end();
  });
});

listenAndAnnounce(server);
