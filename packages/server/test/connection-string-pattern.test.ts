// The connectionString pattern says "no lone UTF-16 surrogate" in every regex engine the contract
// meets, whether it reads code points (Unicode mode: JavaScript's `u` and `v`, Ajv's default, Python)
// or UTF-16 code units (JavaScript without a flag, many generated validators). The pattern it
// replaced, ^[^\uD800-\uDFFF]*$, refused every emoji in the second kind (issue 23).
import { Ajv } from 'ajv';
import { createRequestAjv } from 'express-openapi-validator/dist/framework/ajv/index.js';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../src/contract.ts';

const contract = loadContract();
const schemas = contract.document().components?.schemas as Record<
  string,
  { properties: Record<string, { pattern?: string }> }
>;
const pattern = schemas.SendServerInviteRequest?.properties.connectionString?.pattern ?? '';

const accepted: [string, string][] = [
  ['the empty string', ''],
  ['ASCII', 'server=203.0.113.10:3074'],
  ['512 emoji (surrogate pairs in UTF-16)', '😀'.repeat(512)],
  ['the last code point, U+10FFFF', '\u{10FFFF}'],
  ['CJK', '邀请'],
  ['controls and separators', '\u0000\u001b\u007f\u0085\u2028\u2029'],
  ['the code points around the surrogates', '\uD7FF\uE000\uFFFF'],
  ['every width mixed', 'a é 邀😀'],
];
const refused: [string, string][] = [
  ['a lone high surrogate', 'a\uD800b'],
  ['a lone low surrogate at the end', 'ab\uDFFF'],
  ['a high surrogate at the end', 'ab\uD83D'],
  ['a pair in the wrong order', '\uDE00\uD83D'],
  ['two high surrogates before one low', '\uD83D\uD83D\uDE00'],
  ['a pair followed by a lone low', '😀\uDE00'],
];

const engines: [string, (value: string) => boolean][] = [
  ['JavaScript without Unicode mode', (value) => new RegExp(pattern).test(value)],
  ['JavaScript in Unicode mode (u)', (value) => new RegExp(pattern, 'u').test(value)],
  ['JavaScript in Unicode sets mode (v)', (value) => new RegExp(pattern, 'v').test(value)],
  [
    'Ajv as express-openapi-validator compiles it',
    compiled(createRequestAjv(contract.document(), { formats: {} })),
  ],
  ['Ajv without Unicode mode', compiled(new Ajv({ unicodeRegExp: false }))],
];

function compiled(ajv: Pick<Ajv, 'compile'>): (value: string) => boolean {
  const validate = ajv.compile({ type: 'string', pattern });
  return (value) => validate(value) === true;
}

describe('the connectionString pattern', () => {
  it('is the same in the request and in the delivered Invite', () => {
    expect(pattern).not.toBe('');
    expect(schemas.Invite?.properties.connectionString?.pattern).toBe(pattern);
  });

  describe.each(engines)('in %s', (_engine, matches) => {
    it.each(accepted)('accepts %s', (_name, value) => {
      expect(matches(value)).toBe(true);
    });
    it.each(refused)('refuses %s', (_name, value) => {
      expect(matches(value)).toBe(false);
    });
  });
});
