/**
 * `npm start` builds dist/ only when it is missing or older than the sources, so a restart is
 * instant and an edited handler is never served stale.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePath, functionKeys, ROOT } from '../../scripts/build.js';

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

export const distIsStale = (distDir: string, srcDir = join(ROOT, 'src')): boolean => {
  const bundles = functionKeys().map((key) => bundlePath(key, distDir));
  if (!bundles.every((path) => existsSync(path))) return true;
  const oldestBundle = Math.min(...bundles.map((path) => statSync(path).mtimeMs));
  return newestMtime(srcDir) > oldestBundle;
};
