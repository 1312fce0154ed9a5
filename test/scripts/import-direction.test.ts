import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/build.js';

/** Every relative module specifier of every .ts file under `dir`, resolved to a repo path. */
const importsUnder = (dir: string): { file: string; target: string }[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const path = join(ROOT, dir, file);
      const code = readFileSync(path, 'utf8');
      return [...code.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map(
        (match) => ({
          file: relative(ROOT, path),
          target: relative(ROOT, resolve(dirname(path), match[1] ?? '')),
        }),
      );
    });

describe('imports point one way', () => {
  it('src/ imports neither scripts/ nor test/', () => {
    const wrong = importsUnder('src').filter(
      ({ target }) => target.startsWith('scripts/') || target.startsWith('test/'),
    );
    expect(wrong).toEqual([]);
  });

  it('scripts/ imports nothing from test/', () => {
    expect(importsUnder('scripts').filter(({ target }) => target.startsWith('test/'))).toEqual([]);
  });

  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsUnder('scripts').some(({ target }) => target.startsWith('src/'))).toBe(true);
  });
});
