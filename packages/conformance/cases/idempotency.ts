// sendServerInvite with an Idempotency-Key: the header's bounds (length, characters, the draft's
// quoted form), and the answers to a retry: the first send's (204), 422 for the same key with
// another body, 409 while the first request is still in flight. Each case has a key of its own:
// the instances are shared by every case.

import type { CaseRequest, ConformanceCase } from '../src/case.ts';
import { HELD_CONNECTION_STRING } from '../src/case.ts';
import { invite, invitee, mockAnswers, mockReasons, sender } from './common.ts';

const valid = { invitedUsers: [invitee], sender };
const invalid = { status: 400, errorCode: 'RequestValidationError' } as const;

/** A send with this Idempotency-Key header, exactly as given. */
const keyed = (key: string, body: unknown = valid): CaseRequest =>
  invite(body, { headers: { 'idempotency-key': key } });

export const idempotencyCases: ConformanceCase[] = [
  // The key: 1 to 255 of [A-Za-z0-9._:~+/=-], bare or in double quotes
  {
    title: 'accepts a quoted Idempotency-Key of 255 characters (the maximum)',
    request: keyed(`"${'k'.repeat(254)}1"`),
    expect: { status: 204 },
  },
  {
    title: 'accepts a bare Idempotency-Key of every allowed kind of character',
    request: keyed('Az09._:~+/=-'),
    expect: { status: 204 },
  },
  {
    title: 'accepts a bare Idempotency-Key of 1 character (the minimum)',
    request: keyed('1'),
    expect: { status: 204 },
  },
  {
    title: 'rejects an Idempotency-Key of 258 characters',
    request: keyed(`"${'k'.repeat(256)}"`),
    expect: invalid,
  },
  {
    title: 'rejects an empty Idempotency-Key',
    request: keyed(''),
    expect: invalid,
  },
  {
    title: 'rejects an Idempotency-Key with a space',
    request: keyed('two words'),
    expect: invalid,
  },
  {
    title: 'rejects an Idempotency-Key with an opening quote and no closing one',
    request: keyed('"unbalanced'),
    expect: invalid,
  },
  {
    title: 'rejects two Idempotency-Key values in one header',
    request: keyed('"first", "second"'),
    expect: invalid,
  },

  // The answers to a retry
  {
    title: 'answers a retry with the same Idempotency-Key and body as the first send (204)',
    setup: [{ request: 'same', status: 204 }],
    request: keyed('"conformance-retried"', { ...valid, connectionString: 'retried' }),
    expect: { status: 204 },
  },
  {
    title: 'rejects the same Idempotency-Key with another body (422 IdempotencyKeyReused)',
    setup: [{ request: keyed('"conformance-reused"', { ...valid, connectionString: 'first' }), status: 204 }],
    request: keyed('"conformance-reused"', { ...valid, connectionString: 'second' }),
    expect: { status: 422, errorCode: 'IdempotencyKeyReused' },
    exceptions: mockAnswers(204, mockReasons.state),
  },
  {
    title:
      'answers a retry while the first send with its Idempotency-Key is in flight 409 IdempotencyKeyInProgress',
    setup: [{ request: 'same', inFlight: true, heldByTarget: true }],
    request: keyed('"conformance-in-flight"', { ...valid, connectionString: HELD_CONNECTION_STRING }),
    expect: { status: 409, errorCode: 'IdempotencyKeyInProgress' },
    exceptions: mockAnswers(204, mockReasons.state),
  },
];
