// Throttling: the burst and sustain windows per (sender, title), the in-flight limit per caller.
// These run against the target's instance with tight limits (2 per 15 s burst, 4 per 300 s
// sustain, 1 request in flight); each case uses its own sender or user so that cases do not share
// a window.
import type { CaseRequest, ConformanceCase, SetupStep } from '../src/case.ts';
import { invite, invitee, mockAnswers, mockReasons, titleId } from './common.ts';

const mockDoesNotThrottle = mockAnswers(204, mockReasons.state);

const user = '2535400000000001';
const endpoint = `/users/${user}/endpoints/throttling-console`;
const asUser: CaseRequest['credential'] = { kind: 'user', xuid: user };

/**
 * A user of its own per case, whose endpoint is registered and whose only in-flight slot a long
 * poll holds (the runner sends the case's request once the server counts that poll waiting).
 */
function heldByLongPoll(xuid: string): {
  endpoint: string;
  credential: CaseRequest['credential'];
  setup: SetupStep[];
} {
  const path = `/users/${xuid}/endpoints/throttling-console`;
  const credential: CaseRequest['credential'] = { kind: 'user', xuid };
  return {
    endpoint: path,
    credential,
    setup: [
      { request: { method: 'PUT', path, credential, json: { platform: 'Scarlett' } } },
      { request: { method: 'GET', path: `${path}/invites?waitSeconds=30`, credential }, inFlight: true },
    ],
  };
}
const overInFlight = { status: 429, throttled: { limitType: 'Concurrency' } } as const;
const registration = heldByLongPoll('2535400000000002');
const unregistration = heldByLongPoll('2535400000000003');
const acknowledgement = heldByLongPoll('2535400000000004');

export const throttlingCases: ConformanceCase[] = [
  {
    title: 'throttles the invite over the burst limit',
    request: invite({ invitedUsers: [invitee], sender: '2535411111111111' }),
    setup: [{ request: 'same', times: 'burst-limit', status: 204 }],
    expect: { status: 429, throttled: { limitType: 'Rate', window: 'burst' } },
    throttling: true,
    exceptions: mockDoesNotThrottle,
  },
  {
    title: 'throttles the invite over the sustain limit (throttled requests count toward it)',
    request: invite({ invitedUsers: [invitee], sender: '2535422222222222' }),
    setup: [{ request: 'same', times: 'sustain-limit' }],
    expect: { status: 429, throttled: { limitType: 'Rate', window: 'sustain' } },
    throttling: true,
    exceptions: mockDoesNotThrottle,
  },
  {
    title: "accepts another sender's invite while one sender is throttled",
    request: invite({ invitedUsers: [invitee], sender: '2535433333333334' }),
    setup: [
      {
        request: invite({ invitedUsers: [invitee], sender: '2535433333333333' }),
        times: 'burst-limit',
        status: 204,
      },
      { request: invite({ invitedUsers: [invitee], sender: '2535433333333333' }), status: 429 },
    ],
    expect: { status: 204 },
    throttling: true,
  },
  {
    title: "accepts the sender's invite for another title while the first title is throttled",
    request: invite(
      { invitedUsers: [invitee], sender: '2535444444444444' },
      {
        path: `/titles/${titleId + 1}/invites/server`,
        credential: { kind: 'service', titleIds: [titleId + 1] },
      },
    ),
    setup: [
      {
        request: invite({ invitedUsers: [invitee], sender: '2535444444444444' }),
        times: 'burst-limit',
        status: 204,
      },
      { request: invite({ invitedUsers: [invitee], sender: '2535444444444444' }), status: 429 },
    ],
    expect: { status: 204 },
    throttling: true,
  },
  {
    title: 'refuses a request over the in-flight limit (a long poll holds the only slot)',
    request: { method: 'GET', path: `${endpoint}/invites`, credential: asUser },
    setup: [
      { request: { method: 'PUT', path: endpoint, credential: asUser, json: { platform: 'Scarlett' } } },
      {
        request: { method: 'GET', path: `${endpoint}/invites?waitSeconds=30`, credential: asUser },
        inFlight: true,
      },
    ],
    expect: { status: 429, throttled: { limitType: 'Concurrency' } },
    throttling: true,
    exceptions: mockAnswers(200, mockReasons.state),
  },
  {
    title: 'refuses a registration over the in-flight limit (a long poll holds the only slot)',
    request: {
      method: 'PUT',
      path: registration.endpoint,
      credential: registration.credential,
      json: { platform: 'Scarlett' },
    },
    setup: registration.setup,
    expect: overInFlight,
    throttling: true,
    exceptions: mockAnswers(200, mockReasons.state),
  },
  {
    title: 'refuses an unregistration over the in-flight limit (a long poll holds the only slot)',
    request: { method: 'DELETE', path: unregistration.endpoint, credential: unregistration.credential },
    setup: unregistration.setup,
    expect: overInFlight,
    throttling: true,
    exceptions: mockAnswers(204, mockReasons.state),
  },
  {
    title: 'refuses an acknowledgement over the in-flight limit (a long poll holds the only slot)',
    request: {
      method: 'DELETE',
      path: `${acknowledgement.endpoint}/invites/5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a`,
      credential: acknowledgement.credential,
    },
    setup: acknowledgement.setup,
    expect: overInFlight,
    throttling: true,
    exceptions: mockAnswers(204, mockReasons.state),
  },
];
