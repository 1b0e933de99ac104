import { describe, expect, it } from 'vitest';
import { NetworkError } from '../src/errors.js';
import { networkErrorFrom } from '../src/network-failure.js';
import { fetchFailure } from './support/fake-fetch.js';

const systemError = (code: string) => Object.assign(new Error(code), { code });

describe('networkErrorFrom', () => {
  it.each([
    ['a refused connection', fetchFailure('ECONNREFUSED'), false, 'ECONNREFUSED'],
    ['an unknown host name', fetchFailure('ENOTFOUND'), false, 'ENOTFOUND'],
    ['a temporary DNS failure', fetchFailure('EAI_AGAIN'), false, 'EAI_AGAIN'],
    ['an unreachable host', fetchFailure('EHOSTUNREACH'), false, 'EHOSTUNREACH'],
    ['a connect timeout', fetchFailure('UND_ERR_CONNECT_TIMEOUT'), false, 'UND_ERR_CONNECT_TIMEOUT'],
    [
      'every address of a host refusing',
      new TypeError('fetch failed', {
        cause: new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]),
      }),
      false,
      undefined,
    ],
    [
      'one address of a host resetting after another refused',
      new TypeError('fetch failed', {
        cause: new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNRESET')]),
      }),
      true,
      undefined,
    ],
    ['a reset connection', fetchFailure('ECONNRESET'), true, 'ECONNRESET'],
    ['a socket closed mid-response', fetchFailure('UND_ERR_SOCKET'), true, 'UND_ERR_SOCKET'],
    ["a browser's opaque failure", new TypeError('Failed to fetch'), true, undefined],
  ])('classifies %s (may have reached the server: %s)', (_, failure, mayHaveReachedServer, code) => {
    const error = networkErrorFrom(failure, 'req-1');

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({
      mayHaveReachedServer,
      code,
      status: undefined,
      errorCode: 'NetworkError',
      requestId: 'req-1',
      cause: failure,
    });
  });
});
