/**
 * Bundles the two worker threads' entries (lambda/runtime.ts: an execution environment;
 * dynamodb/store-thread.ts: the embedded store) into plain .mjs files with esbuild, so they start without tsx (a loader
 * per worker would cost start-up time and memory in every environment) and work the same whether
 * the gateway runs from TypeScript (npm start) or from compiled JavaScript.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop } from 'esbuild';
import { PROJECT_ROOT } from './constants.js';

const source = (path: string): string => fileURLToPath(new URL(`./${path}`, import.meta.url));
const CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'local-stack');

const bundle = async (path: string, packages: 'bundle' | 'external'): Promise<URL> => {
  const name = path.replace(/^.*\//, '').replace(/\.ts$/, '');
  const result = await build({
    entryPoints: [source(path)],
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
  /** An execution environment's runtime. */
  lambdaRuntime: URL;
  /** The embedded store's thread. */
  storeThread: URL;
}

let entries: Promise<WorkerEntries> | undefined;

/** Both entries, built once per process. */
export const buildWorkerEntries = (): Promise<WorkerEntries> => {
  entries ??= (async () => {
    try {
      const [lambdaRuntime, storeThread] = await Promise.all([
        bundle('lambda/runtime.ts', 'bundle'),
        bundle('dynamodb/store-thread.ts', 'external'),
      ]);
      return { lambdaRuntime, storeThread };
    } finally {
      // esbuild keeps a service process alive for further builds (~80 MB); there are none.
      await stop();
    }
  })();
  return entries;
};
