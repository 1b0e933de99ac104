import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../src/retry-after.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['delay-seconds', '12', 12_000],
    ['zero seconds', '0', 0],
    ['seconds with surrounding spaces', ' 3 ', 3_000],
    ['an IMF-fixdate 30 s ahead', 'Thu, 01 Jan 2026 12:00:30 GMT', 30_000],
    ['an RFC 850 date 90 s ahead', 'Thursday, 01-Jan-26 12:01:30 GMT', 90_000],
    ['a date in the past, as "now"', 'Wed, 31 Dec 2025 12:00:00 GMT', 0],
    ['a fractional number, as unreadable', '12.5', undefined],
    ['a negative number, as unreadable', '-1', undefined],
    ['words that are no date, as unreadable', 'soon', undefined],
    ['an empty value, as unreadable', '', undefined],
    ['an absent header', null, undefined],
  ])('reads %s', (_, header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});
