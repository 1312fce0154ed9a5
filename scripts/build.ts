/**
 * `npm run build`: bundles each handler in src/handlers/<key>.ts to dist/<key>/index.mjs — the
 * exact files Terraform zips (archive_file) and the local stack loads. Deterministic: the same
 * sources give the same bytes, so Terraform's source_code_hash only changes when code does.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HANDLERS_DIR = join(ROOT, 'src', 'handlers');
export const DIST_DIR = join(ROOT, 'dist');

/** Function keys, one per handler file; they match the keys of local.functions in main.tf. */
export const functionKeys = (): string[] =>
  readdirSync(HANDLERS_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();

export const bundlePath = (key: string, distDir = DIST_DIR): string =>
  join(distDir, key, 'index.mjs');

/**
 * Shared esbuild settings.
 *
 * - `target: node22`: the oldest runtime we deploy to (nodejs22.x); the code itself uses nothing
 *   newer than Node 20 so the local stack on Node 20 runs the same bundle.
 * - The SDK is bundled rather than taken from the runtime: the version is pinned by our lock
 *   file, and one bundled file loads faster than resolving hundreds of modules from disk.
 * - `mainFields: ['module', 'main']` prefers the SDK's ES module builds (dist-es) over the
 *   CommonJS ones esbuild picks by default for platform node. Measured on Node 20 here (median
 *   of 15 fresh processes importing the bundle): default resolution 528 KB / ~180 ms import,
 *   module-first 333 KB / ~110 ms — the ES builds tree-shake far better (see the closing note of
 *   the foundation issue and `npm run bench` for the current figures).
 */
export const esbuildOptions = (key: string, distDir = DIST_DIR): BuildOptions => ({
  entryPoints: [join(HANDLERS_DIR, `${key}.ts`)],
  outfile: bundlePath(key, distDir),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
});

export const buildAll = async (distDir = DIST_DIR): Promise<Record<string, number>> => {
  rmSync(distDir, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  for (const key of functionKeys()) {
    await build(esbuildOptions(key, distDir));
    sizes[key] = statSync(bundlePath(key, distDir)).size;
  }
  return sizes;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const sizes = await buildAll();
    for (const [key, size] of Object.entries(sizes)) {
      console.log(`dist/${key}/index.mjs  ${(size / 1024).toFixed(1)} KB`);
    }
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
