// The IETF RateLimit / RateLimit-Policy header fields (draft-ietf-httpapi-ratelimit-headers).
import type { WindowState } from '../throttling/rate-limiter.ts';

export function rateLimitHeaders(windows: readonly WindowState[]): Record<string, string> {
  if (windows.length === 0) return {};
  return {
    RateLimit: windows
      .map((s) => `"${s.window.name}";r=${s.remaining};t=${Math.ceil(s.resetMs / 1000)}`)
      .join(', '),
    'RateLimit-Policy': windows
      .map((s) => `"${s.window.name}";q=${s.window.limit};w=${s.window.windowSeconds}`)
      .join(', '),
  };
}
