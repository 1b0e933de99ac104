import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ErrorCode,
  errorCodes,
  type OperationId,
  type PathParams,
  type Platform,
  platforms,
  type RequestBody,
  type StatusCode,
} from '../src/index.ts';

describe('generated contract types', () => {
  it('names every operation of the contract', () => {
    expectTypeOf<OperationId>().toEqualTypeOf<
      | 'sendServerInvite'
      | 'getHealth'
      | 'getReadiness'
      | 'getOpenApiDocument'
      | 'getApiDocumentation'
      | 'getMetrics'
      | 'registerEndpoint'
      | 'unregisterEndpoint'
      | 'receiveInvites'
      | 'receiveInviteStream'
      | 'acknowledgeInvite'
    >();
  });

  it('types the request body from SendServerInviteRequest, with invitedUsers and sender required', () => {
    expectTypeOf<RequestBody<'sendServerInvite'>>().toEqualTypeOf<{
      invitedUsers: string[];
      sender: string;
      connectionString?: string;
      platform?: Platform;
    }>();
  });

  it('types titleId as a number path parameter', () => {
    expectTypeOf<PathParams<'sendServerInvite'>>().toEqualTypeOf<{ titleId: number }>();
  });

  it('documents every status the server can answer for the operation', () => {
    expectTypeOf<StatusCode<'sendServerInvite'>>().toEqualTypeOf<
      204 | 400 | 401 | 409 | 413 | 415 | 422 | 429 | 500 | 503
    >();
  });

  it('exports the eight platforms of the source page as runtime values', () => {
    expect([...platforms].sort()).toEqual(
      ['Android', 'IOS', 'Nintendo', 'PlayStation', 'Scarlett', 'Win32', 'WindowsOneCore', 'XboxOne'].sort(),
    );
    expectTypeOf<(typeof platforms)[number]>().toEqualTypeOf<Platform>();
  });

  it('exports both error codes the source page names', () => {
    const codes: readonly ErrorCode[] = errorCodes;
    expect(codes).toContain('RequestValidationError');
    expect(codes).toContain('AuthorizationError');
  });
});
