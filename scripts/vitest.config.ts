// Tests of the repository scripts: `pnpm test:scripts` (vitest run --root scripts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Code generation (a Java program) and oasdiff's first `go install` take tens of seconds.
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
