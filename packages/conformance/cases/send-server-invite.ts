// sendServerInvite: valid requests at every boundary of every constraint, and one invalid request
// per constraint of the contract (SendServerInviteRequest, the TitleId, ContractVersion and
// X-Request-Id parameters, the request body's media type and size).
import { platforms } from '@server-invites/types';
import type { ConformanceCase } from '../src/case.ts';
import { invite, invitee, maxXuid, sender, titleId } from './common.ts';

const xuids = (count: number) =>
  Array.from({ length: count }, (_, index) => String(2814613569642996 + index));
const valid = { invitedUsers: [invitee], sender };
const accepted = { status: 204 } as const;
const invalid = { status: 400, errorCode: 'RequestValidationError' } as const;

const accepts = (title: string, body: unknown, overrides = {}): ConformanceCase => ({
  title,
  request: invite(body, overrides),
  expect: accepted,
});
const rejects = (title: string, body: unknown, overrides = {}): ConformanceCase => ({
  title,
  request: invite(body, overrides),
  expect: invalid,
});

export const sendServerInviteCases: ConformanceCase[] = [
  // invitedUsers: 1..16 XUIDs
  accepts('accepts 1 invitee (the minimum)', { invitedUsers: xuids(1), sender }),
  accepts('accepts 16 invitees (the maximum)', { invitedUsers: xuids(16), sender }),
  accepts('accepts duplicate invitees', { invitedUsers: [invitee, invitee], sender }),
  rejects('rejects 0 invitees', { invitedUsers: [], sender }),
  rejects('rejects 17 invitees', { invitedUsers: xuids(17), sender }),
  rejects('rejects a missing invitedUsers', { sender }),
  rejects('rejects an invitedUsers that is not an array', { invitedUsers: invitee, sender }),

  // XUIDs: base-10 unsigned 64-bit integers, no leading zeros
  accepts('accepts the XUID 0 (the smallest)', { invitedUsers: ['0'], sender: '0' }),
  accepts('accepts the XUID 18446744073709551615 (the largest)', {
    invitedUsers: [maxXuid],
    sender: maxXuid,
  }),
  rejects('rejects the invitee XUID 18446744073709551616 (2^64)', {
    invitedUsers: ['18446744073709551616'],
    sender,
  }),
  rejects('rejects an invitee XUID with a leading zero', { invitedUsers: ['02814613569642996'], sender }),
  rejects('rejects an invitee XUID of 21 digits', { invitedUsers: ['100000000000000000000'], sender }),
  rejects('rejects an empty invitee XUID', { invitedUsers: [''], sender }),
  rejects('rejects a non-numeric invitee XUID', { invitedUsers: ['gamer-tag'], sender }),
  rejects('rejects an invitee XUID sent as a JSON number', { invitedUsers: [2814613569642996], sender }),
  rejects('rejects a negative invitee XUID', { invitedUsers: ['-1'], sender }),

  // sender: a XUID
  rejects('rejects a missing sender', { invitedUsers: [invitee] }),
  rejects('rejects the sender XUID 18446744073709551616 (2^64)', {
    invitedUsers: [invitee],
    sender: '18446744073709551616',
  }),
  rejects('rejects an empty sender XUID', { invitedUsers: [invitee], sender: '' }),
  rejects('rejects a sender XUID of 21 digits', { invitedUsers: [invitee], sender: '100000000000000000000' }),
  rejects('rejects a sender XUID sent as a JSON number', {
    invitedUsers: [invitee],
    sender: 2533274792693551,
  }),
  rejects('rejects a null sender', { invitedUsers: [invitee], sender: null }),

  // connectionString: 0..512 characters
  accepts('accepts an empty connectionString', { ...valid, connectionString: '' }),
  accepts('accepts a connectionString of 512 characters (the maximum)', {
    ...valid,
    connectionString: 'c'.repeat(512),
  }),
  accepts('accepts a connectionString of 512 non-ASCII characters', {
    ...valid,
    connectionString: 'é'.repeat(512),
  }),
  rejects('rejects a connectionString of 513 characters', { ...valid, connectionString: 'c'.repeat(513) }),
  rejects('rejects a connectionString that is not a string', { ...valid, connectionString: 42 }),
  rejects('rejects a connectionString holding a lone UTF-16 surrogate', {
    ...valid,
    connectionString: 'a\ud800b',
  }),

  // platform: one of the enumeration, or absent
  ...platforms.map((platform) => accepts(`accepts the platform ${platform}`, { ...valid, platform })),
  rejects('rejects an unknown platform', { ...valid, platform: 'Dreamcast' }),
  rejects('rejects a platform in the wrong case', { ...valid, platform: 'xboxone' }),
  rejects('rejects a null platform', { ...valid, platform: null }),

  // the body as a whole
  rejects('rejects an unknown body property', { ...valid, invitedUser: invitee }),
  rejects('rejects a JSON array body', [valid]),
  rejects('rejects a JSON string body', 'invite'),
  {
    title: 'rejects an empty body',
    request: invite(undefined, { raw: '', headers: { 'content-type': 'application/json' } }),
    expect: invalid,
  },
  {
    title: 'rejects a body that is not valid JSON',
    request: invite(undefined, {
      raw: '{"invitedUsers": [',
      headers: { 'content-type': 'application/json' },
    }),
    expect: invalid,
  },
  {
    title: 'rejects a body over 16 KiB',
    request: invite(undefined, {
      raw: `{"invitedUsers":["${invitee}"],"sender":"${sender}"${' '.repeat(16 * 1024)}}`,
      headers: { 'content-type': 'application/json' },
    }),
    expect: { status: 413, errorCode: 'PayloadTooLarge' },
  },

  // Content-Type
  accepts('accepts Content-Type application/json; charset=utf-8 (as the vendor SDK sends it)', valid, {
    headers: { 'content-type': 'application/json; charset=utf-8' },
  }),
  {
    title: 'rejects a text/plain body',
    request: invite(undefined, { raw: JSON.stringify(valid), headers: { 'content-type': 'text/plain' } }),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },
  {
    title: 'rejects a form-encoded body',
    request: invite(undefined, {
      raw: `sender=${sender}&invitedUsers=${invitee}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    expect: { status: 415, errorCode: 'UnsupportedMediaType' },
  },

  // titleId: 0..4294967295
  {
    title: 'accepts the title id 0 (the smallest)',
    request: invite(valid, {
      path: '/titles/0/invites/server',
      credential: { kind: 'service', titleIds: [0] },
    }),
    expect: accepted,
  },
  {
    title: 'accepts the title id 4294967295 (the largest)',
    request: invite(valid, {
      path: '/titles/4294967295/invites/server',
      credential: { kind: 'service', titleIds: [4294967295] },
    }),
    expect: accepted,
  },
  rejects('rejects the title id 4294967296 (2^32)', valid, { path: '/titles/4294967296/invites/server' }),
  rejects('rejects a negative title id', valid, { path: '/titles/-1/invites/server' }),
  {
    title: 'rejects a hexadecimal title id (the contract says base 10)',
    request: invite(valid, { path: '/titles/0x6CF217A8/invites/server' }),
    expect: invalid,
  },
  rejects('rejects a fractional title id', valid, { path: '/titles/1.5/invites/server' }),

  // x-xbl-contract-version: 1 only
  accepts('accepts x-xbl-contract-version 1', valid, { headers: { 'x-xbl-contract-version': '1' } }),
  rejects('rejects x-xbl-contract-version 2', valid, { headers: { 'x-xbl-contract-version': '2' } }),
  rejects('rejects x-xbl-contract-version 0', valid, { headers: { 'x-xbl-contract-version': '0' } }),
  rejects('rejects a non-numeric x-xbl-contract-version', valid, {
    headers: { 'x-xbl-contract-version': 'one' },
  }),
  {
    title: 'rejects a hexadecimal x-xbl-contract-version',
    request: invite(valid, { headers: { 'x-xbl-contract-version': '0x1' } }),
    expect: invalid,
  },

  // X-Request-Id: 1..128 of [A-Za-z0-9._:-], echoed back
  {
    title: 'echoes a caller X-Request-Id of 128 characters (the maximum)',
    request: invite(valid, { headers: { 'x-request-id': 'r'.repeat(128) } }),
    expect: { status: 204, headers: { 'x-request-id': 'r'.repeat(128) } },
  },
  {
    title: 'echoes a caller X-Request-Id of 1 character using every allowed kind of character',
    request: invite(valid, { headers: { 'x-request-id': 'Az09._:-' } }),
    expect: { status: 204, headers: { 'x-request-id': 'Az09._:-' } },
  },
  // Anything else is replaced by an id the server makes (the response's id must be a RequestId,
  // which check.ts verifies on every response), and the request is answered as without it.
  {
    title: 'replaces an X-Request-Id of 129 characters with its own and answers the request',
    request: invite(valid, { headers: { 'x-request-id': 'r'.repeat(129) } }),
    expect: accepted,
  },
  {
    title: 'replaces an X-Request-Id with a space with its own and answers the request',
    request: invite(valid, { headers: { 'x-request-id': 'two words' } }),
    expect: accepted,
  },
  {
    title: 'replaces an empty X-Request-Id with its own and answers the request',
    request: invite(valid, { headers: { 'x-request-id': '' } }),
    expect: accepted,
  },

  // A credential covering several titles, the title among them
  {
    title: 'accepts a credential covering several titles, this one among them',
    request: invite(valid, { credential: { kind: 'service', titleIds: [1, titleId, 4294967295] } }),
    expect: accepted,
  },
];
