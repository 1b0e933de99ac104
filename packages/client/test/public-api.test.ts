import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  Endpoint,
  ErrorCode,
  LimitType,
  Platform,
  ReceivedInvite,
  RegisteredEndpoint,
  SendServerInviteRequest,
  StreamedInvite,
  ThrottledEntity,
} from '../src/index.js';
import * as api from '../src/index.js';

describe('the package entry point', () => {
  it('exports the client factory, the error classes and the contract values, and nothing of the generated runtime', () => {
    expect(Object.keys(api).sort()).toEqual([
      'ApiError',
      'AuthenticationError',
      'AuthorizationError',
      'DEFAULT_RETRY_POLICY',
      'DEFAULT_TIMEOUT_MS',
      'ErrorCode',
      'IdempotencyKeyInProgressError',
      'IdempotencyKeyReusedError',
      'InvitesClientError',
      'LimitType',
      'MethodNotAllowedError',
      'NetworkError',
      'NotFoundError',
      'PayloadTooLargeError',
      'Platform',
      'RequestValidationError',
      'ServerError',
      'ThrottledError',
      'TimeoutError',
      'UnsupportedMediaTypeError',
      'createInviteReceiver',
      'createInvitesClient',
    ]);
  });

  it('offers the eight platforms of the contract, as values and as the type of the platform field', () => {
    expect(Object.values(api.Platform).sort()).toEqual(
      ['Android', 'IOS', 'Nintendo', 'PlayStation', 'Scarlett', 'Win32', 'WindowsOneCore', 'XboxOne'].sort(),
    );
    expectTypeOf<Platform>().toEqualTypeOf<
      'Android' | 'IOS' | 'Nintendo' | 'PlayStation' | 'Scarlett' | 'Win32' | 'WindowsOneCore' | 'XboxOne'
    >();
    expectTypeOf<SendServerInviteRequest['platform']>().toEqualTypeOf<Platform | undefined>();
  });

  it('types the invite from the generated model: invitedUsers and sender required', () => {
    expectTypeOf<SendServerInviteRequest>().toEqualTypeOf<{
      invitedUsers: Array<string>;
      sender: string;
      connectionString?: string;
      platform?: Platform;
    }>();
    // @ts-expect-error sender is required
    const missingSender: SendServerInviteRequest = { invitedUsers: ['1'] };
    void missingSender;
  });

  it('types the fields every error carries, and the throttling details', () => {
    expectTypeOf<api.InvitesClientError['status']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<api.ApiError['status']>().toEqualTypeOf<number>();
    expectTypeOf<api.InvitesClientError['errorCode']>().toEqualTypeOf<string>();
    expectTypeOf<api.InvitesClientError['debugMessage']>().toEqualTypeOf<string>();
    expectTypeOf<api.InvitesClientError['requestId']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<api.ThrottledError['retryAfterMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<api.ThrottledError['throttledEntity']>().toEqualTypeOf<ThrottledEntity | undefined>();
    expectTypeOf<ThrottledEntity['limitType']>().toEqualTypeOf<LimitType>();
    expectTypeOf<LimitType>().toEqualTypeOf<'Rate' | 'Concurrency'>();
    expectTypeOf<ErrorCode>().toExtend<string>();
  });

  it('resolves sendServerInvite to void', () => {
    expectTypeOf<ReturnType<api.InvitesClient['sendServerInvite']>>().toEqualTypeOf<Promise<void>>();
  });

  it('types the receiver from the generated models: dates as Date, invites as an async iterable', () => {
    expectTypeOf<ReturnType<api.InviteReceiver['registerEndpoint']>>().toEqualTypeOf<
      Promise<RegisteredEndpoint>
    >();
    expectTypeOf<RegisteredEndpoint>().toExtend<Endpoint>();
    expectTypeOf<RegisteredEndpoint['created']>().toEqualTypeOf<boolean>();
    expectTypeOf<Endpoint['expiresAt']>().toEqualTypeOf<Date>();
    expectTypeOf<ReturnType<api.InviteReceiver['unregisterEndpoint']>>().toEqualTypeOf<Promise<void>>();
    expectTypeOf<ReturnType<api.InviteReceiver['acknowledgeInvite']>>().toEqualTypeOf<Promise<void>>();
    expectTypeOf<ReturnType<api.InviteReceiver['receiveInvites']>>().toExtend<
      AsyncIterable<ReceivedInvite>
    >();
    expectTypeOf<ReturnType<api.InviteReceiver['streamInvites']>>().toExtend<AsyncIterable<StreamedInvite>>();
    expectTypeOf<StreamedInvite>().toExtend<ReceivedInvite>();
    expectTypeOf<StreamedInvite['cursor']>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<api.InviteReceiver['streamInvites']>[2]>().toEqualTypeOf<
      api.StreamInvitesOptions | undefined
    >();
    expectTypeOf<api.StreamInvitesOptions>().toEqualTypeOf<{
      readonly signal?: AbortSignal;
      readonly lastEventId?: string;
    }>();
    expectTypeOf<ReceivedInvite>().toEqualTypeOf<{
      id: string;
      titleId: number;
      sender: string;
      invitedUser: string;
      connectionString: string;
      platform?: Platform;
      createdAt: Date;
      expiresAt: Date;
      activationUri: string;
    }>();
  });
});
