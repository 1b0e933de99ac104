// Delivery: a user's devices register as endpoints (PUT), receive the invites sent to the user
// (GET), acknowledge them (DELETE .../invites/{id}) and unregister (DELETE). Each needs the user's
// own credential. Each case uses its own endpoint id, so that no case sees another's registration.
import type { CaseRequest, ConformanceCase, Credential } from '../src/case.ts';
import { invite, mockAnswers, mockReasons, sender } from './common.ts';

const user = '2814613569642996';
const asUser: Credential = { kind: 'user', xuid: user };
const endpointPath = (endpointId: string, xuid = user) => `/users/${xuid}/endpoints/${endpointId}`;
const register = (
  endpointId: string,
  json: unknown = { platform: 'Scarlett' },
  overrides = {},
): CaseRequest => ({
  method: 'PUT',
  path: endpointPath(endpointId),
  credential: asUser,
  json,
  ...overrides,
});
const receive = (endpointId: string, query = ''): CaseRequest => ({
  method: 'GET',
  path: `${endpointPath(endpointId)}/invites${query}`,
  credential: asUser,
});
const acknowledgePath = (endpointId: string, inviteId: string) =>
  `${endpointPath(endpointId)}/invites/${inviteId}`;
const anyInviteId = '5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a';
/** Stands for the id of the invite a setup step received; replaced before the request is sent. */
const inviteIdPlaceholder = '00000000-0000-4000-8000-00000000ac01';
const sendToUser = invite({ invitedUsers: [user], sender, connectionString: 'server=203.0.113.10:3074' });
const invalid = { status: 400, errorCode: 'RequestValidationError' } as const;
const notAllowed = { status: 400, errorCode: 'AuthorizationError' } as const;
const unauthenticated = { status: 401, errorCode: 'AuthenticationError' } as const;
const firstRegistration = mockAnswers(200, mockReasons.lowestSuccess);
const mockCannotVerify = mockAnswers(200, mockReasons.credentials);
const mockKeepsNoState = (status: number) => mockAnswers(status, mockReasons.state);

export const deliveryCases: ConformanceCase[] = [
  // registerEndpoint
  {
    title: 'registers an endpoint',
    request: register('register-1'),
    expect: { status: 201 },
    exceptions: firstRegistration,
  },
  {
    title: 'refreshes a registered endpoint',
    request: register('refresh-1', { platform: 'Android', ttlSeconds: 86400 }),
    setup: [{ request: register('refresh-1'), status: 201 }],
    expect: { status: 200 },
  },
  {
    title: 'registers an endpoint for 60 s (the shortest ttlSeconds)',
    request: register('ttl-min', { platform: 'Win32', ttlSeconds: 60 }),
    expect: { status: 201 },
    exceptions: firstRegistration,
  },
  {
    title: 'registers an endpoint for 2592000 s (the longest ttlSeconds)',
    request: register('ttl-max', { platform: 'IOS', ttlSeconds: 2592000 }),
    expect: { status: 201 },
    exceptions: firstRegistration,
  },
  {
    title: 'registers an endpoint id of 64 characters (the longest)',
    request: register(`${'e'.repeat(63)}~`),
    expect: { status: 201 },
    exceptions: firstRegistration,
  },
  {
    title: 'rejects ttlSeconds 59',
    request: register('ttl-59', { platform: 'Win32', ttlSeconds: 59 }),
    expect: invalid,
  },
  {
    title: 'rejects ttlSeconds 2592001',
    request: register('ttl-2592001', { platform: 'Win32', ttlSeconds: 2592001 }),
    expect: invalid,
  },
  { title: 'rejects a registration without platform', request: register('no-platform', {}), expect: invalid },
  {
    title: 'rejects a registration with an unknown platform',
    request: register('bad-platform', { platform: 'Amiga' }),
    expect: invalid,
  },
  {
    title: 'rejects a registration with an unknown property',
    request: register('extra-property', { platform: 'Win32', pushToken: 'abc' }),
    expect: invalid,
  },
  { title: 'rejects an endpoint id of 65 characters', request: register('e'.repeat(65)), expect: invalid },
  {
    title: 'rejects an endpoint id with a character outside [A-Za-z0-9._~-]',
    request: register('console!'),
    expect: invalid,
  },
  {
    title: 'rejects a registration for the XUID 18446744073709551616 (2^64)',
    request: register(
      'bad-xuid',
      { platform: 'Win32' },
      { path: endpointPath('bad-xuid', '18446744073709551616') },
    ),
    expect: invalid,
  },
  {
    title: "rejects a registration with another user's credential",
    request: register('other-user', { platform: 'Win32' }, { credential: { kind: 'user', xuid: sender } }),
    expect: notAllowed,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects a registration with a game server credential',
    request: register('service', { platform: 'Win32' }, { credential: { kind: 'service', titleIds: [1] } }),
    expect: notAllowed,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects a registration without credential',
    request: register('anonymous', { platform: 'Win32' }, { credential: undefined }),
    expect: unauthenticated,
  },
  {
    title: 'rejects a registration body over 16 KiB',
    request: register('too-large', undefined, {
      json: undefined,
      raw: `{"platform":"Scarlett"${' '.repeat(16 * 1024)}}`,
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 413, errorCode: 'PayloadTooLarge' },
  },
  {
    title: 'rejects a text/plain registration',
    request: register('text-plain', undefined, {
      json: undefined,
      raw: JSON.stringify({ platform: 'Scarlett' }),
      headers: { 'content-type': 'text/plain' },
    }),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },

  // receiveInvites
  {
    title: 'answers no invites for a fresh endpoint',
    request: receive('receive-empty'),
    setup: [{ request: register('receive-empty'), status: 201 }],
    expect: { status: 200 },
  },
  {
    title: 'delivers an invite sent to the user',
    request: receive('receive-one', '?waitSeconds=0'),
    setup: [
      { request: register('receive-one'), status: 201 },
      {
        request: sendToUser,
        status: 204,
      },
    ],
    expect: { status: 200 },
  },
  {
    title: 'rejects receiving without credential',
    request: { ...receive('receive-anonymous'), credential: undefined },
    expect: unauthenticated,
  },
  {
    title: 'answers 404 for an endpoint that is not registered',
    request: receive('never-registered'),
    expect: { status: 404, errorCode: 'NotFound' },
    exceptions: mockKeepsNoState(200),
  },
  { title: 'rejects waitSeconds 31', request: receive('wait-31', '?waitSeconds=31'), expect: invalid },
  {
    title: 'rejects a negative waitSeconds',
    request: receive('wait-negative', '?waitSeconds=-1'),
    expect: invalid,
  },
  {
    title: 'rejects a non-numeric waitSeconds',
    request: receive('wait-text', '?waitSeconds=soon'),
    expect: invalid,
  },

  // acknowledgeInvite
  {
    title: 'acknowledges a delivered invite (its id read from the delivery)',
    request: { method: 'DELETE', path: acknowledgePath('ack-1', inviteIdPlaceholder), credential: asUser },
    setup: [
      { request: register('ack-1'), status: 201 },
      { request: sendToUser, status: 204 },
      {
        request: receive('ack-1', '?waitSeconds=0'),
        status: 200,
        capture: { pointer: '/invites/0/id', placeholder: inviteIdPlaceholder },
      },
    ],
    expect: { status: 204 },
  },
  {
    title: 'rejects acknowledging without credential',
    request: { method: 'DELETE', path: acknowledgePath('ack-anonymous', anyInviteId) },
    expect: unauthenticated,
  },
  {
    title: 'answers 404 when acknowledging an invite that is not pending',
    request: {
      method: 'DELETE',
      path: acknowledgePath('ack-unknown', anyInviteId),
      credential: asUser,
    },
    setup: [{ request: register('ack-unknown'), status: 201 }],
    expect: { status: 404, errorCode: 'NotFound' },
    exceptions: mockKeepsNoState(204),
  },
  {
    title: 'rejects an invite id that is not a UUID',
    request: {
      method: 'DELETE',
      path: `${endpointPath('ack-bad-id')}/invites/not-a-uuid`,
      credential: asUser,
    },
    expect: invalid,
  },

  // unregisterEndpoint
  {
    title: 'unregisters an endpoint',
    request: { method: 'DELETE', path: endpointPath('unregister-1'), credential: asUser },
    setup: [{ request: register('unregister-1'), status: 201 }],
    expect: { status: 204 },
  },
  {
    title: 'unregisters an endpoint that is not registered (idempotent)',
    request: { method: 'DELETE', path: endpointPath('unregister-never'), credential: asUser },
    expect: { status: 204 },
  },
  {
    title: "rejects unregistering with another user's credential",
    request: {
      method: 'DELETE',
      path: endpointPath('unregister-other'),
      credential: { kind: 'user', xuid: sender },
    },
    setup: [{ request: register('unregister-other'), status: 201 }],
    expect: notAllowed,
    exceptions: mockAnswers(204, mockReasons.credentials),
  },
  {
    title: 'rejects unregistering without credential',
    request: { method: 'DELETE', path: endpointPath('unregister-anonymous') },
    expect: unauthenticated,
  },
];
