// How error messages name input the caller chose.
import { describe, expect, it } from 'vitest';
import { nameInput, quoteInput } from '../../src/http/quote-input.ts';

describe('nameInput', () => {
  it.each([
    ['a plain name of up to 32 characters, as is', 'connectionString', 'connectionString'],
    ['a name with a space, quoted', 'two words', '"two words"'],
    ['a 33-character name, quoted and cut', 'n'.repeat(33), `"${'n'.repeat(32)}…"`],
  ])('gives %s', (_name, input, want) => {
    expect(nameInput(input)).toBe(want);
  });
});

describe('quoteInput', () => {
  it.each([
    ['escapes quotes and backslashes', 'a"b\\c', '"a\\"b\\\\c"'],
    ['escapes controls', 'a\nb\u0000', '"a\\u000ab\\u0000"'],
    ['escapes non-ASCII as UTF-16 units', 'é邀', '"\\u00e9\\u9080"'],
    ['escapes an astral character as its surrogate pair', '😀', '"\\ud83d\\ude00"'],
    ['escapes a lone surrogate', 'a\ud800', '"a\\ud800"'],
    [
      'counts characters, not UTF-16 units, when cutting',
      '😀'.repeat(40),
      `"${'\\ud83d\\ude00'.repeat(32)}…"`,
    ],
  ])('%s', (_name, input, want) => {
    expect(quoteInput(input)).toBe(want);
  });
});
