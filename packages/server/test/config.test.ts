import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_SECRET, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('starts with embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      environment: 'development',
      http: { port: 3000, host: '127.0.0.1', bodyLimitBytes: 16_384 },
      validateResponses: true,
      auth: { keys: { kind: 'hs256-secret', secret: DEVELOPMENT_SECRET, isDevelopmentSecret: true } },
      throttle: {
        burst: { limit: 7, windowSeconds: 15 },
        sustain: { limit: 50, windowSeconds: 300 },
        concurrencyPerCaller: 64,
      },
    });
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.throttle.burst)).toBe(true);
  });

  it('reads and coerces variables', () => {
    const config = loadConfig({ PORT: '8080', THROTTLE_BURST_LIMIT: '3', VALIDATE_RESPONSES: 'false' });
    expect(config.http.port).toBe(8080);
    expect(config.throttle.burst.limit).toBe(3);
    expect(config.validateResponses).toBe(false);
  });

  it('refuses to start in production without a token key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/production needs a token key/);
  });

  it('refuses the development secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_HS256_SECRET: DEVELOPMENT_SECRET })).toThrow(
      /development secret is refused/,
    );
  });

  it('in production with a key, listens on all interfaces and turns response validation off', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_HS256_SECRET: 'x'.repeat(32) });
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.validateResponses).toBe(false);
  });

  it('names every invalid variable in one error', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', AUTH_HS256_SECRET: 'short', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT/);
    expect(attempt).toThrow(/AUTH_HS256_SECRET must be at least 32 characters/);
    expect(attempt).toThrow(/LOG_LEVEL/);
  });

  it('refuses two key sources at once', () => {
    expect(() => loadConfig({ AUTH_HS256_SECRET: 'x'.repeat(32), AUTH_JWKS_FILE: '/keys.json' })).toThrow(
      /set only one of/,
    );
  });
});
