// The load generator's request shapes, against a server that records what it receives.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadGenerator, startLoadGenerator } from '../src/load.ts';
import { inviteBody, SENDER } from '../src/workload.ts';

let load: LoadGenerator;
beforeAll(() => {
  load = startLoadGenerator();
});
afterAll(async () => {
  await load.close();
});

async function recordingServer() {
  const senders: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      senders.push((JSON.parse(body) as { sender: string }).sender);
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, senders, close: () => server.close() };
}

describe('load generator', () => {
  it('with distinctSenders, sends every request from a sender of its own, counting up from the first', async () => {
    const target = await recordingServer();
    try {
      const result = await load.run({
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: inviteBody(1),
        connections: 4,
        durationSeconds: 30,
        amount: 200,
        distinctSenders: { placeholder: SENDER, firstSender: '3000000000000000' },
      });
      expect(result.requests).toBe(200);
      expect(new Set(target.senders).size).toBe(200);
      expect([...target.senders].sort()[0]).toBe('3000000000000000');
      expect(target.senders).not.toContain(SENDER);
    } finally {
      target.close();
    }
  });

  it('without it, sends the same body every time', async () => {
    const target = await recordingServer();
    try {
      await load.run({
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: inviteBody(1),
        connections: 2,
        durationSeconds: 30,
        amount: 20,
      });
      expect(new Set(target.senders)).toEqual(new Set([SENDER]));
    } finally {
      target.close();
    }
  });
});
