import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import { createAuthenticator } from '../../src/credentials/authenticator.ts';
import { loadVerificationKey } from '../../src/credentials/keys.ts';
import { mintCredential, userHashOf } from '../../src/credentials/mint.ts';
import { ServiceError } from '../../src/errors.ts';

const SECRET = 'a-test-secret-that-is-at-least-32-characters';
const ISSUER = 'test-issuer';
const AUDIENCE = 'test-audience';
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

function fixedClock(startMs = NOW) {
  let now = startMs;
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
  return clock;
}

async function hs256Authenticator(clock: Clock, cacheMaxEntries = 100) {
  return createAuthenticator({
    key: await loadVerificationKey({ kind: 'hs256-secret', secret: SECRET, isDevelopmentSecret: false }),
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: 5,
    cacheMaxEntries,
    clock,
  });
}

const mint = (options: Partial<Parameters<typeof mintCredential>[0]> = {}) =>
  mintCredential({
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: { kind: 'service', titleIds: [42] },
    ttlSeconds: 3600,
    nowMs: NOW,
    ...options,
  });

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('authenticator with an HS256 secret', () => {
  it('accepts a service credential and returns its title ids', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const credential = await auth.authenticate(
      await mint({ subject: { kind: 'service', titleIds: [42, 7] } }),
    );
    expect(credential).toMatchObject({ kind: 'service', subject: 'game-server' });
    expect([...credential.titleIds]).toEqual([42, 7]);
  });

  it('accepts a user credential whose header user hash equals the uhs claim', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const credential = await auth.authenticate(
      await mint({ subject: { kind: 'user', xuid: '2533274792693551' } }),
    );
    expect(credential).toMatchObject({
      kind: 'user',
      xuid: '2533274792693551',
      userHash: userHashOf('2533274792693551'),
    });
  });

  it.each([
    ['expired beyond the tolerance', { nowMs: NOW - 3600_000 - 6000 }, 'the token has expired'],
    ['not valid yet beyond the tolerance', { notBeforeSeconds: 60 }, 'the token is not valid yet'],
    [
      'signed with another secret',
      { secret: 'another-secret-that-is-at-least-32-characters' },
      'the token signature is invalid',
    ],
    [
      'from another issuer',
      { issuer: 'someone-else' },
      'the token was issued by an issuer this service does not trust',
    ],
    ['for another audience', { audience: 'another-service' }, 'the token was issued for another audience'],
  ])('rejects a token %s with 401 AuthenticationError', async (_name, options, message) => {
    const auth = await hs256Authenticator(fixedClock());
    const error = await failure(auth.authenticate(await mint(options)));
    expect(error.code).toBe('AuthenticationError');
    expect(error.message).toBe(message);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const credential = await auth.authenticate(await mint({ nowMs: NOW - 3600_000 - 3000 }));
    expect(credential.kind).toBe('service');
  });

  it('rejects garbage after the user hash as not a valid JWT', async () => {
    const auth = await hs256Authenticator(fixedClock());
    expect((await failure(auth.authenticate('XBL3.0 x=-;not-a-jwt'))).message).toBe(
      'the token is not a valid JWT',
    );
  });

  it('rejects a user credential whose header user hash differs from uhs', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const header = (await mint({ subject: { kind: 'user', xuid: '1' } })).replace('x=uhs1;', 'x=uhs2;');
    expect((await failure(auth.authenticate(header))).message).toMatch(/does not match the token's uhs/);
  });

  it.each([
    ['a prefix of it', 'x=uhs12;', 'x=uhs1;'],
    ['it extended', 'x=uhs1;', 'x=uhs12;'],
    ['it in another case', 'x=uhs1;', 'x=UHS1;'],
  ])('rejects a header user hash that is %s rather than equal to the uhs claim', async (_name, from, to) => {
    const auth = await hs256Authenticator(fixedClock());
    const xuid = from === 'x=uhs12;' ? '12' : '1';
    const header = (await mint({ subject: { kind: 'user', xuid } })).replace(from, to);
    expect(header).toContain(to);
    expect((await failure(auth.authenticate(header))).message).toMatch(/does not match the token's uhs/);
  });

  it.each([
    ['without a tid claim', {}],
    ['with an empty tid', { tid: [] }],
  ])('reads a service token %s as covering no title', async (_name, claims) => {
    const auth = await hs256Authenticator(fixedClock());
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('s')
      .setExpirationTime(NOW / 1000 + 60)
      .sign(new TextEncoder().encode(SECRET));
    const credential = await auth.authenticate(`XBL3.0 x=-;${token}`);
    expect(credential.kind).toBe('service');
    expect(credential.titleIds.size).toBe(0);
  });

  /** A token with exactly these claims (besides iss, aud, exp), signed with the test secret. */
  const signed = (claims: Record<string, unknown>, subject: string | null = 's') => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(NOW / 1000 + 60);
    return (subject === null ? jwt : jwt.setSubject(subject)).sign(new TextEncoder().encode(SECRET));
  };

  it.each([
    ['a user id (xid) only', { xid: '1' }],
    ['a user hash (uhs) only', { uhs: 'uhs1' }],
  ])('rejects a token carrying %s as a service credential (x=-)', async (_name, claims) => {
    const auth = await hs256Authenticator(fixedClock());
    expect((await failure(auth.authenticate(`XBL3.0 x=-;${await signed(claims)}`))).message).toMatch(
      /user token was sent as a service credential/,
    );
  });

  it.each([
    ['a user id (xid) but no user hash (uhs)', { xid: '1' }],
    ['a user hash (uhs) but no user id (xid)', { uhs: 'uhs1' }],
  ])('rejects a token carrying %s with a user hash in the header', async (_name, claims) => {
    const auth = await hs256Authenticator(fixedClock());
    expect((await failure(auth.authenticate(`XBL3.0 x=uhs1;${await signed(claims)}`))).message).toMatch(
      /service token was sent with a user hash/,
    );
  });

  it.each(['x1', '1x', '01', ''])('rejects a user token whose xid %j is no XUID', async (xid) => {
    const auth = await hs256Authenticator(fixedClock());
    const token = await signed({ xid, uhs: 'uhs1' });
    expect((await failure(auth.authenticate(`XBL3.0 x=uhs1;${token}`))).message).toBe(
      `the token's claim "xid" is invalid`,
    );
  });

  it('rejects a token without a subject, naming the claim', async () => {
    const auth = await hs256Authenticator(fixedClock());
    expect((await failure(auth.authenticate(`XBL3.0 x=-;${await signed({}, null)}`))).message).toBe(
      `the token's claim "sub" is invalid`,
    );
  });

  it('mints user credentials whose token names the user as subject, with the title ids given and typ JWT', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const header = await mint({ subject: { kind: 'user', xuid: '2533274792693551', titleIds: [7] } });
    const credential = await auth.authenticate(header);
    expect(credential).toMatchObject({ kind: 'user', subject: '2533274792693551' });
    expect([...credential.titleIds]).toEqual([7]);
    const token = header.slice(header.indexOf(';') + 1);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('rejects a user token sent as a service credential (x=-)', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const header = (await mint({ subject: { kind: 'user', xuid: '1' } })).replace('x=uhs1;', 'x=-;');
    expect((await failure(auth.authenticate(header))).message).toMatch(
      /user token was sent as a service credential/,
    );
  });

  it('rejects a service token sent with a user hash', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const header = (await mint()).replace('x=-;', 'x=abc;');
    expect((await failure(auth.authenticate(header))).message).toMatch(
      /service token was sent with a user hash/,
    );
  });

  it('rejects a token whose tid claim is not a list of uint32', async () => {
    const auth = await hs256Authenticator(fixedClock());
    const token = await new SignJWT({ tid: [4294967296] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('s')
      .setExpirationTime(NOW / 1000 + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect((await failure(auth.authenticate(`XBL3.0 x=-;${token}`))).message).toBe(
      `the token's claim "tid.0" is invalid`,
    );
  });

  describe('cache of verified tokens', () => {
    it('answers a repeated credential without verifying the signature again', async () => {
      // jose asks a key function for the key once per signature verification: count the asks.
      let verifications = 0;
      const secret = new TextEncoder().encode(SECRET);
      const auth = createAuthenticator({
        key: {
          key: async () => {
            verifications += 1;
            return secret;
          },
          algorithms: ['HS256'],
        },
        issuer: ISSUER,
        audience: AUDIENCE,
        clockToleranceSeconds: 5,
        cacheMaxEntries: 100,
        clock: fixedClock(),
      });
      const header = await mint();
      await auth.authenticate(header);
      await auth.authenticate(header);
      await auth.authenticate(header);
      expect(verifications).toBe(1);
    });

    it('stops answering from the cache once the token expires', async () => {
      const clock = fixedClock();
      const auth = await hs256Authenticator(clock);
      const header = await mint({ ttlSeconds: 60 });
      await auth.authenticate(header);
      clock.advance(60_000 + 5_000);
      expect((await failure(auth.authenticate(header))).message).toBe('the token has expired');
    });

    it('answers from the cache within the clock tolerance after expiry, and refuses past it', async () => {
      const clock = fixedClock();
      const auth = await hs256Authenticator(clock);
      const header = await mint({ ttlSeconds: 60 });
      const first = await auth.authenticate(header);
      clock.advance(60_000 + 3_000);
      expect(await auth.authenticate(header)).toBe(first);
      clock.advance(2_000);
      expect((await failure(auth.authenticate(header))).message).toBe('the token has expired');
    });

    it('keeps each token its own credential', async () => {
      const auth = await hs256Authenticator(fixedClock());
      const first = await auth.authenticate(await mint({ subject: { kind: 'service', titleIds: [1] } }));
      const second = await auth.authenticate(await mint({ subject: { kind: 'service', titleIds: [2] } }));
      expect([...first.titleIds]).toEqual([1]);
      expect([...second.titleIds]).toEqual([2]);
    });

    it('keeps a cached user credential bound to its user hash', async () => {
      const auth = await hs256Authenticator(fixedClock());
      const header = await mint({ subject: { kind: 'user', xuid: '1' } });
      await auth.authenticate(header);
      const tampered = header.replace('x=uhs1;', 'x=uhs2;');
      expect((await failure(auth.authenticate(tampered))).message).toMatch(/does not match/);
    });
  });
});

describe('authenticator with public keys', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'server-invites-keys-'));
  });

  const signWith = (privateKey: CryptoKey, alg: string, kid?: string) =>
    new SignJWT({ tid: [42] })
      .setProtectedHeader({ alg, ...(kid && { kid }) })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('fleet-1')
      .setExpirationTime(NOW / 1000 + 600)
      .sign(privateKey);

  /** An authenticator that trusts the given keys, without a cache. */
  const authenticatorFor = async (source: Parameters<typeof loadVerificationKey>[0]) =>
    createAuthenticator({
      key: await loadVerificationKey(source),
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 5,
      cacheMaxEntries: 0,
      clock: fixedClock(),
    });

  /** A JWKS file holding one public key under `kid`. */
  const jwksFile = async (publicKey: CryptoKey, kid: string, alg: string) => {
    const path = join(directory, 'jwks.json');
    writeFileSync(path, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg }] }));
    return { kind: 'jwks-file' as const, path };
  };

  it('verifies an ES256 token against a JWKS file', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const auth = await authenticatorFor(await jwksFile(publicKey, 'k1', 'ES256'));
    const credential = await auth.authenticate(`XBL3.0 x=-;${await signWith(privateKey, 'ES256', 'k1')}`);
    expect(credential).toMatchObject({ kind: 'service', subject: 'fleet-1' });

    const stranger = await generateKeyPair('ES256');
    const error = await failure(
      auth.authenticate(`XBL3.0 x=-;${await signWith(stranger.privateKey, 'ES256', 'k1')}`),
    );
    expect(error.message).toBe('the token signature is invalid');
  });

  it('verifies an RS256 token against a JWKS file, and refuses a key id the set does not hold', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const auth = await authenticatorFor(await jwksFile(publicKey, 'r1', 'RS256'));
    const credential = await auth.authenticate(`XBL3.0 x=-;${await signWith(privateKey, 'RS256', 'r1')}`);
    expect(credential).toMatchObject({ kind: 'service', subject: 'fleet-1' });
    const error = await failure(auth.authenticate(`XBL3.0 x=-;${await signWith(privateKey, 'RS256', 'r2')}`));
    expect(error.message).toBe('the token is signed with an unknown key');
  });

  it('verifies an RS256 token against a PEM public key file and refuses HS256 tokens', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const path = join(directory, 'public.pem');
    writeFileSync(path, await exportSPKI(publicKey));
    const auth = await authenticatorFor({ kind: 'public-key-file', path, algorithm: 'RS256' });
    expect((await auth.authenticate(`XBL3.0 x=-;${await signWith(privateKey, 'RS256')}`)).kind).toBe(
      'service',
    );
    const error = await failure(auth.authenticate(await mint()));
    expect(error.message).toBe('the token is signed with an algorithm this service does not accept');
  });
});
