// The XblAuth credential: missing, malformed, expired, badly signed (401 AuthenticationError with
// WWW-Authenticate), and valid but not allowed to act for the title (400 AuthorizationError).
import type { ConformanceCase } from '../src/case.ts';
import { invite, invitee, mockAnswers, mockReasons, sender, titleId } from './common.ts';

const body = { invitedUsers: [invitee], sender };
const unauthenticated = { status: 401, errorCode: 'AuthenticationError' } as const;
const notAllowed = { status: 400, errorCode: 'AuthorizationError' } as const;
const mockCannotVerify = mockAnswers(204, mockReasons.credentials);

export const credentialCases: ConformanceCase[] = [
  {
    title: 'rejects a request without Authorization',
    request: invite(body, { credential: undefined }),
    expect: unauthenticated,
  },
  {
    title: 'rejects a Bearer credential',
    request: invite(body, { credential: { kind: 'literal', value: 'Bearer abc.def.ghi' } }),
    expect: unauthenticated,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects an XBL3.0 credential without a token',
    request: invite(body, { credential: { kind: 'literal', value: 'XBL3.0 x=-' } }),
    expect: unauthenticated,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects an XBL3.0 credential whose token is not a JWT',
    request: invite(body, { credential: { kind: 'literal', value: 'XBL3.0 x=-;not-a-jwt' } }),
    expect: unauthenticated,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects an expired credential',
    request: invite(body, { credential: { kind: 'expired-service', titleIds: [titleId] } }),
    expect: unauthenticated,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects a credential with an altered signature',
    request: invite(body, { credential: { kind: 'tampered-service', titleIds: [titleId] } }),
    expect: unauthenticated,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects a service credential for another title',
    request: invite(body, { credential: { kind: 'service', titleIds: [titleId + 1] } }),
    expect: notAllowed,
    exceptions: mockCannotVerify,
  },
  {
    title: 'rejects a user credential (the route needs a game server)',
    request: invite(body, { credential: { kind: 'user', xuid: sender } }),
    expect: notAllowed,
    exceptions: mockCannotVerify,
  },
];
