import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAll, functionKeys, packageFiles } from '../../scripts/build.js';
import { bundlePath } from '../../src/local/lambda/functions.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

// The bare `import"…"` form is matched for relative paths only: esbuild writes side-effect
// chunk imports that way, and an SDK error message quotes `import "@aws-sdk/…"` as text.
const specifiersOf = (code: string): string[] =>
  [...code.matchAll(/\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)|\bimport\s*"(\.[^"]+)"/g)]
    .map((match) => match[1] ?? match[2] ?? match[3])
    .filter((specifier) => specifier !== undefined);

describe('build', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'build-a-')), mkdtempSync(join(tmpdir(), 'build-b-'))];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('has one function per handler file, named as in Terraform', () => {
    expect(functionKeys()).toEqual(['authorizer', 'isolated', 'standard']);
  });

  it('gives byte-identical packages (entry and chunks) when run twice', async () => {
    const [first, second] = dirs as [string, string];
    await buildAll(first);
    await buildAll(second);
    for (const key of functionKeys()) {
      expect(packageFiles(key, second)).toEqual(packageFiles(key, first));
      for (const file of packageFiles(key, first)) {
        expect(sha256(join(second, key, file))).toBe(sha256(join(first, key, file)));
      }
    }
  });

  it('writes ES modules that import nothing but Node built-ins and their own chunks', () => {
    const [first] = dirs as [string];
    let specifiers = 0;
    for (const key of functionKeys()) {
      const packageDir = join(first, key);
      const external: string[] = [];
      for (const file of packageFiles(key, first)) {
        const path = join(packageDir, file);
        for (const specifier of specifiersOf(readFileSync(path, 'utf8'))) {
          specifiers += 1;
          if (specifier.startsWith('node:')) continue;
          const target = resolve(dirname(path), specifier);
          // A chunk import must stay inside dist/<key>/, the directory Terraform zips.
          const inside =
            specifier.startsWith('.') && !relative(packageDir, target).startsWith('..');
          if (!inside || !existsSync(target)) external.push(`${file}: ${specifier}`);
        }
      }
      expect(external).toEqual([]);
      expect(readFileSync(bundlePath(key, first), 'utf8')).toMatch(/export\s*\{[^}]*as handler/);
    }
    // The chunk imports alone are many, so finding none would mean the pattern above went blind.
    expect(specifiers).toBeGreaterThan(0);
  });

  it('loads Node built-ins through process.getBuiltinModule, not through import', () => {
    const [first] = dirs as [string];
    for (const key of functionKeys()) {
      for (const file of packageFiles(key, first)) {
        const code = readFileSync(join(first, key, file), 'utf8');
        const builtins = specifiersOf(code).filter((s) => !s.startsWith('.'));
        // Only the banner's fallback for Node without getBuiltinModule imports one.
        expect(
          builtins.every((s) => s === 'node:module'),
          `${key}/${file}`,
        ).toBe(true);
      }
      expect(readFileSync(bundlePath(key, first), 'utf8')).toContain('getBuiltinModule');
    }
  });

  it('still initialises where process.getBuiltinModule is missing (Node < 20.16 / 22.3)', () => {
    const [first] = dirs as [string];
    const script = [
      'delete process.getBuiltinModule;',
      `import(${JSON.stringify(pathToFileURL(bundlePath('standard', first)).href)})`,
      '  .then((m) => console.log(typeof m.handler), (e) => { console.error(e); process.exit(1); });',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', TABLE_NAME: 'counters' },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('function');
  });
});
