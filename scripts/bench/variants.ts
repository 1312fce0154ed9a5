/**
 * Everything the init figures compare, built in the same run into a scratch directory: the
 * floors (an empty handler, and the reference: one hand-signed UpdateItem on Node built-ins
 * alone), the baselines (naive transpile, esbuild defaults), each step on the way to the
 * shipped build, the shipped build itself (scripts/build.ts), and proposed src/ changes applied
 * to a temporary copy of src/ (src/ itself is never touched).
 *
 * The ladder is cumulative, one change per step: the baselines and the build steps are built
 * from a copy of src/ with the SDK's default client configuration (`new DynamoDBClient({})`,
 * DEFAULT_CLIENT_CONFIG_PATCH), the src/ before the explicit client configuration; the last
 * step, `shipped`, is today's src/ with scripts/build.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, transform } from 'esbuild';
import { bundlePath } from '../../src/local/lambda/functions.js';
import {
  BUILTIN_FALLBACK_BANNER,
  buildAll,
  builtinModulesPlugin,
  esbuildOptions,
  ROOT,
} from '../build.js';

export type FunctionKey = 'standard' | 'isolated';
export const FUNCTION_KEYS: FunctionKey[] = ['standard', 'isolated'];
/** What a probe can load: the two API functions, and the authorizer (shipped build only). */
export type ProbeKey = FunctionKey | 'authorizer';

export type VariantKind = 'floor' | 'reference' | 'baseline' | 'step' | 'shipped' | 'proposal';

export interface Variant {
  id: string;
  kind: VariantKind;
  /** One line for the report: what this build is. */
  description: string;
  /** The handler module a fresh environment imports. */
  entry(key: ProbeKey): string;
  /** The directory Terraform would zip; undefined when the code lives in node_modules. */
  packageDir(key: ProbeKey): string | undefined;
}

export interface SizeFigures {
  files: number;
  rawBytes: number;
  gzipBytes: number;
  /** Bytes of the entry plus every chunk it imports statically: what init has to load. */
  initPathBytes: number;
}

/**
 * Scratch space inside node_modules so the naive variant and the src/ copies resolve packages
 * the way the real code does (walking up to the project's node_modules).
 */
export const WORK_DIR = join(ROOT, 'node_modules', '.cache', 'bench');

const base = (entry: string): BuildOptions => ({
  entryPoints: { index: entry },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  logLevel: 'error',
});

/**
 * esbuild's defaults for platform node pick the SDK's CommonJS builds; an ES module output then
 * needs a `require` for Node built-ins, the usual banner (without it the bundle does not load).
 */
const requireBanner = {
  js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
};

const splitOutput = (dir: string): BuildOptions => ({
  splitting: true,
  outdir: dir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  entryNames: '[name]',
});

interface StepSpec {
  id: string;
  description: string;
  options: (entry: string, dir: string) => BuildOptions;
}

/**
 * The build steps, each adding one thing to the one before, all from the src/ copy with the
 * SDK's default client configuration. The last one has scripts/build.ts's options exactly
 * (checked: built from today's src/ it is byte-identical to the shipped build); `shipped` then
 * adds the explicit client configuration in src/.
 */
const STEPS: StepSpec[] = [
  {
    id: 'esbuild-default',
    description: 'esbuild bundle+minify with default resolution (SDK CommonJS builds)',
    options: (entry, dir) => ({
      ...base(entry),
      outfile: join(dir, 'index.mjs'),
      banner: requireBanner,
    }),
  },
  {
    id: 'module-first',
    description: "step 1: + mainFields ['module','main'] (SDK ES module builds)",
    options: (entry, dir) => ({
      ...base(entry),
      outfile: join(dir, 'index.mjs'),
      mainFields: ['module', 'main'],
    }),
  },
  {
    id: 'split',
    description: 'step 2: + splitting (code behind dynamic import() moves to chunks)',
    options: (entry, dir) => ({
      ...base(entry),
      ...splitOutput(dir),
      mainFields: ['module', 'main'],
    }),
  },
  {
    id: 'builtins',
    description:
      'step 3: + Node built-ins through process.getBuiltinModule (esbuild plugin, no ES module facades)',
    options: (entry, dir) => ({
      ...base(entry),
      ...splitOutput(dir),
      mainFields: ['module', 'main'],
      plugins: [builtinModulesPlugin()],
      banner: { js: BUILTIN_FALLBACK_BANNER },
    }),
  },
];

/** What the shipped build adds to the last step: today's src/. */
const SHIPPED_DESCRIPTION =
  "step 4: + explicit client configuration in src/ (clientConfigFromEnv: settings and credentials from the environment, no shared-config lookups, Node stream collector) = scripts/build.ts on today's src/: dist/";

/**
 * Turns today's src/store/counter-store-from-env.ts back into the SDK's default client
 * configuration, for the baselines and build steps. Every `find` must match: when the file
 * changes, this patch must change with it (the bench stops with a message otherwise).
 */
export const DEFAULT_CLIENT_CONFIG_PATCH: SourcePatch = {
  id: 'sdk-default-config',
  description: '`new DynamoDBClient({})`: every setting and the credentials resolved by the SDK',
  file: 'store/counter-store-from-env.ts',
  edits: [
    {
      find: 'new DynamoDBClient(ownRoleClientConfig())',
      replace: 'new DynamoDBClient({})',
    },
    { find: '          ...clientConfigFromEnv(),\n', replace: '' },
  ],
};

/** A copy of src/ under the scratch directory with `patch` applied; undefined if it does not apply. */
const patchedSrc = (patch: SourcePatch): string | undefined => {
  const copy = join(WORK_DIR, `src-${patch.id}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(join(ROOT, 'src'), copy, { recursive: true });
  const target = join(copy, patch.file);
  const text = readFileSync(target, 'utf8');
  if (!patch.edits.every((edit) => text.includes(edit.find))) return undefined;
  writeFileSync(
    target,
    patch.edits.reduce((code, edit) => code.replaceAll(edit.find, edit.replace), text),
  );
  return copy;
};

/** The bench's reference handler (reference-handler.ts), never shipped. */
const REFERENCE_ENTRY = join(ROOT, 'scripts', 'bench', 'reference-handler.ts');

const EMPTY_HANDLER = "export const handler = async () => ({ statusCode: 200, body: '{}' });\n";

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile());

export const hashDir = (dir: string): string => {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir).sort()) {
    hash.update(relative(dir, file)).update(readFileSync(file));
  }
  return hash.digest('hex');
};

const STATIC_IMPORT = /\bfrom\s*"(\.{1,2}\/[^"]+)"|\bimport\s*"(\.{1,2}\/[^"]+)"/g;

/** The entry and every file it reaches through static relative imports. */
const initPath = (entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(STATIC_IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (specifier !== undefined) visit(join(dirname(file), specifier));
    }
  };
  visit(entry);
  return [...seen];
};

export const sizeOf = (variant: Variant, key: ProbeKey): SizeFigures | undefined => {
  const dir = variant.packageDir(key);
  if (dir === undefined) return undefined;
  const files = filesUnder(dir);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  const initPathBytes = initPath(variant.entry(key)).reduce(
    (sum, file) => sum + statSync(file).size,
    0,
  );
  return { files: files.length, rawBytes, gzipBytes, initPathBytes };
};

/** Transpiles every file of a source tree to JavaScript next to nothing else: tsc's output. */
const transpileTree = async (from: string, to: string): Promise<void> => {
  for (const file of filesUnder(from)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const out = join(to, relative(from, file)).replace(/\.ts$/, '.js');
    const { code } = await transform(readFileSync(file, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      platform: 'node',
      target: 'node22',
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
};

/** A src/ change to try without touching src/: exact text replacements in one file. */
export interface SourcePatch {
  id: string;
  description: string;
  /** Path under src/. */
  file: string;
  edits: Array<{ find: string; replace: string }>;
}

export interface BuiltVariants {
  variants: Variant[];
  /** Patches whose `find` text is no longer in src/ (src/ moved on): not measured. */
  skipped: SourcePatch[];
  /** True when the last step's options, on today's src/, give scripts/build.ts's bytes. */
  shippedEqualsLastStep: boolean;
}

export const buildVariants = async (patches: readonly SourcePatch[]): Promise<BuiltVariants> => {
  rmSync(WORK_DIR, { recursive: true, force: true });
  mkdirSync(WORK_DIR, { recursive: true });
  // Inside node_modules Node stops looking for package.json: say these files are ES modules.
  writeFileSync(join(WORK_DIR, 'package.json'), '{"type":"module"}\n');
  const variants: Variant[] = [];
  const bundled = (id: string, kind: VariantKind, description: string, root: string): Variant => ({
    id,
    kind,
    description,
    entry: (key) => bundlePath(key, root),
    packageDir: (key) => join(root, key),
  });

  const emptyDir = join(WORK_DIR, 'empty');
  for (const key of FUNCTION_KEYS) {
    mkdirSync(join(emptyDir, key), { recursive: true });
    writeFileSync(bundlePath(key, emptyDir), EMPTY_HANDLER);
  }
  variants.push(bundled('empty', 'floor', 'handler that does nothing: the floor', emptyDir));

  const referenceDir = join(WORK_DIR, 'reference');
  for (const key of FUNCTION_KEYS) {
    await build({ ...esbuildOptions(key, referenceDir), entryPoints: { index: REFERENCE_ENTRY } });
  }
  variants.push(
    bundled(
      'reference',
      'reference',
      'the same UpdateItem signed by hand (SigV4, node:crypto) and sent with node:http: no client library (scripts/bench/reference-handler.ts, never shipped)',
      referenceDir,
    ),
  );

  const before = patchedSrc(DEFAULT_CLIENT_CONFIG_PATCH);
  if (before === undefined) {
    throw new Error(
      'DEFAULT_CLIENT_CONFIG_PATCH no longer applies to src/store/counter-store-from-env.ts: update it in scripts/bench/variants.ts',
    );
  }

  const naiveDir = join(WORK_DIR, 'naive');
  await transpileTree(before, join(naiveDir, 'src'));
  variants.push({
    id: 'naive',
    kind: 'baseline',
    description: 'src/ transpiled file by file (tsc-like), SDK loaded from node_modules',
    entry: (key) => join(naiveDir, 'src', 'handlers', `${key}.js`),
    packageDir: () => undefined,
  });

  for (const step of STEPS) {
    const root = join(WORK_DIR, step.id);
    for (const key of FUNCTION_KEYS) {
      await build(step.options(join(before, 'handlers', `${key}.ts`), join(root, key)));
    }
    const kind = step.id === 'esbuild-default' ? 'baseline' : 'step';
    variants.push(bundled(step.id, kind, step.description, root));
  }

  const shippedDir = join(WORK_DIR, 'shipped');
  await buildAll(shippedDir);
  // The last step's options on today's src/ must be scripts/build.ts's: byte-identical output.
  const lastStep = STEPS[STEPS.length - 1];
  let shippedEqualsLastStep = false;
  if (lastStep !== undefined) {
    const check = join(WORK_DIR, 'last-step-today');
    for (const key of FUNCTION_KEYS) {
      await build(lastStep.options(join(ROOT, 'src', 'handlers', `${key}.ts`), join(check, key)));
    }
    shippedEqualsLastStep = FUNCTION_KEYS.every(
      (key) => hashDir(join(shippedDir, key)) === hashDir(join(check, key)),
    );
  }
  variants.push(bundled('shipped', 'shipped', SHIPPED_DESCRIPTION, shippedDir));

  const skipped: SourcePatch[] = [];
  for (const patch of patches) {
    const copy = patchedSrc(patch);
    if (copy === undefined) {
      skipped.push(patch);
      continue;
    }
    const root = join(WORK_DIR, `proposal-${patch.id}`);
    for (const key of FUNCTION_KEYS) {
      const options = esbuildOptions(key, root);
      await build({ ...options, entryPoints: { index: join(copy, 'handlers', `${key}.ts`) } });
    }
    variants.push(bundled(patch.id, 'proposal', patch.description, root));
  }
  return { variants, skipped, shippedEqualsLastStep };
};

/** One handler built, with scripts/build.ts's esbuild options, from another commit's sources. */
export type CommitBuild =
  | { status: 'built'; commit: string; variant: Variant }
  | { status: 'skipped'; commit: string; reason: string };

/**
 * Builds `key` from the sources of `commit`: `git archive <commit> src package.json` into the
 * scratch directory, then esbuild with the same options as scripts/build.ts, entry point in that
 * copy. The copy sits inside node_modules/.cache, so its imports resolve against the project's
 * node_modules as the real sources do: the same SDK versions, only the code differs. Git missing,
 * the commit unknown or the old sources not building all give `skipped` with the reason.
 */
export const buildFromCommit = async (commit: string, key: FunctionKey): Promise<CommitBuild> => {
  let sha: string;
  try {
    sha = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'git is not installed'
        : `git does not know commit ${commit} here (no repository, or a shallow clone without it)`;
    return { status: 'skipped', commit, reason };
  }
  try {
    const copy = join(WORK_DIR, `git-${commit}`);
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    const archive = execFileSync('git', ['archive', '--format=tar', sha, 'src', 'package.json'], {
      cwd: ROOT,
      maxBuffer: 256 * 2 ** 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    execFileSync('tar', ['-x', '-C', copy], { input: archive, stdio: ['pipe', 'ignore', 'pipe'] });
    const root = join(WORK_DIR, `commit-${commit}`);
    await build({
      ...esbuildOptions(key, root),
      entryPoints: { index: join(copy, 'src', 'handlers', `${key}.ts`) },
      logLevel: 'silent',
    });
    return {
      status: 'built',
      commit: sha,
      variant: {
        id: `commit-${commit}`,
        kind: 'baseline',
        description: `src/ of commit ${sha.slice(0, 7)}, built with scripts/build.ts's esbuild options`,
        entry: (k) => bundlePath(k, root),
        packageDir: (k) => join(root, k),
      },
    };
  } catch (error) {
    // git's or tar's stderr, esbuild's first error, or the message.
    const { stderr, errors } = error as { stderr?: Buffer | string; errors?: { text: string }[] };
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const reason = stderr?.toString().trim() || errors?.[0]?.text || message || 'unknown error';
    return { status: 'skipped', commit, reason };
  }
};

/**
 * True when today's `key`, built from a copy of src/ in the scratch directory the way
 * buildFromCommit builds an old commit, is byte-identical to the shipped build: then a
 * before/after difference is the code's, not the build path's.
 */
export const copyBuildMatchesShipped = async (key: FunctionKey): Promise<boolean> => {
  const copy = join(WORK_DIR, 'git-working-tree', 'src');
  rmSync(copy, { recursive: true, force: true });
  cpSync(join(ROOT, 'src'), copy, { recursive: true });
  const root = join(WORK_DIR, 'copy-build');
  await build({
    ...esbuildOptions(key, root),
    entryPoints: { index: join(copy, 'handlers', `${key}.ts`) },
  });
  return hashDir(join(root, key)) === hashDir(join(WORK_DIR, 'shipped', key));
};

/** Bundles the probe (the child program) to CommonJS; returns its path. */
export const buildProbe = async (): Promise<string> => {
  const outfile = join(WORK_DIR, 'probe.cjs');
  await build({
    entryPoints: [join(ROOT, 'scripts', 'bench', 'probe.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Modules the fixtures reach (src/local/constants.ts) read import.meta.url at load time.
    define: { 'import.meta.url': '__probeUrl' },
    banner: { js: "const __probeUrl=require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
  });
  return outfile;
};
