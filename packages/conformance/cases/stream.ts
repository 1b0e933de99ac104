// receiveInviteStream: an endpoint's invites as Server-Sent Events. The runner reads a stream's
// first block (its `retry:` field) and checks it against the contract; what the events carry over
// time is the server's own tests' (packages/server/test/http/stream.http.test.ts) and the client's.
import type { CaseRequest, ConformanceCase, Credential } from '../src/case.ts';
import { mockAnswers, mockReasons } from './common.ts';

const user = '2535700000000001';
const asUser: Credential = { kind: 'user', xuid: user };
const endpointPath = (endpointId: string, xuid = user) => `/users/${xuid}/endpoints/${endpointId}`;
const register = (endpointId: string, xuid = user): CaseRequest => ({
  method: 'PUT',
  path: endpointPath(endpointId, xuid),
  credential: { kind: 'user', xuid },
  json: { platform: 'Win32' },
});
const stream = (endpointId: string, overrides: Partial<CaseRequest> = {}): CaseRequest => ({
  method: 'GET',
  path: `${endpointPath(endpointId)}/invites/stream`,
  credential: asUser,
  ...overrides,
});
const mockKeepsNoState = (status: number) => mockAnswers(status, mockReasons.state);

export const streamCases: ConformanceCase[] = [
  {
    title: 'opens a stream of a registered endpoint (200 text/event-stream, starting with retry)',
    request: stream('stream-1'),
    setup: [{ request: register('stream-1'), status: 201 }],
    expect: { status: 200, headers: { 'cache-control': 'no-store', 'content-type': 'text/event-stream' } },
  },
  {
    title: 'opens a stream resuming after a Last-Event-ID',
    request: stream('stream-2', { headers: { 'last-event-id': '18446744073709551615' } }),
    setup: [{ request: register('stream-2'), status: 201 }],
    expect: { status: 200 },
  },
  {
    title: 'rejects a Last-Event-ID that is not a cursor',
    request: stream('stream-3', { headers: { 'last-event-id': 'not-a-cursor' } }),
    expect: { status: 400, errorCode: 'RequestValidationError' },
  },
  {
    title: 'rejects a Last-Event-ID of 21 digits',
    request: stream('stream-3', { headers: { 'last-event-id': '1'.repeat(21) } }),
    expect: { status: 400, errorCode: 'RequestValidationError' },
  },
  {
    title: 'refuses a stream without a credential with 401',
    request: stream('stream-4', { credential: undefined }),
    expect: { status: 401, errorCode: 'AuthenticationError' },
  },
  {
    title: "refuses a stream of another user's endpoint with 400 AuthorizationError",
    request: stream('stream-5', { credential: { kind: 'user', xuid: '2535700000000002' } }),
    expect: { status: 400, errorCode: 'AuthorizationError' },
    exceptions: mockAnswers(200, mockReasons.credentials),
  },
  {
    title: 'answers a stream of an endpoint not registered with 404',
    request: stream('stream-unregistered'),
    expect: { status: 404, errorCode: 'NotFound' },
    exceptions: mockKeepsNoState(200),
  },
  {
    title: 'refuses a stream over the in-flight limit (a long poll holds the only slot)',
    request: stream('stream-held'),
    setup: [
      { request: register('stream-held') },
      {
        request: {
          method: 'GET',
          path: `${endpointPath('stream-held')}/invites?waitSeconds=30`,
          credential: asUser,
        },
        inFlight: true,
      },
    ],
    expect: { status: 429, throttled: { limitType: 'Concurrency' } },
    throttling: true,
    exceptions: mockKeepsNoState(200),
  },
  {
    title: 'refuses a stream past the waiting devices it holds with 503 (another device waits)',
    request: stream('stream-refused', {
      credential: { kind: 'user', xuid: '2535700000000003' },
      path: `${endpointPath('stream-refused', '2535700000000003')}/invites/stream`,
    }),
    setup: [
      { request: register('stream-holder', '2535700000000004') },
      { request: register('stream-refused', '2535700000000003') },
      {
        request: {
          method: 'GET',
          path: `${endpointPath('stream-holder', '2535700000000004')}/invites?waitSeconds=30`,
          credential: { kind: 'user', xuid: '2535700000000004' },
        },
        inFlight: true,
      },
    ],
    expect: { status: 503, errorCode: 'ServiceUnavailable' },
    throttling: true,
    exceptions: mockKeepsNoState(200),
  },
  {
    title: 'answers a stream 503 while Redis is unreachable',
    request: stream('stream-degraded'),
    expect: { status: 503, errorCode: 'ServiceUnavailable' },
    degraded: true,
    retryUntilExpected: true,
  },
];
