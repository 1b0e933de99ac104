// The request path's steps run as one Express layer: in order, and the first failure, however it
// is reported, goes on to the error handler with no later step run.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { sequence } from '../../src/http/sequence.ts';

function run(steps: RequestHandler[]): Promise<{ ran: string[]; passed: unknown[] }> {
  return new Promise((resolve) => {
    const ran: string[] = [];
    const tracked = steps.map(
      (step, index): RequestHandler =>
        (req, res, next) => {
          ran.push(String(index));
          return step(req, res, next);
        },
    );
    const next = ((...passed: unknown[]) => resolve({ ran, passed })) as NextFunction;
    sequence(tracked)({} as Request, {} as Response, next);
  });
}

const passOn: RequestHandler = (_req, _res, next) => next();

describe('sequence of middleware', () => {
  it('runs every step in order and then passes the request on, with no error', async () => {
    expect(await run([passOn, passOn, passOn])).toEqual({ ran: ['0', '1', '2'], passed: [] });
  });

  it('passes an error given to next on at once, without running the later steps', async () => {
    const failure = new Error('refused');
    const refuses: RequestHandler = (_req, _res, next) => next(failure);
    expect(await run([passOn, refuses, passOn])).toEqual({ ran: ['0', '1'], passed: [failure] });
  });

  it('passes a thrown error on', async () => {
    const failure = new Error('thrown');
    const throws: RequestHandler = () => {
      throw failure;
    };
    expect(await run([throws, passOn])).toEqual({ ran: ['0'], passed: [failure] });
  });

  it('passes the rejection of an async step on', async () => {
    const failure = new Error('rejected');
    const rejects: RequestHandler = async () => {
      throw failure;
    };
    expect(await run([passOn, rejects, passOn])).toEqual({ ran: ['0', '1'], passed: [failure] });
  });

  it('passes on a step that calls next later, after its callback', async () => {
    const later: RequestHandler = (_req, _res, next) => {
      queueMicrotask(() => next());
    };
    expect(await run([later, passOn])).toEqual({ ran: ['0', '1'], passed: [] });
  });
});
