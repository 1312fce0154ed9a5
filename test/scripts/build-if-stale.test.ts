import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundlePath, functionKeys } from '../../../scripts/build.js';
import { distIsStale } from '../../../src/local/build-if-stale.js';

describe('distIsStale', () => {
  const dirs: string[] = [];
  const fixture = (bundleTime: number, sourceTime: number) => {
    const root = mkdtempSync(join(tmpdir(), 'stale-'));
    dirs.push(root);
    const src = join(root, 'src', 'handlers');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.ts'), '');
    utimesSync(join(src, 'a.ts'), sourceTime, sourceTime);
    const dist = join(root, 'dist');
    for (const key of functionKeys()) {
      mkdirSync(join(dist, key), { recursive: true });
      writeFileSync(bundlePath(key, dist), '');
      utimesSync(bundlePath(key, dist), bundleTime, bundleTime);
    }
    return { dist, src: join(root, 'src') };
  };

  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is fresh when every bundle is newer than every source file', () => {
    const { dist, src } = fixture(2_000, 1_000);
    expect(distIsStale(dist, src)).toBe(false);
  });

  it('is stale when a source file is newer than a bundle', () => {
    const { dist, src } = fixture(1_000, 2_000);
    expect(distIsStale(dist, src)).toBe(true);
  });

  it('is stale when a bundle is missing', () => {
    const { dist, src } = fixture(2_000, 1_000);
    rmSync(join(dist, functionKeys()[0] ?? 'standard'), { recursive: true });
    expect(distIsStale(dist, src)).toBe(true);
  });
});
