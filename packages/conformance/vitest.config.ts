import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starting the targets (two servers, four Prism proxies, a Prism mock) takes a few seconds.
    hookTimeout: 60_000,
    testTimeout: 20_000,
  },
});
