// Values and target exceptions shared by the case files.
import type { CaseRequest, Credential, TargetException } from '../src/case.ts';

/** The title the cases act for (0x6CF217A8), and the XUIDs they use. */
export const titleId = 1827805096;
export const sender = '2533274792693551';
export const invitee = '2814613569642996';
export const maxXuid = '18446744073709551615';

export const service: Credential = { kind: 'service', titleIds: [titleId] };

/** POST /titles/{titleId}/invites/server with a service credential for the title. */
export function invite(body: unknown, overrides: Partial<CaseRequest> = {}): CaseRequest {
  return {
    method: 'POST',
    path: `/titles/${titleId}/invites/server`,
    credential: service,
    json: body,
    ...overrides,
  };
}

/** Why the Prism mock answers differently; each names what Prism cannot do. */
export const mockReasons = {
  credentials:
    'Prism checks only that the Authorization header is present (an apiKey scheme); it cannot verify tokens or decide what they may act for',
  state:
    'Prism keeps no state: it neither throttles, nor counts requests in flight, nor remembers registrations or invites',
  lowestSuccess:
    'Prism answers the lowest documented 2xx (200), as it cannot tell a first registration from a refresh',
  unknownQuery: 'Prism ignores query parameters the operation does not declare',
} as const;

export function mockAnswers(status: number, reason: string): { mock: TargetException } {
  return { mock: { reason, instead: { status } } };
}
