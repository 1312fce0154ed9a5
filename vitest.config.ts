import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2 cores: two forks keep the suite parallel without starving the embedded store.
    maxWorkers: 2,
    // The built bundles are loaded by Node itself, exactly as the Lambda runtime loads them,
    // never through vitest's module transform.
    server: { deps: { external: [/\/dist\//] } },
  },
});
