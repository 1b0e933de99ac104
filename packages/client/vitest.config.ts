import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start Prism or the server, and one packs the package (a build).
    testTimeout: 15_000,
    hookTimeout: 60_000,
  },
});
