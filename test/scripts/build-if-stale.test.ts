import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildAll, bundlesAreStale, ROOT } from '../../scripts/build.js';
import { bundlePath } from '../../src/local/lambda/functions.js';

/**
 * `npm start` runs `build.ts --if-stale`. The inputs are the real ones esbuild reports: the
 * tests build once into a private directory, then touch files of a private copy of those inputs
 * (and of one file no bundle contains), never of the checkout.
 */
describe('bundlesAreStale', () => {
  let dist: string;
  let root: string;
  let inputs: string[];
  const past = Date.now() / 1000 - 3600;
  const future = Date.now() / 1000 + 3600;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'stale-dist-'));
    await buildAll(dist);
    inputs = (
      JSON.parse(readFileSync(join(dist, 'build-inputs.json'), 'utf8')) as { files: string[] }
    ).files;
  }, 120_000);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stale-root-'));
    // Inputs outside the checkout (node_modules behind a symlink) are left where they are.
    for (const file of [...inputs.filter((input) => !input.startsWith('..')), 'src/local/cli.ts']) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      cpSync(join(ROOT, file), join(root, file));
      utimesSync(join(root, file), past, past);
    }
  });

  afterAll(() => {
    for (const dir of [dist, root]) rmSync(dir, { recursive: true, force: true });
  });

  it('is fresh when no input changed since the build', () => {
    expect(bundlesAreStale(dist, root)).toBe(false);
  });

  it('records the handlers and the SDK as inputs, and not the local stack', () => {
    expect(inputs).toContain('src/handlers/isolated.ts');
    expect(inputs.some((file) => file.includes('@aws-sdk/client-dynamodb'))).toBe(true);
    expect(inputs.some((file) => file.startsWith('src/local/'))).toBe(false);
  });

  it('is stale when a handler source changed', () => {
    utimesSync(join(root, 'src/handlers/standard.ts'), future, future);
    expect(bundlesAreStale(dist, root)).toBe(true);
  });

  it('is stale when an input is gone', () => {
    rmSync(join(root, 'src/handlers/standard.ts'));
    expect(bundlesAreStale(dist, root)).toBe(true);
  });

  it('stays fresh when a file of the local stack changed', () => {
    utimesSync(join(root, 'src/local/cli.ts'), future, future);
    expect(bundlesAreStale(dist, root)).toBe(false);
  });

  it('is stale when a bundle is missing', () => {
    const copy = mkdtempSync(join(tmpdir(), 'stale-dist-'));
    cpSync(dist, copy, { recursive: true });
    rmSync(bundlePath('standard', copy));
    try {
      expect(bundlesAreStale(copy, root)).toBe(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
