// The IETF RateLimit / RateLimit-Policy header fields (draft-ietf-httpapi-ratelimit-headers).
import type { WindowState } from '../throttling/rate-limiter.ts';

export function rateLimitHeaders(windows: readonly WindowState[]): Record<string, string> {
  if (windows.length === 0) return {};
  // Written out with plain concatenation: this runs for every send.
  let rateLimit = '';
  let policy = '';
  for (const state of windows) {
    const { window } = state;
    const separator = rateLimit === '' ? '' : ', ';
    rateLimit += `${separator}"${window.name}";r=${state.remaining};t=${Math.ceil(state.resetMs / 1000)}`;
    policy += `${separator}"${window.name}";q=${window.limit};w=${window.windowSeconds}`;
  }
  return { RateLimit: rateLimit, 'RateLimit-Policy': policy };
}
