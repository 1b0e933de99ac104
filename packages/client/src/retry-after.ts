// RFC 9110 section 10.2.3: `Retry-After: <delay-seconds> | <HTTP-date>`.
const DELAY_SECONDS = /^\s*(\d+)\s*$/;
// HTTP-dates always name a day or a month; requiring a letter keeps Date.parse, which accepts
// almost anything, from reading a garbled number such as "12.5" as a date.
const LOOKS_LIKE_A_DATE = /[A-Za-z]/;

/**
 * How long a `Retry-After` header asks the caller to wait, in milliseconds: never negative (a
 * date in the past means "now"), `undefined` when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const seconds = DELAY_SECONDS.exec(value)?.[1];
  if (seconds !== undefined) return Number(seconds) * 1000;
  if (!LOOKS_LIKE_A_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
