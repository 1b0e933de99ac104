import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each Prism instance takes a few seconds to start.
    hookTimeout: 60_000,
    testTimeout: 20_000,
  },
});
