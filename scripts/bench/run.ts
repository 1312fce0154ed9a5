/**
 * `npm run bench`: cold start and per-request cost of the handlers, every figure beside
 * baselines measured in the same run. Writes bench/report.md, bench/report.json and
 * bench/init.svg and prints the summary table. Not part of `npm test`: it takes minutes.
 *
 * The init and cold-request probes start as Lambda starts a function (lambda-runtime.ts): the
 * Node binary of nodejs22.x and of nodejs24.x (this machine's own when it matches, else npm's
 * `node` package through npx), with the flags Lambda's bootstrap passes for the memory, in
 * Lambda's environment. Node 22 without those flags runs a few jobs for comparison.
 *
 * Knobs (environment): BENCH_RUNS (fresh processes per variant, default 15),
 * BENCH_MEMORY_MB (default 256, variables.tf's lambda_memory_size), BENCH_WARM_INVOCATIONS
 * (default 500), BENCH_AUTHORIZER_INVOCATIONS (requests per authorizer process, default 200),
 * BENCH_LOAD_SECONDS (default 10), BENCH_SKIP_LOAD=1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startJwksServer } from '../../src/local/cognito/jwks-server.js';
import { loadLocalIssuer } from '../../src/local/cognito/local-issuer.js';
import { startAssumeRoleStandIn } from '../../src/local/sts/assume-role.js';
import { ROOT } from '../build.js';
import { barChart } from './chart.js';
import type { ClientConfigCheck } from './client-config-check.js';
import { authorizerRow, BEFORE_COMMIT, identityJobs, JOB } from './identity.js';
import {
  DEFAULT_MEMORY_MB,
  lambdaBaseEnvironment,
  lambdaNodeFlags,
  nodeBinary,
  type ProbeRuntime,
} from './lambda-runtime.js';
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
  chartTitle,
  consoleTable,
  type InitFigures,
  type IsolatedCredentialsSection,
  type LoadSection,
  type RuntimeReport,
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
  type Variant,
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
// The load phase measures the stack itself: no stage throttling (its 50 rps would cap it).
const CLI_ARGS = ['--in-memory', '--max-environments', '256', '--throttle-rate', '0'];
const OUT_DIR = join(ROOT, 'bench');

/** src/ changes measured on a temporary copy; the report gives the lead the exact diff. */
const PATCHES: SourcePatch[] = [];

const MEMORY_MB = numberFromEnv('BENCH_MEMORY_MB', DEFAULT_MEMORY_MB);
/** The runtime the goal is set for, and the one the authorizer and warm jobs run on. */
const PRIMARY_RUNTIME = 'nodejs22.x';
/** Builds also run without Lambda's flags (standard function only), to show what the flags cost. */
const EVERY_RUNTIME = new Set(['empty', 'reference', 'shipped']);
/** A V8 code cache, measured but not shipped (the report says why): primary runtime only. */
const COMPILE_CACHE_JOB = 'compile-cache';

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

/** The probe runtimes: Node 22 and 24 as Lambda starts them, and Node 22 without the flags. */
const probeRuntimes = (): {
  runtimes: ProbeRuntime[];
  skipped: { id: string; reason: string }[];
} => {
  const runtimes: ProbeRuntime[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const major of [22, 24] as const) {
    const lambdaRuntime = `nodejs${major}.x` as const;
    const binary = nodeBinary(major);
    if ('reason' in binary) {
      skipped.push({ id: lambdaRuntime, reason: binary.reason });
      continue;
    }
    const common = { lambdaRuntime, node: binary.node, nodeVersion: binary.version };
    runtimes.push({
      ...common,
      id: lambdaRuntime,
      flags: lambdaNodeFlags(MEMORY_MB),
      memoryMb: MEMORY_MB,
      lambdaFlags: true,
    });
    if (major === 22) {
      runtimes.push({
        ...common,
        id: 'node22-no-flags',
        flags: [],
        memoryMb: MEMORY_MB,
        lambdaFlags: false,
      });
    }
  }
  return { runtimes, skipped };
};

const runtimeReport = (runtime: ProbeRuntime): RuntimeReport => ({
  id: runtime.id,
  lambdaRuntime: runtime.lambdaRuntime,
  nodeVersion: runtime.nodeVersion,
  flags: runtime.flags,
  memoryMb: runtime.memoryMb,
  lambdaFlags: runtime.lambdaFlags,
});

const jobId = (runtime: string, variant: string, key: string): string =>
  `${runtime}/${variant}/${key}`;

/** client-config-check.ts in a child process with `env`; undefined with the reason if it fails. */
const checkClientConfig = (env: Record<string, string>): ClientConfigCheck | string => {
  try {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'client-config-check.ts')],
      { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
    return JSON.parse(out.trim().split('\n').pop() ?? '') as ClientConfigCheck;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    return `the check failed: ${stderr?.trim().split('\n').pop() ?? String(error)}`;
  }
};

const main = async (): Promise<void> => {
  log('resolving the Node binaries (npx -p node@22 / node@24)…');
  const { runtimes, skipped: skippedRuntimes } = probeRuntimes();
  for (const s of skippedRuntimes) log(`  ${s.id} not measured: ${s.reason}`);
  const primary = runtimes.find((r) => r.id === PRIMARY_RUNTIME) ?? runtimes[0];
  if (primary === undefined) throw new Error('no Node 22 or 24 binary: nothing to measure');
  log('building the variants…');
  const built = await buildVariants(PATCHES);
  const copyMatches = await copyBuildMatchesShipped('isolated');
  log(`building the isolated function of commit ${BEFORE_COMMIT} (before the broker)…`);
  const before = await buildFromCommit(BEFORE_COMMIT, 'isolated');
  if (before.status === 'skipped') log(`  not measured: ${before.reason}`);
  const probe = await buildProbe();
  const store = await startCountingStore('bench-counters');
  const home = join(WORK_DIR, 'home');
  mkdirSync(home, { recursive: true });
  const envFor = (runtime: ProbeRuntime, key: ProbeKey) =>
    lambdaEnvironment(runtime, key, store, home);
  log('checking the explicit client configuration against the SDK’s own resolution…');
  const clientConfigChecks = [false, true].map((withEndpoint) =>
    checkClientConfig({
      ...lambdaBaseEnvironment(primary, 'bench-standard'),
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      ...(withEndpoint ? { AWS_ENDPOINT_URL_DYNAMODB: store.endpoint } : {}),
    }),
  );
  const sts = await startAssumeRoleStandIn();
  // The local issuer's key lives in memory only; its JWKS is served on 127.0.0.1.
  const issuer = await loadLocalIssuer(undefined);
  const jwks = await startJwksServer(issuer);

  try {
    // ---- init and cold request: every variant and runtime, fresh processes, interleaved ----
    const keysOf = (variant: Variant): readonly FunctionKey[] =>
      variant.id === 'shipped' ? FUNCTION_KEYS : (['standard'] as const);
    const jobs: ProbeJob[] = runtimes.flatMap((runtime) =>
      built.variants
        .filter((variant) => runtime.lambdaFlags || EVERY_RUNTIME.has(variant.id))
        .flatMap((variant) =>
          keysOf(variant)
            .filter((key) => runtime.lambdaFlags || key === 'standard')
            .map((key) => ({
              id: jobId(runtime.id, variant.id, key),
              variant,
              runtime,
              key,
              invocations: 1,
            })),
        ),
    );
    const shippedVariant = built.variants.find((variant) => variant.id === 'shipped');
    // A V8 code cache for the shipped bundle (Node's compile cache, primed once below): what it
    // would give if Lambda could keep one, which it cannot (report notes).
    const compileCacheDir = join(WORK_DIR, 'compile-cache');
    if (shippedVariant !== undefined) {
      jobs.push({
        id: jobId(primary.id, COMPILE_CACHE_JOB, 'standard'),
        variant: shippedVariant,
        runtime: primary,
        key: 'standard',
        invocations: 1,
        env: { NODE_COMPILE_CACHE: compileCacheDir },
      });
    }
    // The authorizer in each identity mode and with the broker, and the isolated function
    // before and after the broker (identity.ts): in the same rounds as everything else.
    if (shippedVariant !== undefined) {
      jobs.push(
        ...(await identityJobs({
          runtime: primary,
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
    const cacheJob = jobs.find(
      (job) => job.id === jobId(primary.id, COMPILE_CACHE_JOB, 'standard'),
    );
    let compileCacheFiles = 0;
    if (cacheJob !== undefined) {
      await runInterleaved(probe, [cacheJob], 1, envFor);
      compileCacheFiles = existsSync(compileCacheDir)
        ? readdirSync(compileCacheDir, { recursive: true }).length
        : 0;
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
    const ownRoleFigures = figuresOf(jobId(primary.id, 'shipped', 'isolated'));
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
        runtimes.map((runtime) => [
          runtime.id,
          Object.fromEntries(
            FUNCTION_KEYS.flatMap((key) => {
              const figures = figuresOf(jobId(runtime.id, variant.id, key));
              return figures === undefined ? [] : [[key, figures]];
            }),
          ),
        ]),
      ),
    }));
    const compileCache = figuresOf(jobId(primary.id, COMPILE_CACHE_JOB, 'standard'));

    // ---- warm invocations, with the store's request tally per process ----
    const warmJobs: Array<ProbeJob & { key: FunctionKey }> = built.variants
      .filter((v) => v.id === 'shipped' || v.kind === 'proposal')
      .flatMap((variant) =>
        keysOf(variant).map((key) => ({
          id: `${variant.id}/${key}`,
          variant,
          runtime: primary,
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
    const initOn = (runtime: string, id: string) =>
      variants.find((v) => v.id === id)?.init[runtime]?.standard;
    const shippedFig = initOn(primary.id, 'shipped');
    const shippedInit = shippedFig?.initMs ?? Number.NaN;
    const naiveInit = initOn(primary.id, 'naive')?.initMs ?? Number.NaN;
    const floorInit = initOn(primary.id, 'empty')?.initMs ?? Number.NaN;
    const shippedCold = shippedFig?.coldMs ?? Number.NaN;
    const referenceCold = initOn(primary.id, 'reference')?.coldMs ?? Number.NaN;
    const label = `Node ${primary.nodeVersion}, Lambda's flags`;
    const sdkVariants = variants.filter((v) => v.kind !== 'floor' && v.kind !== 'reference');
    const perRequest = [
      ...sdkVariants.flatMap((v) =>
        Object.values(v.init).flatMap((byKey) =>
          Object.values(byKey).map((i) => i.storeRequestsPerInvocation),
        ),
      ),
      ...warm.map((w) => w.requestsPerInvocation),
    ];
    const tenants10 = load.rows.find((row) => row.id === 'isolated-10');
    const idle = load.idleMemory;
    const targets: Target[] = [
      {
        name: `cold request vs reference (${label})`,
        goal: '≤ 2.0×',
        actual: `${(shippedCold / referenceCold).toFixed(2)}× (${shippedCold.toFixed(1)} / ${referenceCold.toFixed(1)} ms)`,
        met: shippedCold / referenceCold <= 2,
      },
      {
        name: `init vs naive (${label})`,
        goal: '≤ 0.5×',
        actual: `${(shippedInit / naiveInit).toFixed(2)}× (${shippedInit.toFixed(1)} / ${naiveInit.toFixed(1)} ms)`,
        met: shippedInit / naiveInit <= 0.5,
      },
      {
        name: `init vs empty handler (${label})`,
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
      runtimes: runtimes.map(runtimeReport),
      primaryRuntime: primary.id,
      skippedRuntimes,
      clientConfigChecks: clientConfigChecks.map((check) =>
        typeof check === 'string' ? { error: check } : check,
      ),
      ...(compileCache === undefined
        ? {}
        : { compileCache: { init: compileCache, cacheFiles: compileCacheFiles } }),
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
    writeFileSync(join(OUT_DIR, 'init.svg'), barChart(chartTitle(report), 'ms', chartBars(report)));
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
