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
  const auth = report.authorizer?.rows;
  const header = auth?.find((r) => r.id === 'header');
  const jwt = auth?.find((r) => r.id === 'jwt');
  const broker = auth?.find((r) => r.id === 'header+broker');
  if (header !== undefined && jwt !== undefined) {
    rows.push([
      'authorizer jwt: init / 1st request / warm p50',
      `${ms(jwt.init.initMs)} / ${ms(jwt.init.firstInvokeMs)} / ${fine(jwt.warmP50Ms)}`,
      `${ratio(jwt.init.initMs, header.init.initMs)} / ${ratio(jwt.init.firstInvokeMs, header.init.firstInvokeMs)} / ${ratio(jwt.warmP50Ms, header.warmP50Ms)} header mode`,
    ]);
  }
  if (header !== undefined && broker !== undefined) {
    rows.push([
      'authorizer broker: 1st request / cached session',
      `${ms(broker.init.firstInvokeMs)} / ${fine(broker.warmP50Ms)}`,
      `${ratio(broker.init.firstInvokeMs, header.init.firstInvokeMs)} / ${ratio(broker.warmP50Ms, header.warmP50Ms)} header mode without broker`,
    ]);
  }
  const iso = report.isolatedCredentials;
  if (iso !== undefined) {
    rows.push([
      'isolated cold request, brokered credentials',
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
    `The shipped authorizer bundle (\`dist/authorizer/\`${section.size === undefined ? '' : `, ${sizeCell(section.size)}`}) in fresh processes, interleaved with every job above. Each process runs init, then ${section.rows[0]?.invocationsPerProcess ?? 0} requests in a row; the first is the cold request, the rest are warm. Ratios are against header mode without the broker, from the same run.`,
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
    `Before: the isolated function built from the sources of commit \`${iso.commit}\` (\`git archive\` into the scratch directory, the same esbuild options as scripts/build.ts, the same node_modules, so the same SDK versions), with \`TENANT_DATA_ROLE_ARN\` set: it loads the STS client during init and assumes the tenant role on its first request (loopback stand-in). After: today's shipped bundle with \`TENANT_CREDENTIALS=authorizer\`, signing with the credentials in \`requestContext.authorizer\`, no STS call. Own role: today's bundle with neither, the reference. All three interleaved in the same run.`,
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
    rows.push(row('own role (reference)', iso.ownRole, '0', iso.after.size));
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
