// The configuration of metrics (METRICS_ENABLED, METRICS_PORT) and CORS (CORS_ORIGINS).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('metrics configuration', () => {
  it('serves metrics on the service port by default', () => {
    expect(loadConfig({}).metrics).toEqual({ enabled: true, port: undefined });
  });

  it('reads METRICS_PORT and METRICS_ENABLED', () => {
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({ enabled: true, port: 9464 });
    expect(loadConfig({ METRICS_ENABLED: 'false' }).metrics).toEqual({ enabled: false, port: undefined });
  });

  it.each([
    [
      'METRICS_PORT with metrics off',
      { METRICS_PORT: '9464', METRICS_ENABLED: 'false' },
      /METRICS_PORT is set but METRICS_ENABLED is false/,
    ],
    [
      'METRICS_PORT equal to PORT',
      { PORT: '8080', METRICS_PORT: '8080' },
      /METRICS_PORT must differ from PORT/,
    ],
    ['METRICS_PORT out of range', { METRICS_PORT: '70000' }, /METRICS_PORT/],
    ['METRICS_ENABLED not a boolean', { METRICS_ENABLED: 'yes' }, /METRICS_ENABLED/],
  ])('refuses %s', (_, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('CORS configuration', () => {
  it('is off by default and when CORS_ORIGINS is empty', () => {
    expect(loadConfig({}).corsOrigins).toBeUndefined();
    expect(loadConfig({ CORS_ORIGINS: ' ' }).corsOrigins).toBeUndefined();
  });

  it('reads a comma-separated list of exact origins, or `*` alone', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
  });

  it.each([
    ['a path', 'https://app.example.com/page'],
    ['a trailing slash', 'https://app.example.com/'],
    ['upper case (browsers send origins in lower case)', 'https://App.example.com'],
    ['no scheme', 'app.example.com'],
    ['`*` with other origins', '*, https://app.example.com'],
    ['a pattern', 'https://*.example.com'],
  ])('refuses an entry with %s', (_, value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });
});
