// Capacity: what an instance holds at most, and the documented refusal past it. These run against
// the target's instance with tight limits (1 waiting device, 2 endpoints per user).
import type { CaseRequest, ConformanceCase } from '../src/case.ts';
import { mockAnswers, mockReasons } from './common.ts';

const asUser = (xuid: string): CaseRequest['credential'] => ({ kind: 'user', xuid });
const endpointOf = (xuid: string, endpointId: string) => `/users/${xuid}/endpoints/${endpointId}`;
const register = (xuid: string, endpointId: string): CaseRequest => ({
  method: 'PUT',
  path: endpointOf(xuid, endpointId),
  credential: asUser(xuid),
  json: { platform: 'Win32' },
});

const holder = '2535600000000001';
const refused = '2535600000000002';
const crowded = '2535600000000003';

export const capacityCases: ConformanceCase[] = [
  {
    title:
      'refuses a wait past the waiting devices it holds with 503 ServiceUnavailable (another device waits)',
    request: {
      method: 'GET',
      path: `${endpointOf(refused, 'capacity-console')}/invites?waitSeconds=30`,
      credential: asUser(refused),
    },
    setup: [
      { request: register(holder, 'capacity-console'), status: 201 },
      { request: register(refused, 'capacity-console'), status: 201 },
      {
        request: {
          method: 'GET',
          path: `${endpointOf(holder, 'capacity-console')}/invites?waitSeconds=30`,
          credential: asUser(holder),
        },
        inFlight: true,
      },
    ],
    expect: { status: 503, errorCode: 'ServiceUnavailable' },
    throttling: true,
    exceptions: mockAnswers(200, mockReasons.state),
  },
  {
    title: 'refuses a user one endpoint more than allowed with 409 TooManyEndpoints',
    request: register(crowded, 'third'),
    setup: [
      { request: register(crowded, 'first'), status: 201 },
      { request: register(crowded, 'second'), status: 201 },
    ],
    expect: { status: 409, errorCode: 'TooManyEndpoints' },
    throttling: true,
    exceptions: mockAnswers(200, mockReasons.state),
  },
];
