import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAll, bundlePath, functionKeys } from '../../scripts/build.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('build', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'build-a-')), mkdtempSync(join(tmpdir(), 'build-b-'))];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('has one function per handler file, named as in Terraform', () => {
    expect(functionKeys()).toEqual(['authorizer', 'isolated', 'standard']);
  });

  it('gives byte-identical bundles when run twice', async () => {
    const [first, second] = dirs as [string, string];
    await buildAll(first);
    await buildAll(second);
    for (const key of functionKeys()) {
      expect(sha256(bundlePath(key, second))).toBe(sha256(bundlePath(key, first)));
    }
  });

  it('writes self-contained ES modules that import nothing but Node built-ins', async () => {
    const [first] = dirs as [string];
    let found = 0;
    for (const key of functionKeys()) {
      const code = readFileSync(bundlePath(key, first), 'utf8');
      const specifiers = [...code.matchAll(/\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)/g)]
        .map((match) => match[1] ?? match[2])
        .filter((specifier) => specifier !== undefined);
      found += specifiers.length;
      const external = specifiers.filter((specifier) => !specifier.startsWith('node:'));
      expect(external).toEqual([]);
      expect(code).toMatch(/export\s*\{[^}]*as handler/);
    }
    // The SDK needs node: built-ins (the authorizer alone imports nothing), so finding none at
    // all would mean the pattern above went blind.
    expect(found).toBeGreaterThan(0);
  });
});
