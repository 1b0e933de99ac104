// The validator patch's Content-Type memo (patches/express-openapi-validator@5.6.2.patch): a
// request's media type is parsed once per distinct header, and each header keeps its own
// validation, past the memo's bound too. The validator runs alone here, as contract-validation
// configures it, so that every header reaches it as sent.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract.ts';
import { contractValidation } from '../../src/http/contract-validation.ts';

const path = '/titles/1827805096/invites/server';
const valid = JSON.stringify({ invitedUsers: ['2814613569642996'], sender: '2533274792693551' });
const invalid = JSON.stringify({ invitedUsers: [], sender: '2533274792693551' });

let url: string;
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.use(express.json({ type: () => true }));
  app.use(contractValidation(loadContract(), false));
  app.use((_req, res) => {
    res.status(204).end();
  });
  app.use(((error, _req, res, _next) => {
    res.status(error.status ?? 500).json({ message: error.message });
  }) as express.ErrorRequestHandler);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  close = () => server.close();
});
afterAll(() => close());

const post = (contentType: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body }).then((r) => r.status);

describe('validator patch: Content-Type parsed once per distinct header', () => {
  it('validates each of 80 distinct JSON media types on its own, alternating valid and invalid bodies, past the bound of 64', async () => {
    const types = ['application/json', 'application/json; charset=utf-8'];
    for (let i = 0; i < 78; i++) types.push(`application/json; v=${i}`);
    const statuses: number[] = [];
    for (const type of types) {
      statuses.push(await post(type, valid), await post(type, invalid), await post(type, valid));
    }
    expect(statuses).toEqual(types.flatMap(() => [204, 400, 204]));
  });

  it('refuses a media type the contract does not list, before and after it is memoized', async () => {
    expect(await post('text/plain', valid)).toBe(415);
    expect(await post('text/plain', valid)).toBe(415);
    expect(await post('application/json', valid)).toBe(204);
  });
});
