/**
 * Runtime dependencies are exactly what the Lambda code imports: nothing deployed that the
 * bundles do not need, nothing the bundles need that is only a dev dependency.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/build.js';

// Code that ends up in the bundles: everything in src/ but the local stack and type shims.
const LAMBDA_DIRS = ['handlers', 'domain', 'http', 'identity', 'store', 'config', 'types'];

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];

const importedPackages = (): Set<string> => {
  const found = new Set<string>();
  const files = [
    join(ROOT, 'src', 'log.ts'),
    ...LAMBDA_DIRS.flatMap((dir) =>
      readdirSync(join(ROOT, 'src', dir))
        .filter((file) => file.endsWith('.ts'))
        .map((file) => join(ROOT, 'src', dir, file)),
    ),
  ];
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/^import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)) {
      const [, typeOnly, specifier] = match;
      if (typeOnly || !specifier || specifier.startsWith('.') || specifier.startsWith('node:')) {
        continue;
      }
      const name = packageOf(specifier);
      if (name) found.add(name);
    }
  }
  return found;
};

describe('runtime dependencies', () => {
  it('are exactly the packages the Lambda code imports', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const imported = [...importedPackages()].sort();
    expect(imported.length).toBeGreaterThan(0);
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(imported);
  });
});
