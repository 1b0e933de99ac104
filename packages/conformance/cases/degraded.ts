// The responses of a deployment's configuration and of an outage, on the target's degraded
// instance: metrics turned off (METRICS_ENABLED=false), and its shared store (Redis) stopped after
// start-up, so that readiness and every operation that needs the store answer 503.
import type { ConformanceCase } from '../src/case.ts';
import { invite, invitee, sender } from './common.ts';

const user = '2535500000000001';
const endpoint = `/users/${user}/endpoints/degraded-console`;
const asUser = { kind: 'user', xuid: user } as const;
const unavailable = { status: 503, errorCode: 'ServiceUnavailable' } as const;

/** The instance notices that Redis went away a moment after it stops: re-sent until it has. */
const onOutage = { degraded: true, retryUntilExpected: true } as const;

export const degradedCases: ConformanceCase[] = [
  {
    title: 'answers the readiness probe 503 while Redis is unreachable',
    request: { method: 'GET', path: '/readyz' },
    expect: { status: 503 },
    ...onOutage,
  },
  {
    title: 'answers 404 for the metrics when they are turned off',
    request: { method: 'GET', path: '/metrics' },
    expect: { status: 404, errorCode: 'NotFound' },
    degraded: true,
  },
  {
    title: 'answers an invite 503 while Redis is unreachable',
    request: invite({ invitedUsers: [invitee], sender }),
    expect: unavailable,
    ...onOutage,
  },
  {
    title: 'answers a registration 503 while Redis is unreachable',
    request: { method: 'PUT', path: endpoint, credential: asUser, json: { platform: 'Scarlett' } },
    expect: unavailable,
    ...onOutage,
  },
  {
    title: 'answers receiving 503 while Redis is unreachable',
    request: { method: 'GET', path: `${endpoint}/invites`, credential: asUser },
    expect: unavailable,
    ...onOutage,
  },
  {
    title: 'answers an acknowledgement 503 while Redis is unreachable',
    request: {
      method: 'DELETE',
      path: `${endpoint}/invites/5b0f8f0e-3c1a-4d8e-9a57-2f6c1d3e4b5a`,
      credential: asUser,
    },
    expect: unavailable,
    ...onOutage,
  },
  {
    title: 'answers an unregistration 503 while Redis is unreachable',
    request: { method: 'DELETE', path: endpoint, credential: asUser },
    expect: unavailable,
    ...onOutage,
  },
];
