/**
 * `npm run build`: bundles each handler in src/handlers/<key>.ts to dist/<key>/index.mjs — the
 * exact files Terraform zips (archive_file) and the local stack loads. Deterministic: the same
 * sources give the same bytes, so Terraform's source_code_hash only changes when code does.
 *
 * `--if-stale` (what `npm start` runs) builds only when a bundle is missing or a file that went
 * into one changed since: the inputs esbuild reports in its metafile are recorded beside the
 * bundles. Editing the local stack, the tests or the docs never rebuilds the handlers.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { bundlePath, DEFAULT_FUNCTIONS_DIR } from '../src/local/lambda/functions.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const HANDLERS_DIR = join(ROOT, 'src', 'handlers');
const DIST_DIR = DEFAULT_FUNCTIONS_DIR;

/** Function keys, one per handler file; they match the keys of local.functions in main.tf. */
export const functionKeys = (): string[] =>
  readdirSync(HANDLERS_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => basename(file, '.ts'))
    .sort();

/** The namespace of the virtual modules `builtinModulesPlugin` puts in place of Node built-ins. */
const BUILTIN_NAMESPACE = 'node-builtin';

/**
 * Binds `__nodeRequire` at the top of every output file, for the plugin below: `undefined` where
 * `process.getBuiltinModule` exists (Node ≥ 22.3 and ≥ 20.16: every Lambda nodejs22.x/24.x
 * release), otherwise a `require` made with `createRequire`, which loads a built-in synchronously.
 * The `await` only runs on those older releases; its presence makes each file an async module,
 * which `import()` (Lambda's runtime, the local stack, the tests) handles like any other.
 */
export const BUILTIN_FALLBACK_BANNER =
  'const __nodeRequire=globalThis.process.getBuiltinModule?void 0:(await import("node:module")).createRequire(import.meta.url);';

/**
 * Maps every import of a Node built-in (`node:http`, bare `http`, static, dynamic or `require`)
 * to a small CommonJS module, `module.exports = process.getBuiltinModule("node:http")`, that
 * esbuild bundles like any other: named and default imports of it go through esbuild's usual
 * CommonJS interop, which reads each export only when the code uses it.
 *
 * Why: importing a built-in from an ES module makes Node build an ES module facade for it, which
 * reads every export of the built-in up front. On Node 22 and 24 the facade of `node:http` reads
 * its lazy `WebSocket`/`EventSource`-style exports and so loads undici (fetch, web streams,
 * http2, worker_threads …) — ~60–100 ms under the flags Lambda starts Node with, since
 * `--expose-gc` alone makes Node compile its built-ins without their code cache. The SDK's HTTP
 * handler imports `node:http` on the first request to an http endpoint; `getBuiltinModule`
 * returns the module itself and loads nothing else. Where `getBuiltinModule` is missing (Node
 * < 20.16 / < 22.3, never in Lambda), the banner's `createRequire` stands in, so the same
 * bundle still runs everywhere `engines` allows.
 */
export const builtinModulesPlugin = (): Plugin => ({
  name: 'builtin-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[a-z_][a-z0-9_/]*$|^node:/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const id = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      return { path: id, namespace: BUILTIN_NAMESPACE, sideEffects: false };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => {
      const id = JSON.stringify(args.path);
      return {
        contents: `module.exports=globalThis.process.getBuiltinModule?.(${id})??__nodeRequire(${id});`,
        loader: 'js',
      };
    });
  },
});

/**
 * Shared esbuild settings.
 *
 * - `target: node22`: the oldest runtime we deploy to (nodejs22.x), and nodejs24.x runs it as
 *   is; the code itself uses nothing newer than Node 20 so the local stack on Node 20 runs the
 *   same bundle.
 * - The SDK is bundled rather than taken from the runtime: the version is pinned by our lock
 *   file, and one bundled file loads faster than resolving hundreds of modules from disk.
 * - `mainFields: ['module', 'main']` prefers the SDK's ES module builds (dist-es) over the
 *   CommonJS ones esbuild picks by default for platform node: they tree-shake far better.
 * - `splitting`: the SDK reaches the credential providers it may never need (SSO, INI files,
 *   web identity, STS, IMDS, …), event streams and a browser user-agent parser through dynamic
 *   `import()`. Bundled into one file, all of it is parsed and compiled in every new execution
 *   environment; split, each becomes a chunk file under dist/<key>/chunks/ that loads only if
 *   the code path runs — in Lambda the credentials come from environment variables, so they
 *   never do. Terraform zips the whole dist/<key>/ directory, so the chunks ship with the entry.
 *   Chunk names carry a content hash, so the output stays deterministic.
 * - `builtinModulesPlugin`: Node built-ins through `process.getBuiltinModule` (above).
 * `npm run bench` measures each of these steps against the esbuild defaults, a naive transpile,
 * an empty handler and a hand-signed UpdateItem on Node built-ins alone (bench/report.md).
 */
export const esbuildOptions = (key: string, distDir = DIST_DIR): BuildOptions => ({
  entryPoints: { index: join(HANDLERS_DIR, `${key}.ts`) },
  outdir: join(distDir, key),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  plugins: [builtinModulesPlugin()],
  banner: { js: BUILTIN_FALLBACK_BANNER },
  legalComments: 'none',
  logLevel: 'warning',
});

/** Every file of a function's package (entry and chunks), relative paths, sorted. */
export const packageFiles = (key: string, distDir = DIST_DIR): string[] =>
  readdirSync(join(distDir, key), { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(join(distDir, key, file)).isFile())
    .sort();

/** Where the inputs of the last build are recorded (outside every zipped dist/<key>/). */
const inputsFile = (distDir: string): string => join(distDir, 'build-inputs.json');

interface BuildInputs {
  keys: string[];
  /** Every file that went into a bundle, relative to the repository root. */
  files: string[];
}

export const buildAll = async (distDir = DIST_DIR): Promise<Record<string, number>> => {
  rmSync(distDir, { recursive: true, force: true });
  const sizes: Record<string, number> = {};
  const files = new Set<string>();
  for (const key of functionKeys()) {
    // Metafile paths are relative to absWorkingDir: the repository root, wherever this runs.
    const { metafile } = await build({
      ...esbuildOptions(key, distDir),
      absWorkingDir: ROOT,
      metafile: true,
    });
    for (const input of Object.keys(metafile.inputs)) {
      // The plugin's virtual modules (`node-builtin:node:http`) are no files that could change.
      if (!input.startsWith(`${BUILTIN_NAMESPACE}:`)) files.add(input);
    }
    sizes[key] = packageFiles(key, distDir).reduce(
      (sum, file) => sum + statSync(join(distDir, key, file)).size,
      0,
    );
  }
  const inputs: BuildInputs = { keys: functionKeys(), files: [...files].sort() };
  writeFileSync(inputsFile(distDir), `${JSON.stringify(inputs, null, 2)}\n`);
  return sizes;
};

/**
 * True when `distDir` lacks a bundle, when the handlers are not the ones last built, or when a
 * file that went into a bundle is gone or newer than the oldest bundle.
 */
export const bundlesAreStale = (distDir = DIST_DIR, root = ROOT): boolean => {
  const keys = functionKeys();
  const bundles = keys.map((key) => bundlePath(key, distDir));
  if (!bundles.every((path) => existsSync(path)) || !existsSync(inputsFile(distDir))) return true;
  let inputs: BuildInputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile(distDir), 'utf8')) as BuildInputs;
  } catch {
    return true;
  }
  if (inputs.keys.join() !== keys.join()) return true;
  const builtAt = Math.min(...bundles.map((path) => statSync(path).mtimeMs));
  return inputs.files.some((file) => {
    const path = join(root, file);
    return !existsSync(path) || statSync(path).mtimeMs > builtAt;
  });
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--if-stale')) {
      if (!bundlesAreStale()) process.exit(0);
      console.log('dist/ is missing or a file that goes into a bundle changed: building…');
    }
    const sizes = await buildAll();
    for (const [key, size] of Object.entries(sizes)) {
      const files = packageFiles(key).length;
      console.log(
        `dist/${key}/  ${(size / 1024).toFixed(1)} KB in ${files} files (entry index.mjs)`,
      );
    }
  } catch (error) {
    console.error(`build failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
