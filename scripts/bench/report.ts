/**
 * The bench's results as data (bench/report.json), as Markdown (bench/report.md, with the init
 * chart bench/init.svg) and as the summary table printed at the end of `npm run bench`.
 */
import type { Bar } from './chart.js';
import type { ClientConfigCheck } from './client-config-check.js';
import type { ProbeRuntime } from './lambda-runtime.js';
import { runtimeLabel, shortRuntimeLabel } from './lambda-runtime.js';
import type { IdleMemory, LoadFigures } from './load.js';
import { ratio, round } from './stats.js';
import type { FunctionKey, SizeFigures, VariantKind } from './variants.js';

export interface InitFigures {
  samples: number;
  /** Median import-to-evaluated time of the handler module (the init phase). */
  initMs: number;
  /** Median first invocation right after init (cold request = init + this). */
  firstInvokeMs: number;
  /** Median of init + first invocation per process. */
  coldMs: number;
  /** Median Node boot before the probe runs: the same for all, reported for context. */
  bootMs: number;
  rssMb: number;
  /** DynamoDB requests the store saw per handler invocation (0 for the empty handler). */
  storeRequestsPerInvocation: number;
}

/** How the probe processes of one column of figures were started (lambda-runtime.ts). */
export type RuntimeReport = Pick<
  ProbeRuntime,
  'id' | 'lambdaRuntime' | 'nodeVersion' | 'flags' | 'memoryMb' | 'lambdaFlags'
>;

export interface VariantReport {
  id: string;
  kind: VariantKind;
  description: string;
  sizes: Partial<Record<FunctionKey, SizeFigures>>;
  /** Runtime id → function → figures; a build runs on some runtimes only. */
  init: Record<string, Partial<Record<FunctionKey, InitFigures>>>;
}

export interface WarmFigures {
  key: FunctionKey;
  variant: string;
  processes: number;
  invocationsPerProcess: number;
  /** Medians over processes of each process's p50 / p99. */
  p50Ms: number;
  p99Ms: number;
  /** Requests the store received, by operation, over all these invocations. */
  storeRequests: Record<string, number>;
  requestsPerInvocation: number;
}

export interface LoadRow {
  id: string;
  key: FunctionKey;
  tenants: number;
  gateway: LoadFigures;
  direct: LoadFigures;
}

export interface LoadSection {
  status: 'measured' | 'pending';
  reason?: string;
  settings?: {
    connections: number;
    durationS: number;
    warmupS: number;
    maxWarmupS: number;
    cliArgs: string[];
  };
  rows: LoadRow[];
  idleMemory?: IdleMemory;
}

/** The authorizer bundle in one configuration: init, first request and warm requests. */
export interface AuthorizerRow {
  /** `header`: x-tenant-id (baseline); `jwt`: verified token; `header+broker`: STS brokering on. */
  id: 'header' | 'jwt' | 'header+broker';
  init: InitFigures;
  invocationsPerProcess: number;
  /** Medians over processes of each process's p50 / p99 of its warm requests (for the broker: a cached session). */
  warmP50Ms: number;
  warmP99Ms: number;
  /** Broker only: a tenant not seen yet, in a warm process (AssumeRole with a warm client). */
  newTenantWarmMs?: number;
  stsCallsPerProcess: number;
}

export interface AuthorizerSection {
  rows: AuthorizerRow[];
  size?: SizeFigures;
}

/** The isolated function before (in-environment AssumeRole) and after (brokered credentials). */
export interface IsolatedCredentialsSection {
  /** The commit the "before" bundle was built from (full hash when git resolved it). */
  commit: string;
  before?: { init: InitFigures; stsCallsPerEnvironment: number; size?: SizeFigures };
  /** Why there is no "before" row. */
  skipped?: string;
  after: { init: InitFigures; stsCallsPerEnvironment: number; size?: SizeFigures };
  /** Today's bundle on its own role (no TENANT_CREDENTIALS): the same run's reference. */
  ownRole?: InitFigures;
  /** Today's src/, built from a scratch copy like the old commit, equals the shipped build. */
  copyBuildMatchesShipped: boolean;
}

export interface Target {
  name: string;
  goal: string;
  actual: string;
  met: boolean | undefined;
}

export interface BenchReport {
  generatedAt: string;
  machine: { node: string; platform: string; cpus: number; cpuModel: string };
  runtimes: RuntimeReport[];
  /** The runtime of the goal, the authorizer and warm jobs. */
  primaryRuntime: string;
  skippedRuntimes: { id: string; reason: string }[];
  /** Without and with AWS_ENDPOINT_URL_DYNAMODB (Lambda, then the bench's probes). */
  clientConfigChecks: Array<ClientConfigCheck | { error: string }>;
  /** The shipped standard bundle with a primed V8 code cache (NODE_COMPILE_CACHE): not shipped. */
  compileCache?: { init: InitFigures; cacheFiles: number };
  settings: {
    runs: number;
    warmProcesses: number;
    warmInvocations: number;
    authorizerInvocations?: number;
  };
  variants: VariantReport[];
  shippedEqualsLastStep: boolean;
  skippedProposals: string[];
  warm: WarmFigures[];
  load: LoadSection;
  authorizer?: AuthorizerSection;
  isolatedCredentials?: IsolatedCredentialsSection;
  targets: Target[];
  durationS: number;
}

const kb = (bytes: number | undefined): string =>
  bytes === undefined ? '—' : `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} ms`;
/** For sub-millisecond figures (warm authorizer requests): three significant digits. */
const fine = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value)
    ? '—'
    : value >= 10
      ? `${value.toFixed(1)} ms`
      : `${value.toPrecision(3)} ms`;

const variant = (report: BenchReport, id: string): VariantReport | undefined =>
  report.variants.find((v) => v.id === id);

const runtimeOf = (report: BenchReport, id: string): RuntimeReport | undefined =>
  report.runtimes.find((r) => r.id === id);

const primaryOf = (report: BenchReport): RuntimeReport | undefined =>
  runtimeOf(report, report.primaryRuntime);

const initOf = (
  report: BenchReport,
  id: string,
  key: FunctionKey = 'standard',
  runtime: string = report.primaryRuntime,
): InitFigures | undefined => variant(report, id)?.init[runtime]?.[key];

const NaN_ = Number.NaN;

/** The label every figure carries: Node version and how it was started. */
const labelOf = (runtime: RuntimeReport | undefined): string =>
  runtime === undefined ? 'unknown runtime' : shortRuntimeLabel(runtime);

/** Rows of the headline table: cold request and init under Lambda's flags first. */
export const summaryRows = (report: BenchReport): string[][] => {
  const rows: string[][] = [];
  for (const runtime of report.runtimes.filter((r) => r.lambdaFlags)) {
    const reference = initOf(report, 'reference', 'standard', runtime.id);
    const floor = initOf(report, 'empty', 'standard', runtime.id);
    const label = labelOf(runtime);
    for (const key of ['standard', 'isolated'] as const) {
      const shipped = initOf(report, 'shipped', key, runtime.id);
      if (shipped === undefined) continue;
      rows.push([
        `**cold request**, ${key} (${label})`,
        `**${ms(shipped.coldMs)}**`,
        `**${ratio(shipped.coldMs, reference?.coldMs ?? NaN_)} reference** (${ms(reference?.coldMs)}), ${ratio(shipped.coldMs, floor?.coldMs ?? NaN_)} empty handler (${ms(floor?.coldMs)})`,
      ]);
    }
    const shipped = initOf(report, 'shipped', 'standard', runtime.id);
    const naive = initOf(report, 'naive', 'standard', runtime.id);
    rows.push([
      `init, standard (${label})`,
      ms(shipped?.initMs),
      `${ratio(shipped?.initMs ?? NaN_, reference?.initMs ?? NaN_)} reference (${ms(reference?.initMs)}), ${ratio(shipped?.initMs ?? NaN_, floor?.initMs ?? NaN_)} empty (${ms(floor?.initMs)}), ${ratio(shipped?.initMs ?? NaN_, naive?.initMs ?? NaN_)} naive (${ms(naive?.initMs)})`,
    ]);
  }
  const plain = report.runtimes.find((r) => !r.lambdaFlags);
  if (plain !== undefined) {
    const shipped = initOf(report, 'shipped', 'standard', plain.id);
    const reference = initOf(report, 'reference', 'standard', plain.id);
    rows.push([
      `cold request, standard (${labelOf(plain)}: for comparison)`,
      ms(shipped?.coldMs),
      `${ratio(shipped?.coldMs ?? NaN_, reference?.coldMs ?? NaN_)} reference (${ms(reference?.coldMs)})`,
    ]);
  }
  const primaryLabel = labelOf(primaryOf(report));
  const warm = report.warm.find((w) => w.key === 'isolated' && w.variant === 'shipped');
  rows.push(
    ['bundle (standard), raw / gzip', sizeCell(variant(report, 'shipped')?.sizes.standard), ''],
    [
      `warm invoke p50 / p99, isolated (${primaryLabel})`,
      `${ms(warm?.p50Ms)} / ${ms(warm?.p99Ms)}`,
      `${warm?.processes ?? 0} processes × ${warm?.invocationsPerProcess ?? 0}`,
    ],
    [
      'DynamoDB requests per API request',
      `${round(warm?.requestsPerInvocation ?? NaN_, 3)}`,
      'counted at the store',
    ],
  );
  const auth = report.authorizer?.rows;
  const header = auth?.find((r) => r.id === 'header');
  const jwt = auth?.find((r) => r.id === 'jwt');
  const broker = auth?.find((r) => r.id === 'header+broker');
  if (header !== undefined && jwt !== undefined) {
    rows.push([
      `authorizer jwt: init / 1st request / warm p50 (${primaryLabel})`,
      `${ms(jwt.init.initMs)} / ${ms(jwt.init.firstInvokeMs)} / ${fine(jwt.warmP50Ms)}`,
      `${ratio(jwt.init.initMs, header.init.initMs)} / ${ratio(jwt.init.firstInvokeMs, header.init.firstInvokeMs)} / ${ratio(jwt.warmP50Ms, header.warmP50Ms)} header mode`,
    ]);
  }
  if (header !== undefined && broker !== undefined) {
    rows.push([
      `authorizer broker: 1st request / cached session (${primaryLabel})`,
      `${ms(broker.init.firstInvokeMs)} / ${fine(broker.warmP50Ms)}`,
      `${ratio(broker.init.firstInvokeMs, header.init.firstInvokeMs)} / ${ratio(broker.warmP50Ms, header.warmP50Ms)} header mode without broker`,
    ]);
  }
  const iso = report.isolatedCredentials;
  if (iso !== undefined) {
    rows.push([
      `isolated cold request, brokered credentials (${primaryLabel})`,
      ms(iso.after.init.coldMs),
      iso.before === undefined
        ? `before (${iso.commit.slice(0, 7)}) not measured`
        : `${ratio(iso.after.init.coldMs, iso.before.init.coldMs)} in-environment AssumeRole at ${iso.commit.slice(0, 7)} (${ms(iso.before.init.coldMs)})`,
    ]);
  }
  const load = report.load;
  if (load.status === 'measured') {
    for (const row of load.rows) {
      rows.push([
        `local stack ${row.id}: req/s, p50 / p99`,
        `${Math.round(row.gateway.requestsPerSecond)}, ${ms(row.gateway.p50Ms)} / ${ms(row.gateway.p99Ms)}`,
        `direct ${Math.round(row.direct.requestsPerSecond)} req/s, p50 ${ms(row.direct.p50Ms)}: ${ratio(row.gateway.p50Ms, row.direct.p50Ms)}`,
      ]);
    }
    if (load.idleMemory !== undefined) {
      rows.push([
        'memory per idle tenant environment',
        `${load.idleMemory.perEnvironmentMb.toFixed(1)} MB`,
        `RSS ${load.idleMemory.beforeMb.toFixed(0)} → ${load.idleMemory.afterMb.toFixed(0)} MB over ${load.idleMemory.tenants} tenants`,
      ]);
    }
  } else {
    rows.push(['local stack load', 'pending', load.reason ?? '']);
  }
  return rows;
};

const sizeCell = (size: SizeFigures | undefined): string =>
  size === undefined
    ? '—'
    : `${kb(size.rawBytes)} / ${kb(size.gzipBytes)} (init path ${kb(size.initPathBytes)}, ${size.files} files)`;

const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** Plain-text table for the terminal (Markdown emphasis removed). */
export const consoleTable = (rows: string[][]): string => {
  const plain = rows.map((row) => row.map((cell) => cell.replace(/\*\*/g, '')));
  const widths = [0, 1, 2].map((i) => Math.max(...plain.map((row) => (row[i] ?? '').length)));
  return plain
    .map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '))
    .join('\n');
};

/** The chart: median cold request of every build, standard function, primary runtime. */
export const chartTitle = (report: BenchReport): string =>
  `Median cold request (init + 1st invoke), standard function, ${labelOf(primaryOf(report))}`;

export const chartBars = (report: BenchReport): Bar[] => {
  const reference = initOf(report, 'reference')?.coldMs ?? NaN_;
  return report.variants
    .filter((v) => v.kind !== 'proposal' && initOf(report, v.id) !== undefined)
    .map((v) => ({
      label: v.id,
      value: initOf(report, v.id)?.coldMs ?? 0,
      note:
        v.id === 'reference'
          ? ''
          : `(${ratio(initOf(report, v.id)?.coldMs ?? NaN_, reference)} reference)`,
      tone: v.kind === 'proposal' ? 'step' : v.kind === 'reference' ? 'floor' : v.kind,
    }));
};

/** The ladder in order, each step with the build before it. */
const LADDER: Array<[string, string, string]> = [
  ['esbuild-default', 'module-first', "1. SDK ES module builds (`mainFields: ['module', 'main']`)"],
  ['module-first', 'split', '2. code splitting'],
  ['split', 'builtins', '3. built-ins through `process.getBuiltinModule` (esbuild plugin)'],
  ['builtins', 'shipped', '4. explicit client configuration (src/store/counter-store-from-env.ts)'],
];

const initSection = (report: BenchReport): string[] => {
  const lines: string[] = [];
  lines.push(
    '## Cold request and init per environment',
    '',
    `![${chartTitle(report)}](init.svg)`,
    '',
  );
  lines.push(
    'Each runtime column below is its own set of fresh processes, interleaved with every other job of the run. **Cold request** = init (the `import()` of the handler module until it has evaluated) + the first invocation (one UpdateItem against the embedded store).',
    '',
  );
  for (const runtime of report.runtimes) {
    const reference = initOf(report, 'reference', 'standard', runtime.id);
    const floor = initOf(report, 'empty', 'standard', runtime.id);
    const naive = initOf(report, 'naive', 'standard', runtime.id);
    lines.push(
      `### ${runtime.lambdaFlags ? runtime.lambdaRuntime : 'for comparison'}: ${runtimeLabel(runtime)}`,
      '',
      runtime.lambdaFlags
        ? `AWS_EXECUTION_ENV=AWS_Lambda_${runtime.lambdaRuntime}, AWS_LAMBDA_FUNCTION_MEMORY_SIZE=${runtime.memoryMb}: the flags Lambda's bootstrap passes for ${runtime.memoryMb} MB.`
        : `The same binary without Lambda's flags, in the same Lambda environment (AWS_EXECUTION_ENV=AWS_Lambda_${runtime.lambdaRuntime}): what the flags cost.`,
      '',
    );
    const rows = report.variants.flatMap((v) =>
      (['standard', 'isolated'] as const).flatMap((key) => {
        const init = v.init[runtime.id]?.[key];
        if (init === undefined) return [];
        const stepBefore = LADDER.find(([, after]) => after === v.id)?.[0];
        const before =
          key === 'standard' && stepBefore !== undefined
            ? initOf(report, stepBefore, 'standard', runtime.id)
            : undefined;
        return [
          [
            `\`${v.id}\` (${key})`,
            v.kind,
            v.id === 'shipped' || v.id === 'reference' ? `**${ms(init.coldMs)}**` : ms(init.coldMs),
            ratio(init.coldMs, reference?.coldMs ?? NaN_),
            ratio(init.coldMs, floor?.coldMs ?? NaN_),
            before === undefined ? '' : ratio(init.coldMs, before.coldMs),
            ms(init.initMs),
            ms(init.firstInvokeMs),
            ratio(init.initMs, naive?.initMs ?? NaN_),
            `${init.rssMb.toFixed(1)} MB`,
            String(round(init.storeRequestsPerInvocation, 3)),
          ],
        ];
      }),
    );
    lines.push(
      table(
        [
          'build',
          'kind',
          'cold request',
          '÷ reference',
          '÷ empty',
          '÷ step before',
          'init',
          '1st invoke',
          'init ÷ naive',
          'RSS after',
          'store req / invoke',
        ],
        rows,
      ),
      '',
    );
  }
  lines.push('### Each lever, before and after (same run)', '');
  lines.push(
    table(
      [
        'lever',
        'runtime',
        'cold request before → after',
        'after ÷ before',
        'init before → after',
        '1st invoke before → after',
      ],
      LADDER.flatMap(([beforeId, afterId, name]) =>
        report.runtimes
          .filter((r) => r.lambdaFlags)
          .flatMap((runtime) => {
            const b = initOf(report, beforeId, 'standard', runtime.id);
            const a = initOf(report, afterId, 'standard', runtime.id);
            if (a === undefined || b === undefined) return [];
            return [
              [
                name,
                labelOf(runtime),
                `${ms(b.coldMs)} → ${ms(a.coldMs)}`,
                `**${ratio(a.coldMs, b.coldMs)}**`,
                `${ms(b.initMs)} → ${ms(a.initMs)}`,
                `${ms(b.firstInvokeMs)} → ${ms(a.firstInvokeMs)}`,
              ],
            ];
          }),
      ),
    ),
    '',
  );
  const plain = report.runtimes.find((r) => !r.lambdaFlags);
  const flagged = report.runtimes.find(
    (r) => r.lambdaFlags && plain !== undefined && r.lambdaRuntime === plain.lambdaRuntime,
  );
  if (plain !== undefined && flagged !== undefined) {
    lines.push(
      `### What Lambda's flags cost (${flagged.lambdaRuntime}, Node ${flagged.nodeVersion})`,
      '',
    );
    lines.push(
      table(
        ['build', 'cold request, no flags', "cold request, Lambda's flags", '÷ no flags'],
        report.variants.flatMap((v) => {
          const a = initOf(report, v.id, 'standard', plain.id);
          const b = initOf(report, v.id, 'standard', flagged.id);
          if (a === undefined || b === undefined) return [];
          return [[`\`${v.id}\``, ms(a.coldMs), ms(b.coldMs), ratio(b.coldMs, a.coldMs)]];
        }),
      ),
      '',
    );
  }
  const cache = report.compileCache;
  const primary = primaryOf(report);
  const shipped = initOf(report, 'shipped');
  if (cache !== undefined && shipped !== undefined) {
    lines.push(
      `### A V8 code cache (measured, not shipped)`,
      '',
      `The shipped standard bundle on ${labelOf(primary)} with Node's compile cache (\`NODE_COMPILE_CACHE\`, ${cache.cacheFiles} cache files primed by one process before the rounds): cold request ${ms(cache.init.coldMs)} against ${ms(shipped.coldMs)} without, **${ratio(cache.init.coldMs, shipped.coldMs)}**; init ${ms(cache.init.initMs)} against ${ms(shipped.initMs)}. Why it is not shipped: see "A V8 code cache" below.`,
      '',
    );
  }
  lines.push(...clientConfigLines(report));
  lines.push(
    'What each build is:',
    '',
    ...report.variants.map((v) => `- \`${v.id}\` (${v.kind}): ${v.description}`),
    '',
  );
  lines.push(
    report.shippedEqualsLastStep
      ? "The last build step's esbuild options, applied to today's src/, are byte-identical to scripts/build.ts's output (built independently in this run): `shipped` differs from `builtins` only by src/."
      : "Note: the last build step's options on today's src/ did not reproduce scripts/build.ts's output in this run.",
    '',
  );
  if (report.skippedRuntimes.length > 0) {
    lines.push(...report.skippedRuntimes.map((r) => `- **${r.id} not measured**: ${r.reason}`), '');
  }
  return lines;
};

const clientConfigLines = (report: BenchReport): string[] => {
  const lines = ['### The explicit client configuration against the SDK’s own resolution', ''];
  lines.push(
    'scripts/bench/client-config-check.ts, in a child process with Lambda’s environment and an empty HOME (no shared config files), once without AWS_ENDPOINT_URL_DYNAMODB (as in Lambda) and once with it (as in the probes): `new DynamoDBClient({})` against the shipped `new DynamoDBClient(ownRoleClientConfig())`, every setting resolved as the SDK resolves it, and one UpdateItem from each, recorded after signing and never sent. The last row checks the reference handler’s signer against the SDK’s signature of that request.',
    '',
  );
  const checks = report.clientConfigChecks.filter(
    (check): check is ClientConfigCheck => !('error' in check),
  );
  for (const check of report.clientConfigChecks) {
    if ('error' in check) lines.push(`- **not checked**: ${check.error}`, '');
  }
  const lambda = checks.find((c) => !c.endpointFromEnv);
  const probes = checks.find((c) => c.endpointFromEnv);
  const first = lambda ?? probes;
  if (first === undefined) return lines;
  const same = (check: ClientConfigCheck | undefined, name: string): string => {
    const setting = check?.settings.find((s) => s.setting === name);
    return setting === undefined ? '—' : setting.equal ? 'yes' : `**no** (\`${setting.explicit}\`)`;
  };
  const rows = first.settings.map((setting) => [
    setting.setting,
    `\`${lambda?.settings.find((s) => s.setting === setting.setting)?.sdk ?? '—'}\``,
    same(lambda, setting.setting),
    same(probes, setting.setting),
  ]);
  const signature = (check: ClientConfigCheck | undefined): string =>
    check === undefined ? '—' : check.referenceSignatureMatches ? 'yes' : '**no**';
  rows.push(['reference signer = SDK signature', '', signature(lambda), signature(probes)]);
  lines.push(
    table(
      ['setting', 'SDK default (Lambda)', 'explicit same, Lambda', 'explicit same, probes'],
      rows,
    ),
    '',
  );
  return lines;
};

export const renderMarkdown = (report: BenchReport, notes: string): string => {
  const lines: string[] = [];
  const primary = primaryOf(report);
  lines.push('# Performance report (`npm run bench`)', '');
  lines.push(
    `Generated ${report.generatedAt} on ${report.machine.platform}, ${report.machine.cpus} × ${report.machine.cpuModel} (bench process: Node ${report.machine.node}); the run took ${Math.round(report.durationS)} s.`,
    `The probes start as Lambda starts a function: ${report.runtimes
      .filter((r) => r.lambdaFlags)
      .map((r) => `${r.lambdaRuntime} = ${runtimeLabel(r)}`)
      .join(
        '; ',
      )} (the flags Lambda's Node.js bootstrap passes for ${primary?.memoryMb ?? '?'} MB), in Lambda's environment. Every init figure is a median over ${report.settings.runs} fresh processes per build and runtime, all interleaved run by run; every ratio compares figures from this same run. Absolute times depend on the machine (this one is small and shared); the ratios are what carry over.`,
    '',
  );
  lines.push(
    '## Summary',
    '',
    table(['what', 'shipped build', 'compared with (same run)'], summaryRows(report)),
    '',
    'The reference is the same UpdateItem signed by hand with `node:crypto` and sent with `node:http` (scripts/bench/reference-handler.ts): no client library can do less. What the bench cannot know: the CPU share Lambda gives the configured memory (it scales with memory; this machine gives a process a whole core), the TLS handshake to DynamoDB (the probes speak plain HTTP to 127.0.0.1), the STS AssumeRole, now in the authorizer (against a loopback stand-in here), and Graviton (Lambda runs arm64 by default; this machine is x86-64). The empty handler’s init is little more than the ES module loader’s first use, which differs a lot between Node versions: compare ratios to the empty handler within one version, and across versions compare the reference ratio and the milliseconds.',
    '',
  );
  lines.push('## Targets', '');
  lines.push(
    table(
      ['target', 'goal', 'measured', 'met'],
      report.targets.map((t) => [
        t.name,
        t.goal,
        t.actual,
        t.met === undefined ? 'pending' : t.met ? 'yes' : '**no**',
      ]),
    ),
    '',
  );
  lines.push(...initSection(report));
  if (report.skippedProposals.length > 0) {
    lines.push(
      `Not measured (their src/ text is no longer there to patch): ${report.skippedProposals.join(', ')}.`,
      '',
    );
  }
  lines.push('## Bundle size per function', '');
  lines.push(
    table(
      ['build', 'function', 'files', 'raw', 'gzip (≈ zip)', 'init path (raw)'],
      report.variants.flatMap((v) =>
        (['standard', 'isolated'] as const).flatMap((key) => {
          const size = v.sizes[key];
          if (size === undefined) return [];
          return [
            [
              `\`${v.id}\``,
              key,
              String(size.files),
              kb(size.rawBytes),
              kb(size.gzipBytes),
              kb(size.initPathBytes),
            ],
          ];
        }),
      ),
    ),
    '',
    'The naive build has no package of its own: it loads the SDK from node_modules. The reference and `builtins`/`shipped` carry one line of banner per file (the `createRequire` fallback for Node without `process.getBuiltinModule`).',
    '',
  );
  lines.push('## Warm invocations and DynamoDB round trips', '');
  lines.push(
    table(
      ['function', 'build', 'p50', 'p99', 'store requests', 'per invocation'],
      report.warm.map((w) => [
        w.key,
        `\`${w.variant}\``,
        ms(w.p50Ms),
        ms(w.p99Ms),
        Object.entries(w.storeRequests)
          .map(([op, n]) => `${op} ${n}`)
          .join(', '),
        String(round(w.requestsPerInvocation, 3)),
      ]),
    ),
    '',
  );
  lines.push(...authorizerLines(report), ...isolatedCredentialLines(report));
  lines.push('## Local stack under load', '');
  const load = report.load;
  if (load.status === 'pending') {
    lines.push(`**Pending**: ${load.reason ?? 'the local stack was not usable'}.`, '');
  } else {
    const settings = load.settings;
    if (settings !== undefined) {
      lines.push(
        `autocannon, ${settings.connections} connections, warm-up rounds of ${settings.warmupS} s until one starts no environment (at most ${settings.maxWarmupS} s), then ${settings.durationS} s measured; \`npm start ${settings.cliArgs.join(' ')}\`. Direct: the same bundle invoked in the bench process with ${settings.connections} invocations in flight, one module instance per tenant, against the stack's own store.`,
        '',
      );
    }
    lines.push(
      table(
        [
          'endpoint',
          'tenants',
          'gateway req/s',
          'gateway p50 / p99',
          'direct req/s',
          'direct p50 / p99',
          'p50 gateway ÷ direct',
          'failed (gateway, direct)',
        ],
        load.rows.map((row) => [
          row.key,
          String(row.tenants),
          String(Math.round(row.gateway.requestsPerSecond)),
          `${ms(row.gateway.p50Ms)} / ${ms(row.gateway.p99Ms)}`,
          String(Math.round(row.direct.requestsPerSecond)),
          `${ms(row.direct.p50Ms)} / ${ms(row.direct.p99Ms)}`,
          ratio(row.gateway.p50Ms, row.direct.p50Ms),
          `${row.gateway.failed}, ${row.direct.failed}`,
        ]),
      ),
      '',
    );
    if (load.idleMemory !== undefined) {
      const m = load.idleMemory;
      lines.push(
        `Idle tenant environments: RSS of the local stack ${m.beforeMb.toFixed(1)} MB → ${m.afterMb.toFixed(1)} MB after ${m.tenants} new tenants were served once each and left idle: **${m.perEnvironmentMb.toFixed(1)} MB per environment**.`,
        '',
      );
    }
  }
  lines.push(notes.trim(), '');
  return `${lines.join('\n')}\n`;
};

const authorizerLabel: Record<AuthorizerRow['id'], string> = {
  header: 'header mode (x-tenant-id)',
  jwt: 'jwt mode (remote JWKS)',
  'header+broker': 'header mode + credential broker',
};

const authorizerLines = (report: BenchReport): string[] => {
  const section = report.authorizer;
  if (section === undefined) return [];
  const header = section.rows.find((r) => r.id === 'header');
  const jwt = section.rows.find((r) => r.id === 'jwt');
  const broker = section.rows.find((r) => r.id === 'header+broker');
  const base = (pick: (r: AuthorizerRow) => number, r: AuthorizerRow): string =>
    header === undefined || r.id === 'header' ? '1×' : ratio(pick(r), pick(header));
  const lines = ['## Authorizer: tenant identity modes and the credential broker', ''];
  lines.push(
    `The shipped authorizer bundle (\`dist/authorizer/\`${section.size === undefined ? '' : `, ${sizeCell(section.size)}`}) in fresh processes on ${labelOf(primaryOf(report))}, interleaved with every job above. Each process runs init, then ${section.rows[0]?.invocationsPerProcess ?? 0} requests in a row; the first is the cold request, the rest are warm. Ratios are against header mode without the broker, from the same run.`,
    '',
    '- **jwt mode**: `Authorization: Bearer <ID token>` from the local issuer (`src/local/cognito/local-issuer.ts`), a freshly signed token for every request; the JWKS is served over HTTP on 127.0.0.1 (`src/local/cognito/jwks-server.ts`). The first request of a process fetches the JWKS (jose `createRemoteJWKSet`), imports the key and verifies; later ones verify against the cached key set. In AWS the fetch goes to Cognito over HTTPS: add that round trip to the cold figure.',
    '- **header mode + credential broker** (the Terraform default, `tenant_scoped_credentials = true`): every request is for `/isolated`, so every Allow carries tenant credentials. The first request of a process makes the first AssumeRole (loopback stand-in, `src/local/sts/assume-role.ts`: the client-side cost plus a loopback round trip; in AWS add an HTTPS round trip to Regional STS). Warm requests alternate between the first tenant again (a cached session: no STS call, the "warm" columns) and a tenant not seen yet (an AssumeRole with a warm client).',
    '',
    table(
      [
        'authorizer',
        'init',
        '÷ header',
        '1st request',
        '÷ header',
        'cold request',
        '÷ header',
        'warm p50',
        '÷ header',
        'warm p99',
        'STS calls / process',
      ],
      section.rows.map((r) => [
        authorizerLabel[r.id],
        ms(r.init.initMs),
        base((x) => x.init.initMs, r),
        ms(r.init.firstInvokeMs),
        base((x) => x.init.firstInvokeMs, r),
        ms(r.init.coldMs),
        base((x) => x.init.coldMs, r),
        fine(r.warmP50Ms),
        base((x) => x.warmP50Ms, r),
        fine(r.warmP99Ms),
        String(round(r.stsCallsPerProcess, 2)),
      ]),
    ),
    '',
  );
  if (jwt !== undefined) {
    lines.push(
      `- jwt mode, first request (cold JWKS fetch) ÷ warm verification: **${ratio(jwt.init.firstInvokeMs, jwt.warmP50Ms)}** (${ms(jwt.init.firstInvokeMs)} / ${fine(jwt.warmP50Ms)}); init ÷ header mode ${ratio(jwt.init.initMs, header?.init.initMs ?? Number.NaN)} (jose loads during init in jwt mode only).`,
    );
  }
  if (broker !== undefined) {
    lines.push(
      `- broker, first request (first AssumeRole of the process) ÷ cached tenant session: **${ratio(broker.init.firstInvokeMs, broker.warmP50Ms)}** (${ms(broker.init.firstInvokeMs)} / ${fine(broker.warmP50Ms)}); a new tenant in a warm process: ${fine(broker.newTenantWarmMs)}, ${ratio(broker.newTenantWarmMs ?? Number.NaN, broker.warmP50Ms)} a cached session. Init ÷ header mode without broker ${ratio(broker.init.initMs, header?.init.initMs ?? Number.NaN)} (the STS client loads during init when brokering).`,
    );
  }
  lines.push('');
  return lines;
};

const isolatedCredentialLines = (report: BenchReport): string[] => {
  const iso = report.isolatedCredentials;
  if (iso === undefined) return [];
  const short = iso.commit.slice(0, 7);
  const lines = [
    '## Isolated function: in-environment AssumeRole (before) against brokered credentials (after)',
    '',
    `Before: the isolated function built from the sources of commit \`${iso.commit}\` (\`git archive\` into the scratch directory, the same esbuild options as scripts/build.ts, the same node_modules, so the same SDK versions), with \`TENANT_DATA_ROLE_ARN\` set: it loads the STS client during init and assumes the tenant role on its first request (loopback stand-in). After: today's shipped bundle with \`TENANT_CREDENTIALS=authorizer\`, signing with the credentials in \`requestContext.authorizer\`, no STS call. Own role: today's bundle with neither, for comparison. All three interleaved in the same run, on ${labelOf(primaryOf(report))}.`,
    '',
  ];
  if (!iso.copyBuildMatchesShipped) {
    lines.push(
      "Note: today's src/ built from a scratch copy did not match the shipped build byte for byte in this run (src/ may have changed during the run), so part of a before/after difference may come from the build path.",
      '',
    );
  }
  const before = iso.before;
  if (before === undefined) {
    lines.push(
      `**Before not measured**: the bundle of commit \`${iso.commit}\` could not be built (${iso.skipped ?? 'unknown reason'}).`,
      '',
    );
  }
  const rows: string[][] = [];
  const row = (
    label: string,
    init: InitFigures,
    sts: string,
    size: SizeFigures | undefined,
  ): string[] => [
    label,
    ms(init.initMs),
    ms(init.firstInvokeMs),
    ms(init.coldMs),
    before === undefined ? 'n/a' : ratio(init.coldMs, before.init.coldMs),
    sts,
    String(round(init.storeRequestsPerInvocation, 3)),
    size === undefined ? '—' : `${kb(size.rawBytes)} (init path ${kb(size.initPathBytes)})`,
  ];
  if (before !== undefined) {
    rows.push(
      row(
        `before (${short}): in-environment AssumeRole`,
        before.init,
        String(round(before.stsCallsPerEnvironment, 2)),
        before.size,
      ),
    );
  }
  rows.push(
    row(
      'after: brokered credentials',
      iso.after.init,
      String(round(iso.after.stsCallsPerEnvironment, 2)),
      iso.after.size,
    ),
  );
  if (iso.ownRole !== undefined) {
    rows.push(row('own role (for comparison)', iso.ownRole, '0', iso.after.size));
  }
  lines.push(
    table(
      [
        'isolated function',
        'init',
        '1st invoke',
        'cold request',
        '÷ before',
        'STS calls / environment',
        'store req / invoke',
        'package',
      ],
      rows,
    ),
    '',
  );
  if (before !== undefined) {
    lines.push(
      `After ÷ before: init ${ratio(iso.after.init.initMs, before.init.initMs)}, first invoke ${ratio(iso.after.init.firstInvokeMs, before.init.firstInvokeMs)}, cold request **${ratio(iso.after.init.coldMs, before.init.coldMs)}**. With brokered credentials the DynamoDB client is made on the first request, when the credentials arrive, not during init, so part of the cost moves from init to the first invoke (compare with the own-role row): the cold request is the figure to compare. The AssumeRole has not gone away: it moved to the authorizer (the broker rows above), once per tenant per credential session and shared by every environment of that tenant, instead of once per new isolated environment.`,
      '',
    );
  }
  return lines;
};
