import { fileURLToPath } from 'node:url';

/** Stand-in bundles (test/e2e/fixtures/functions) that time out, crash or echo, for fault tests. */
export const FIXTURE_FUNCTIONS = fileURLToPath(
  new URL('../e2e/fixtures/functions', import.meta.url),
);
