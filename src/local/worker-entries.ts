/**
 * Bundles the two worker threads' entries (worker.ts: an execution environment; store-worker.ts:
 * the embedded store) into plain .mjs files with esbuild, so they start without tsx (a loader
 * per worker would cost start-up time and memory in every environment) and work the same whether
 * the gateway runs from TypeScript (npm start) or from compiled JavaScript.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';
import { ROOT } from '../../scripts/build.js';

const source = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'local-stack');

const bundle = async (name: string, packages: 'bundle' | 'external'): Promise<URL> => {
  const result = await build({
    entryPoints: [source(`${name}.ts`)],
    bundle: true,
    // The store keeps loading dynalite (CommonJS, with optional native parts) from node_modules,
    // which the cache directory resolves to.
    packages,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error(`esbuild produced no ${name} entry`);
  // Named by content: stacks running side by side share one file and never see a half-written
  // one (written aside, then renamed into place), and nothing is left behind per run.
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(CACHE_DIR, `${name}-${hash}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const aside = `${file}.${process.pid}.tmp`;
    writeFileSync(aside, code);
    renameSync(aside, file);
  }
  return pathToFileURL(file);
};

export interface WorkerEntries {
  environment: URL;
  store: URL;
}

let entries: Promise<WorkerEntries> | undefined;

/** Both entries, built once per process (the store and the Lambda service each ask). */
export const buildWorkerEntries = (): Promise<WorkerEntries> => {
  entries ??= (async () => {
    try {
      const [environment, store] = await Promise.all([
        bundle('worker', 'bundle'),
        bundle('store-worker', 'external'),
      ]);
      return { environment, store };
    } finally {
      // esbuild keeps a service process alive for further builds (~80 MB); there are none.
      await stop();
    }
  })();
  return entries;
};

export const buildWorkerEntry = async (): Promise<URL> => (await buildWorkerEntries()).environment;
