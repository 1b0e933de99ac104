// The validator patch's request path (patches/express-openapi-validator@5.6.2.patch): once the
// contract has loaded, the validator's steps run in the request's own turn instead of each waiting
// on the load's promise; a request that arrives while it loads still waits and is validated; one
// parameter mutator serves all of a route's requests, so nothing of one request's query reaches
// another's. The validator runs alone here, as contract-validation configures it.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract.ts';
import { contractValidation } from '../../src/http/contract-validation.ts';

const sendPath = '/titles/1827805096/invites/server';
const receivePath = '/users/2814613569642996/endpoints/console-1/invites';
const validBody = JSON.stringify({ invitedUsers: ['2814613569642996'], sender: '2533274792693551' });
const invalidBody = JSON.stringify({ invitedUsers: [], sender: '2533274792693551' });

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/**
 * An app of the validator alone. Before it, a step notes that the request's turn has not ended
 * yet; a microtask clears the note, so whatever runs after the validator sees whether the
 * validation crossed a turn.
 */
async function validatorApp() {
  const app = express();
  app.use(express.json({ type: () => true }));
  app.use((_req, res, next) => {
    res.locals.sameTurn = true;
    queueMicrotask(() => {
      res.locals.sameTurn = false;
    });
    next();
  });
  app.use(contractValidation(loadContract(), false));
  app.use((req, res) => {
    res.status(200).json({ sameTurn: res.locals.sameTurn, query: req.query });
  });
  app.use(((error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ message: error.message, sameTurn: res.locals.sameTurn });
  }) as express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  closers.push(() => server.close());
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function send(base: string, body: string) {
  const response = await fetch(`${base}${sendPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: (await response.json()) as { sameTurn?: boolean } };
}

async function receive(base: string, search: string) {
  const response = await fetch(`${base}${receivePath}${search}`);
  const { query } = (await response.json()) as { query?: unknown };
  return { status: response.status, query };
}

describe('validator patch: the steps of a request once the contract has loaded', () => {
  it('validates requests sent the moment the validator is built, while the contract still loads', async () => {
    const base = await validatorApp();
    const answers = await Promise.all([
      send(base, validBody),
      send(base, invalidBody),
      send(base, validBody),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 400, 200]);
  });

  it('runs every step in the request’s own turn once loaded, for an accepted and for a refused request', async () => {
    const base = await validatorApp();
    await send(base, validBody);
    const accepted = await send(base, validBody);
    const refused = await send(base, invalidBody);
    expect(accepted).toEqual({ status: 200, body: expect.objectContaining({ sameTurn: true }) });
    expect(refused).toEqual({ status: 400, body: expect.objectContaining({ sameTurn: true }) });
  });
});

describe('validator patch: one parameter mutator per route', () => {
  it('gives each request its own query values on the same route', async () => {
    const base = await validatorApp();
    const answers = [
      await receive(base, '?waitSeconds=1'),
      await receive(base, '?waitSeconds=30'),
      await receive(base, ''),
      await receive(base, '?waitSeconds=7'),
    ];
    expect(answers).toEqual([
      { status: 200, query: { waitSeconds: 1 } },
      { status: 200, query: { waitSeconds: 30 } },
      // Absent, it takes the contract's default.
      { status: 200, query: { waitSeconds: 0 } },
      { status: 200, query: { waitSeconds: 7 } },
    ]);
  });

  it('still reads a bracketed key as a nested value, which the integer parameter refuses, between plain requests', async () => {
    const base = await validatorApp();
    expect((await receive(base, '?waitSeconds=5')).status).toBe(200);
    expect((await receive(base, '?waitSeconds[a]=1')).status).toBe(400);
    expect(await receive(base, '?waitSeconds=6')).toEqual({ status: 200, query: { waitSeconds: 6 } });
  });

  it('refuses a query parameter the operation does not declare, and the next request is unaffected', async () => {
    const base = await validatorApp();
    expect((await receive(base, '?waitSeconds=1&extra=1')).status).toBe(400);
    expect(await receive(base, '?waitSeconds=2')).toEqual({ status: 200, query: { waitSeconds: 2 } });
  });
});
