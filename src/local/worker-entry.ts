/**
 * Bundles worker.ts into one plain .mjs file with esbuild, so an environment starts without tsx
 * (a loader per worker would cost start-up time and memory in every environment) and works the
 * same whether the gateway runs from TypeScript (npm start) or from compiled JavaScript.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';
import { ROOT } from '../../scripts/build.js';

const SOURCE = fileURLToPath(new URL('./worker.ts', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'local-stack');

export const buildWorkerEntry = async (): Promise<URL> => {
  const result = await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  // esbuild keeps a service process alive for further builds (~80 MB); there are none.
  await stop();
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error('esbuild produced no worker entry');
  // Named by content: stacks running side by side share one file and never see a half-written
  // one (written aside, then renamed into place), and nothing is left behind per run.
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(CACHE_DIR, `worker-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const aside = `${file}.${process.pid}.tmp`;
    writeFileSync(aside, code);
    renameSync(aside, file);
  }
  return pathToFileURL(file);
};
