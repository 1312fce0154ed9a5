/**
 * `npm run bench`: cold start and per-request cost of the handlers, every figure beside
 * baselines measured in the same run. Writes bench/report.md, bench/report.json and
 * bench/init.svg and prints the summary table. Not part of `npm test`: it takes minutes.
 *
 * Knobs (environment): BENCH_RUNS (fresh processes per variant, default 15),
 * BENCH_WARM_INVOCATIONS (default 500), BENCH_AUTHORIZER_INVOCATIONS (requests per authorizer
 * process, default 200), BENCH_LOAD_SECONDS (default 10), BENCH_SKIP_LOAD=1.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startJwksServer } from '../../src/local/cognito/jwks-server.js';
import { loadLocalIssuer } from '../../src/local/cognito/local-issuer.js';
import { startAssumeRoleStandIn } from '../../src/local/sts/assume-role.js';
import { ROOT } from '../build.js';
import { barChart } from './chart.js';
import { authorizerRow, BEFORE_COMMIT, identityJobs, JOB } from './identity.js';
import {
  idleTenantMemory,
  type LoadScenario,
  type LoadSettings,
  loadDirect,
  loadGateway,
  SCENARIOS,
  startCli,
} from './load.js';
import { lambdaEnvironment, type ProbeJob, runInterleaved } from './measure-init.js';
import type { ProbeResult } from './probe.js';
import {
  type AuthorizerSection,
  type BenchReport,
  chartBars,
  consoleTable,
  type InitFigures,
  type IsolatedCredentialsSection,
  type LoadSection,
  renderMarkdown,
  summaryRows,
  type Target,
  type VariantReport,
  type WarmFigures,
} from './report.js';
import { median, quantile } from './stats.js';
import { startCountingStore } from './store-counter.js';
import {
  buildFromCommit,
  buildProbe,
  buildVariants,
  copyBuildMatchesShipped,
  FUNCTION_KEYS,
  type FunctionKey,
  type ProbeKey,
  type SourcePatch,
  sizeOf,
  WORK_DIR,
} from './variants.js';

const started = performance.now();
const numberFromEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const RUNS = numberFromEnv('BENCH_RUNS', 15);
const WARM_PROCESSES = 3;
const WARM_INVOCATIONS = numberFromEnv('BENCH_WARM_INVOCATIONS', 500);
const AUTHORIZER_INVOCATIONS = numberFromEnv('BENCH_AUTHORIZER_INVOCATIONS', 200);
const LOAD: LoadSettings = {
  connections: 50,
  durationS: numberFromEnv('BENCH_LOAD_SECONDS', 10),
  warmupS: 2,
  maxWarmupS: 60,
};
const IDLE_TENANTS = 20;
// Room for one environment per tenant and connection, as Lambda would start them; with the
// default cap (64) the 100-tenant run would measure evictions and re-inits instead.
const CLI_ARGS = ['--in-memory', '--max-environments', '256'];
const OUT_DIR = join(ROOT, 'bench');

/** src/ changes measured on a temporary copy; the report gives the lead the exact diff. */
const PATCHES: SourcePatch[] = [
  {
    id: 'env-credentials',
    description:
      "src change: `new DynamoDBClient({ credentials: fromEnv() })` (from '@aws-sdk/credential-provider-env') instead of the default provider chain",
    file: 'store/counter-store-from-env.ts',
    edits: [
      {
        find: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        replace:
          "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { fromEnv } from '@aws-sdk/credential-provider-env';",
      },
      { find: 'new DynamoDBClient({})', replace: 'new DynamoDBClient({ credentials: fromEnv() })' },
    ],
  },
];

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const initFigures = (samples: readonly ProbeResult[], storeRequests: number[]): InitFigures => {
  const invocations = samples.reduce((sum, s) => sum + s.invokeMs.length, 0);
  return {
    samples: samples.length,
    initMs: median(samples.map((s) => s.initMs)),
    firstInvokeMs: median(samples.map((s) => s.invokeMs[0] ?? Number.NaN)),
    coldMs: median(samples.map((s) => s.initMs + (s.invokeMs[0] ?? Number.NaN))),
    bootMs: median(samples.map((s) => s.bootMs)),
    rssMb: median(samples.map((s) => s.rssMb)),
    storeRequestsPerInvocation: storeRequests.reduce((a, b) => a + b, 0) / invocations,
  };
};

const main = async (): Promise<void> => {
  log('building the variants…');
  const built = await buildVariants(PATCHES);
  const copyMatches = await copyBuildMatchesShipped('isolated');
  log(`building the isolated function of commit ${BEFORE_COMMIT} (before the broker)…`);
  const before = await buildFromCommit(BEFORE_COMMIT, 'isolated');
  if (before.status === 'skipped') log(`  not measured: ${before.reason}`);
  const probe = await buildProbe();
  const store = await startCountingStore('bench-counters');
  const envFor = (key: ProbeKey) => lambdaEnvironment(key, store);
  const sts = await startAssumeRoleStandIn();
  // The local issuer's key lives in memory only; its JWKS is served on 127.0.0.1.
  const issuer = await loadLocalIssuer(undefined);
  const jwks = await startJwksServer(issuer);

  try {
    // ---- init and cold request: every variant, fresh processes, interleaved ----
    const jobs: ProbeJob[] = built.variants.flatMap((variant) =>
      (variant.id === 'shipped' ? FUNCTION_KEYS : (['standard'] as const)).map((key) => ({
        id: `${variant.id}/${key}`,
        variant,
        key,
        invocations: 1,
      })),
    );
    // The authorizer in each identity mode and with the broker, and the isolated function
    // before and after the broker (identity.ts): in the same rounds as everything else.
    const shippedVariant = built.variants.find((variant) => variant.id === 'shipped');
    if (shippedVariant !== undefined) {
      jobs.push(
        ...(await identityJobs({
          shipped: shippedVariant,
          before: before.status === 'built' ? before.variant : undefined,
          issuer,
          jwksUrl: jwks.url,
          stsEndpoint: sts.endpoint,
          accessKeyFor: sts.accessKeyFor,
          invocations: AUTHORIZER_INVOCATIONS,
        })),
      );
    }
    const requestsPerJob = new Map<string, number[]>();
    const stsCallsPerJob = new Map<string, number>();
    let stsMark = 0;
    log(`init: ${jobs.length} jobs × ${RUNS} fresh processes, interleaved…`);
    const samples = await runInterleaved(probe, jobs, RUNS, envFor, {
      before: () => {
        store.reset();
        stsMark = sts.calls.length;
      },
      after: (job, result) => {
        if (result.failures.length > 0) {
          throw new Error(`${job.id} answered ${result.failures.join(', ')}`);
        }
        const list = requestsPerJob.get(job.id) ?? [];
        list.push(store.total());
        requestsPerJob.set(job.id, list);
        stsCallsPerJob.set(job.id, (stsCallsPerJob.get(job.id) ?? 0) + sts.calls.length - stsMark);
      },
      onRound: (round) => process.stdout.write(`  round ${round}/${RUNS}\r`),
    });
    log('');
    const figuresOf = (id: string): InitFigures | undefined => {
      const list = samples.get(id);
      return list === undefined ? undefined : initFigures(list, requestsPerJob.get(id) ?? []);
    };
    const stsPerEnvironment = (id: string): number =>
      (stsCallsPerJob.get(id) ?? 0) / Math.max(1, samples.get(id)?.length ?? 0);
    const authorizerRows = (
      [
        ['header', JOB.header],
        ['jwt', JOB.jwt],
        ['header+broker', JOB.broker],
      ] as const
    ).flatMap(([id, job]) => {
      const list = samples.get(job);
      const figures = figuresOf(job);
      if (list === undefined || figures === undefined) return [];
      return [authorizerRow(id, list, figures, stsCallsPerJob.get(job) ?? 0)];
    });
    const authorizer: AuthorizerSection | undefined =
      authorizerRows.length === 0
        ? undefined
        : {
            rows: authorizerRows,
            ...(shippedVariant === undefined ? {} : { size: sizeOf(shippedVariant, 'authorizer') }),
          };
    const afterFigures = figuresOf(JOB.after);
    const beforeFigures = figuresOf(JOB.before);
    const ownRoleFigures = figuresOf(JOB.ownRole);
    const isolatedCredentials: IsolatedCredentialsSection | undefined =
      afterFigures === undefined
        ? undefined
        : {
            commit: before.commit,
            ...(before.status === 'built' && beforeFigures !== undefined
              ? {
                  before: {
                    init: beforeFigures,
                    stsCallsPerEnvironment: stsPerEnvironment(JOB.before),
                    size: sizeOf(before.variant, 'isolated'),
                  },
                }
              : {
                  skipped: before.status === 'skipped' ? before.reason : 'no samples were recorded',
                }),
            after: {
              init: afterFigures,
              stsCallsPerEnvironment: stsPerEnvironment(JOB.after),
              ...(shippedVariant === undefined ? {} : { size: sizeOf(shippedVariant, 'isolated') }),
            },
            ...(ownRoleFigures === undefined ? {} : { ownRole: ownRoleFigures }),
            copyBuildMatchesShipped: copyMatches,
          };
    const variants: VariantReport[] = built.variants.map((variant) => ({
      id: variant.id,
      kind: variant.kind,
      description: variant.description,
      sizes: Object.fromEntries(
        FUNCTION_KEYS.flatMap((key) => {
          const size = sizeOf(variant, key);
          return size === undefined ? [] : [[key, size]];
        }),
      ),
      init: Object.fromEntries(
        FUNCTION_KEYS.flatMap((key) => {
          const list = samples.get(`${variant.id}/${key}`);
          if (list === undefined) return [];
          return [[key, initFigures(list, requestsPerJob.get(`${variant.id}/${key}`) ?? [])]];
        }),
      ),
    }));

    // ---- warm invocations, with the store's request tally per process ----
    const warmJobs: Array<ProbeJob & { key: FunctionKey }> = built.variants
      .filter((v) => v.id === 'shipped' || v.kind === 'proposal')
      .flatMap((variant) =>
        (variant.id === 'shipped' ? FUNCTION_KEYS : (['standard'] as const)).map((key) => ({
          id: `${variant.id}/${key}`,
          variant,
          key,
          invocations: WARM_INVOCATIONS,
        })),
      );
    const warmCounts = new Map<string, Record<string, number>>();
    log(
      `warm: ${warmJobs.length} × ${WARM_PROCESSES} processes × ${WARM_INVOCATIONS} invocations…`,
    );
    const warmSamples = await runInterleaved(probe, warmJobs, WARM_PROCESSES, envFor, {
      before: () => store.reset(),
      after: (job) => {
        const tally = warmCounts.get(job.id) ?? {};
        for (const [op, n] of Object.entries(store.counts())) tally[op] = (tally[op] ?? 0) + n;
        warmCounts.set(job.id, tally);
      },
    });
    const warm: WarmFigures[] = warmJobs.map((job) => {
      const list = warmSamples.get(job.id) ?? [];
      // The first invocation of each process is the cold one, reported above; warm excludes it.
      const perProcess = list.map((s) => s.invokeMs.slice(1));
      const storeRequests = warmCounts.get(job.id) ?? {};
      const requests = Object.values(storeRequests).reduce((a, b) => a + b, 0);
      return {
        key: job.key,
        variant: job.variant.id,
        processes: list.length,
        invocationsPerProcess: WARM_INVOCATIONS,
        p50Ms: median(perProcess.map((l) => quantile(l, 0.5))),
        p99Ms: median(perProcess.map((l) => quantile(l, 0.99))),
        storeRequests,
        requestsPerInvocation: requests / (list.length * WARM_INVOCATIONS),
      };
    });

    // ---- the local stack under load ----
    const shipped = built.variants.find((v) => v.id === 'shipped');
    const load: LoadSection = { status: 'pending', rows: [] };
    if (process.env.BENCH_SKIP_LOAD === '1') {
      load.reason = 'skipped (BENCH_SKIP_LOAD=1)';
    } else if (shipped !== undefined) {
      const functionsDir = join(WORK_DIR, 'shipped');
      try {
        log('local stack: idle environment memory…');
        const idleCli = await startCli(CLI_ARGS, { functionsDir });
        try {
          load.idleMemory = await idleTenantMemory(idleCli, IDLE_TENANTS);
        } finally {
          await idleCli.stop();
        }
        const cli = await startCli(CLI_ARGS, { functionsDir });
        try {
          const table =
            cli.stdout
              .map((line) => line.match(/^store: \S+ table (\S+)/)?.[1])
              .find((name) => name !== undefined) ?? 'local-tenant-counters';
          for (const scenario of SCENARIOS) {
            log(`local stack: ${scenario.id} (gateway, then direct)…`);
            const gateway = await loadGateway(cli, scenario, LOAD);
            const direct = await loadDirect(
              shipped.entry(scenario.key),
              cli.storeEndpoint,
              table,
              scenario satisfies LoadScenario,
              LOAD,
            );
            load.rows.push({
              id: scenario.id,
              key: scenario.key,
              tenants: scenario.tenants,
              gateway,
              direct,
            });
          }
        } finally {
          await cli.stop();
        }
        load.status = 'measured';
        load.settings = { ...LOAD, cliArgs: CLI_ARGS };
      } catch (error) {
        load.reason = `the local stack could not be measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        log(load.reason);
      }
    }

    // ---- targets ----
    const init = (id: string) => variants.find((v) => v.id === id)?.init.standard;
    const shippedInit = init('shipped')?.initMs ?? Number.NaN;
    const naiveInit = init('naive')?.initMs ?? Number.NaN;
    const floorInit = init('empty')?.initMs ?? Number.NaN;
    const sdkVariants = variants.filter((v) => v.kind !== 'floor');
    const perRequest = [
      ...sdkVariants.flatMap((v) => Object.values(v.init).map((i) => i.storeRequestsPerInvocation)),
      ...warm.map((w) => w.requestsPerInvocation),
    ];
    const tenants10 = load.rows.find((row) => row.id === 'isolated-10');
    const idle = load.idleMemory;
    const targets: Target[] = [
      {
        name: 'init vs naive',
        goal: '≤ 0.5×',
        actual: `${(shippedInit / naiveInit).toFixed(2)}× (${shippedInit.toFixed(1)} / ${naiveInit.toFixed(1)} ms)`,
        met: shippedInit / naiveInit <= 0.5,
      },
      {
        name: 'init vs empty handler',
        goal: '≤ 5×',
        actual: `${(shippedInit / floorInit).toFixed(2)}× (${shippedInit.toFixed(1)} / ${floorInit.toFixed(1)} ms)`,
        met: shippedInit / floorInit <= 5,
      },
      {
        name: 'DynamoDB requests per API request',
        goal: 'exactly 1',
        actual: `${Math.min(...perRequest)}–${Math.max(...perRequest)} over every build and run`,
        met: perRequest.every((n) => n === 1),
      },
      {
        name: 'gateway p50 vs direct, 10 tenants',
        goal: '≤ 1.3×',
        actual:
          tenants10 === undefined
            ? 'pending'
            : `${(tenants10.gateway.p50Ms / tenants10.direct.p50Ms).toFixed(2)}× (${tenants10.gateway.p50Ms.toFixed(1)} / ${tenants10.direct.p50Ms.toFixed(1)} ms)`,
        met:
          tenants10 === undefined
            ? undefined
            : tenants10.gateway.p50Ms / tenants10.direct.p50Ms <= 1.3,
      },
      {
        name: 'memory per idle tenant environment',
        goal: '≤ 15 MB',
        actual: idle === undefined ? 'pending' : `${idle.perEnvironmentMb.toFixed(1)} MB`,
        met: idle === undefined ? undefined : idle.perEnvironmentMb <= 15,
      },
    ];

    const cpu = cpus();
    const report: BenchReport = {
      generatedAt: new Date().toISOString(),
      machine: {
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      },
      settings: {
        runs: RUNS,
        warmProcesses: WARM_PROCESSES,
        warmInvocations: WARM_INVOCATIONS,
        authorizerInvocations: AUTHORIZER_INVOCATIONS,
      },
      variants,
      shippedEqualsLastStep: built.shippedEqualsLastStep,
      skippedProposals: built.skipped.map((p) => p.id),
      warm,
      load,
      ...(authorizer === undefined ? {} : { authorizer }),
      ...(isolatedCredentials === undefined ? {} : { isolatedCredentials }),
      targets,
      durationS: (performance.now() - started) / 1000,
    };
    mkdirSync(OUT_DIR, { recursive: true });
    const notes = readFileSync(join(ROOT, 'scripts', 'bench', 'notes.md'), 'utf8');
    writeFileSync(join(OUT_DIR, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'report.md'), renderMarkdown(report, notes));
    writeFileSync(
      join(OUT_DIR, 'init.svg'),
      barChart('Median init per environment (standard function)', 'ms', chartBars(report)),
    );
    log('');
    log(consoleTable([['what', 'shipped build', 'compared with'], ...summaryRows(report)]));
    log('');
    for (const target of targets) {
      const verdict = target.met === undefined ? 'pending' : target.met ? 'met' : 'MISSED';
      log(`target ${target.name}: ${target.goal}, measured ${target.actual} — ${verdict}`);
    }
    log(
      `\nwrote bench/report.md, bench/report.json, bench/init.svg in ${Math.round(report.durationS)} s`,
    );
  } finally {
    await jwks.close();
    await sts.close();
    await store.close();
    rmSync(WORK_DIR, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
