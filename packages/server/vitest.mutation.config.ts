// The tests StrykerJS runs against each mutant of credentials/ and throttling/ (stryker.config.json):
// the unit tests of those folders. The heap probe is left out: it measures the limiter in a child
// process, which never runs a mutant (Stryker activates mutants in its own worker only), and it takes
// seconds per run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/credentials/**/*.test.ts', 'test/throttling/**/*.test.ts'],
    testNamePattern: /^(?!.*distinct senders in both windows at once)/,
  },
});
