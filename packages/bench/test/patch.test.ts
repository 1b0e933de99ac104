import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFilePatch, parsePatch } from '../src/patch.ts';

const patchText = readFileSync(
  new URL('../patches/express-openapi-validator@5.6.2.patch', import.meta.url),
  'utf8',
);
// The installed express-openapi-validator (the server's dependency).
const serverRequire = createRequire(new URL('../../server/package.json', import.meta.url));
const packageDir = dirname(dirname(serverRequire.resolve('express-openapi-validator')));

describe('the express-openapi-validator patch (#1217: compiled route matchers cached)', () => {
  const files = parsePatch(patchText);

  it('changes one file, openapi.metadata.js', () => {
    expect(files.map((f) => f.path)).toEqual(['dist/middlewares/openapi.metadata.js']);
  });

  it('applies to the installed 5.6.2, or is already applied there', () => {
    const source = readFileSync(join(packageDir, 'dist/middlewares/openapi.metadata.js'), 'utf8');
    const patched = source.includes('getRouteMatcher') ? source : applyFilePatch(source, files[0] as never);
    expect(patched).toContain('const routeMatchers = new Map();');
    expect(patched).toContain('getRouteMatcher(expressRoute, strict, sensitive)');
    // lookupRoute no longer compiles a route per request.
    const lookupRoute = patched.slice(patched.indexOf('function lookupRoute'));
    expect(lookupRoute).not.toContain('pathToRegexp)(expressRoute');
  });
});

describe('applyFilePatch', () => {
  const patch = parsePatch(
    [
      'diff --git a/x.js b/x.js',
      '--- a/x.js',
      '+++ b/x.js',
      '@@ -1,3 +1,3 @@',
      ' one',
      '-two',
      '+TWO',
      ' three',
      '',
    ].join('\n'),
  )[0] as never;

  it('replaces a hunk found by its exact lines', () => {
    expect(applyFilePatch('zero\none\ntwo\nthree\nfour', patch)).toBe('zero\none\nTWO\nthree\nfour');
  });

  it('refuses a hunk that is missing or ambiguous', () => {
    expect(() => applyFilePatch('one\nTWO\nthree', patch)).toThrow(/does not apply/);
    expect(() => applyFilePatch('one\ntwo\nthree\none\ntwo\nthree', patch)).toThrow(/several/);
  });
});
