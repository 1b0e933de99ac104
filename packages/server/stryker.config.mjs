// StrykerJS (`pnpm --filter @server-invites/server test:mutation`, or `pnpm test:mutation` at the
// root): mutation testing of credentials/ and throttling/, the code that decides who may call and
// how often. Each mutant (a small bug Stryker writes into the code) must make a test of those
// folders fail (vitest.mutation.config.ts); the run fails under 90%. It is not part of `pnpm test`
// or CI: it takes minutes (README.md has the score and the time measured).
//
// Mutants disabled in the code (`// Stryker disable next-line <mutator>: <reason>`), each because
// it is equivalent (no test can tell it from the original, only memory or time differ), and only
// where every mutant of that kind on the line is:
// - credentials/authenticator.ts: the two jwtVerify calls (the same at run time, two overloads);
//   requiredClaims (the claims schema refuses the same tokens with the same message); `issue?.`
//   (a failed parse has an issue); the service marker in the cache key (any text that is no user
//   hash); deleting an expired cache entry (a kept one is refused the same way; the LRU bounds it).
// - credentials/keys.ts: readFile's 'utf8' (JSON.parse reads a Buffer as UTF-8 text).
// - throttling/bounded-memory-limiter.ts: when expired generations are swept, whether a key is
//   interned, and the interned copy's initial value (never read).
// Two equivalent mutants stay enabled, and survive, because a disable comment would hide killable
// mutants of the same kind on their line: the digest's encoding in the authenticator's cache key
// ('base64url' -> '': any encoding keys the same entries), and copying every key in
// boundedMemoryLimiters (`key !== lastKey` -> true: only memory differs).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  // pnpm installs packages apart: Stryker finds its runner only when named.
  plugins: ['@stryker-mutator/vitest-runner'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['src/credentials/**/*.ts', 'src/throttling/**/*.ts'],
  coverageAnalysis: 'perTest',
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
