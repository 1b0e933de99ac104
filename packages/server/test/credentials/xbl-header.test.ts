import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_LENGTH, parseXblAuthorization } from '../../src/credentials/xbl-header.ts';
import { ServiceError } from '../../src/errors.ts';

describe('parseXblAuthorization', () => {
  it.each([
    ['a service credential', 'XBL3.0 x=-;abc.def.ghi', { userHash: null, token: 'abc.def.ghi' }],
    ['a user credential', 'XBL3.0 x=2553948354698;tok', { userHash: '2553948354698', token: 'tok' }],
    ['a token containing ";"', 'XBL3.0 x=-;a;b', { userHash: null, token: 'a;b' }],
    [
      'a user hash of 64 characters',
      `XBL3.0 x=${'h'.repeat(64)};tok`,
      { userHash: 'h'.repeat(64), token: 'tok' },
    ],
    [
      'a token of the longest length',
      `XBL3.0 x=-;${'a'.repeat(MAX_TOKEN_LENGTH)}`,
      { userHash: null, token: 'a'.repeat(MAX_TOKEN_LENGTH) },
    ],
  ])('parses %s', (_name, header, want) => {
    expect(parseXblAuthorization(header)).toEqual(want);
  });

  it.each([
    ['a missing header', undefined, /required/],
    ['an empty header', '', /required/],
    ['another scheme', 'Bearer abc', /XBL3\.0 scheme/],
    ['no user hash separator', 'XBL3.0 x=-abc', /x=<userhash>;<token>/],
    ['an empty user hash', 'XBL3.0 x=;tok', /user hash/],
    ['a user hash with spaces', 'XBL3.0 x=a b;tok', /user hash/],
    ['a user hash of 65 characters', `XBL3.0 x=${'h'.repeat(65)};tok`, /user hash/],
    ['an empty token', 'XBL3.0 x=-;', /no token/],
    ['a token over the limit', `XBL3.0 x=-;${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`, /longer than/],
  ])('rejects %s as an AuthenticationError', (_name, header, message) => {
    const attempt = () => parseXblAuthorization(header);
    expect(attempt).toThrow(ServiceError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as ServiceError).code).toBe('AuthenticationError');
    }
  });
});
