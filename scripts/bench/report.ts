/**
 * The bench's results as data (bench/report.json), as Markdown (bench/report.md, with the init
 * chart bench/init.svg) and as the summary table printed at the end of `npm run bench`.
 */
import type { Bar } from './chart.js';
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

export interface VariantReport {
  id: string;
  kind: VariantKind;
  description: string;
  sizes: Partial<Record<FunctionKey, SizeFigures>>;
  init: Partial<Record<FunctionKey, InitFigures>>;
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

export interface Target {
  name: string;
  goal: string;
  actual: string;
  met: boolean | undefined;
}

export interface BenchReport {
  generatedAt: string;
  machine: { node: string; platform: string; cpus: number; cpuModel: string };
  settings: { runs: number; warmProcesses: number; warmInvocations: number };
  variants: VariantReport[];
  shippedEqualsLastStep: boolean;
  skippedProposals: string[];
  warm: WarmFigures[];
  load: LoadSection;
  /** The isolated function with and without TENANT_DATA_ROLE_ARN, in the same run. */
  scopedCredentials?: {
    without: InitFigures;
    with: InitFigures;
    stsCallsPerEnvironment: number;
  };
  targets: Target[];
  durationS: number;
}

const kb = (bytes: number | undefined): string =>
  bytes === undefined ? '—' : `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} ms`;

const variant = (report: BenchReport, id: string): VariantReport | undefined =>
  report.variants.find((v) => v.id === id);

const initOf = (report: BenchReport, id: string, key: FunctionKey = 'standard') =>
  variant(report, id)?.init[key];

/** Rows of the headline table: the shipped build against its baselines. */
export const summaryRows = (report: BenchReport): string[][] => {
  const shipped = initOf(report, 'shipped');
  const naive = initOf(report, 'naive');
  const floor = initOf(report, 'empty');
  const esbuildDefault = initOf(report, 'esbuild-default');
  const warm = report.warm.find((w) => w.key === 'isolated' && w.variant === 'shipped');
  const rows: string[][] = [
    ['bundle (standard), raw / gzip', sizeCell(variant(report, 'shipped')?.sizes.standard), ''],
    [
      'init, median',
      ms(shipped?.initMs),
      `${ratio(shipped?.initMs ?? Number.NaN, naive?.initMs ?? Number.NaN)} naive (${ms(naive?.initMs)}), ${ratio(shipped?.initMs ?? Number.NaN, esbuildDefault?.initMs ?? Number.NaN)} esbuild default (${ms(esbuildDefault?.initMs)}), ${ratio(shipped?.initMs ?? Number.NaN, floor?.initMs ?? Number.NaN)} empty (${ms(floor?.initMs)})`,
    ],
    [
      'cold request (init + 1st invoke), median',
      ms(shipped?.coldMs),
      `${ratio(shipped?.coldMs ?? Number.NaN, naive?.coldMs ?? Number.NaN)} naive (${ms(naive?.coldMs)})`,
    ],
    [
      'warm invoke p50 / p99 (isolated)',
      `${ms(warm?.p50Ms)} / ${ms(warm?.p99Ms)}`,
      `${warm?.processes ?? 0} processes × ${warm?.invocationsPerProcess ?? 0}`,
    ],
    [
      'DynamoDB requests per API request',
      `${round(warm?.requestsPerInvocation ?? Number.NaN, 3)}`,
      'counted at the store',
    ],
  ];
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

/** Plain-text table for the terminal. */
export const consoleTable = (rows: string[][]): string => {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
};

export const chartBars = (report: BenchReport): Bar[] => {
  const naive = initOf(report, 'naive')?.initMs ?? Number.NaN;
  return report.variants
    .filter((v) => v.kind !== 'proposal' && v.init.standard !== undefined)
    .map((v) => ({
      label: v.id,
      value: v.init.standard?.initMs ?? 0,
      note:
        v.id === 'naive' ? '' : `(${ratio(v.init.standard?.initMs ?? Number.NaN, naive)} naive)`,
      tone: v.kind === 'proposal' ? 'step' : v.kind,
    }));
};

export const renderMarkdown = (report: BenchReport, notes: string): string => {
  const naive = initOf(report, 'naive');
  const floor = initOf(report, 'empty');
  const esbuildDefault = initOf(report, 'esbuild-default');
  const lines: string[] = [];
  lines.push('# Performance report (`npm run bench`)', '');
  lines.push(
    `Generated ${report.generatedAt} on Node ${report.machine.node}, ${report.machine.platform}, ${report.machine.cpus} × ${report.machine.cpuModel}; the run took ${Math.round(report.durationS)} s.`,
    `Every init figure is a median over ${report.settings.runs} fresh Node processes per variant, all variants interleaved run by run; every ratio compares figures from this same run. Absolute times depend on the machine (this one is small and shared); the ratios are what carry over.`,
    '',
  );
  lines.push(
    '## Summary',
    '',
    table(['what', 'shipped build', 'compared with'], summaryRows(report)),
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
  lines.push('## Init per environment', '', '![median init per build](init.svg)', '');
  const initRows = report.variants.flatMap((v) =>
    (['standard', 'isolated'] as const).flatMap((key) => {
      const init = v.init[key];
      if (init === undefined) return [];
      return [
        [
          `\`${v.id}\` (${key})`,
          v.kind,
          ms(init.initMs),
          ratio(init.initMs, naive?.initMs ?? Number.NaN),
          ratio(init.initMs, esbuildDefault?.initMs ?? Number.NaN),
          ratio(init.initMs, floor?.initMs ?? Number.NaN),
          ms(init.firstInvokeMs),
          ms(init.coldMs),
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
        'init',
        '÷ naive',
        '÷ esbuild default',
        '÷ empty',
        '1st invoke',
        'cold request',
        'RSS after',
        'store req / invoke',
      ],
      initRows,
    ),
    '',
  );
  lines.push(
    'What each build is:',
    '',
    ...report.variants.map((v) => `- \`${v.id}\` (${v.kind}): ${v.description}`),
    '',
  );
  if (report.shippedEqualsLastStep) {
    lines.push(
      '`shipped` (scripts/build.ts) is byte-identical to the last step, built independently in this run.',
      '',
    );
  } else {
    lines.push('Note: `shipped` differs from the last step listed; see the table for both.', '');
  }
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
    'The naive build has no package of its own: it loads the SDK from node_modules.',
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
  const scoped = report.scopedCredentials;
  if (scoped !== undefined) {
    lines.push('## Tenant-scoped credentials (IAM data isolation)', '');
    lines.push(
      'The isolated function with `TENANT_DATA_ROLE_ARN` set (the Terraform default) against the same bundle without it. STS is a loopback AssumeRole stand-in (`scripts/lib/sts-stand-in.ts`), so the first-invoke difference is the client-side cost of the call (STS client chunk, signing, XML parsing) plus a loopback round trip; in AWS add one HTTPS round trip to the Regional STS endpoint, for which STS publishes no latency figure.',
      '',
      table(
        ['isolated function', 'init', '1st invoke', 'cold request', 'STS calls per environment'],
        [
          [
            'own role (no TENANT_DATA_ROLE_ARN)',
            ms(scoped.without.initMs),
            ms(scoped.without.firstInvokeMs),
            ms(scoped.without.coldMs),
            '0',
          ],
          [
            'tenant-scoped credentials',
            ms(scoped.with.initMs),
            ms(scoped.with.firstInvokeMs),
            ms(scoped.with.coldMs),
            String(round(scoped.stsCallsPerEnvironment, 2)),
          ],
          [
            'difference',
            ms(scoped.with.initMs - scoped.without.initMs),
            ms(scoped.with.firstInvokeMs - scoped.without.firstInvokeMs),
            ms(scoped.with.coldMs - scoped.without.coldMs),
            '',
          ],
        ],
      ),
      '',
    );
  }
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
