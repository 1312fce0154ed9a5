/**
 * Init and latency in fresh processes: each sample is one new Node process (a new execution
 * environment) that imports a handler module and invokes it. Variants run interleaved —
 * A, B, C, D, A, B, C, D, … — so a burst of machine noise hits every variant alike instead of
 * whichever happened to run during it.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { lambdaBaseEnvironment, type ProbeRuntime } from './lambda-runtime.js';
import type { ProbeResult } from './probe.js';
import type { ProbeKey, Variant } from './variants.js';

/**
 * What Lambda and Terraform put in a function's environment on `runtime` (lambda-runtime.ts),
 * with dummy credentials, and TABLE_NAME. Nothing is inherited from the bench process: no
 * AWS_PROFILE, ~/.aws or NODE_OPTIONS of ours may reach the SDK under test. HOME points at an
 * empty scratch directory, so the shared config files the SDK may look for are absent, as in
 * Lambda. The authorizer uses no table, so main.tf gives it no TABLE_NAME, and it gets no store
 * endpoint either.
 */
export const lambdaEnvironment = (
  runtime: ProbeRuntime,
  key: ProbeKey,
  store: { endpoint: string; table: string },
  home: string,
): Record<string, string> => ({
  ...lambdaBaseEnvironment(runtime, `bench-${key}`),
  HOME: home,
  ...(key === 'authorizer'
    ? {}
    : {
        TABLE_NAME: store.table,
        // The one addition to Lambda's environment: where the embedded store listens.
        AWS_ENDPOINT_URL_DYNAMODB: store.endpoint,
      }),
});

const runProbe = (
  probe: string,
  runtime: ProbeRuntime,
  entry: string,
  key: ProbeKey,
  invocations: number,
  env: Record<string, string>,
  scenario: string | undefined,
): Promise<ProbeResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      runtime.node,
      [
        ...runtime.flags,
        probe,
        pathToFileURL(entry).href,
        key,
        String(invocations),
        ...(scenario === undefined ? [] : [scenario]),
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(
          new Error(
            `probe of ${entry} on ${runtime.id} exited with ${code}: ${stderr.slice(-2000)}`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line) as ProbeResult);
    });
  });

export interface ProbeJob {
  /** Unique name of the job in the results. */
  id: string;
  variant: Variant;
  /** The Node binary and flags the probe starts with. */
  runtime: ProbeRuntime;
  key: ProbeKey;
  invocations: number;
  /** Extra environment for this job, over the function's Lambda environment. */
  env?: Record<string, string>;
  /** A ProbeScenario JSON file (probe.ts): the events to invoke with; the default REST event without. */
  scenario?: string;
}

/** `runs` rounds; in each, every job once, in order. Returns the samples per job id. */
export const runInterleaved = async (
  probe: string,
  jobs: readonly ProbeJob[],
  runs: number,
  envFor: (runtime: ProbeRuntime, key: ProbeKey) => Record<string, string>,
  hooks: {
    /** Before each probe (e.g. reset the store's request tally). */
    before?: (job: ProbeJob) => void;
    /** After each probe, with its result. */
    after?: (job: ProbeJob, result: ProbeResult) => void;
    onRound?: (round: number) => void;
  } = {},
): Promise<Map<string, ProbeResult[]>> => {
  const samples = new Map<string, ProbeResult[]>(jobs.map((job) => [job.id, []]));
  for (let round = 0; round < runs; round += 1) {
    for (const job of jobs) {
      hooks.before?.(job);
      const result = await runProbe(
        probe,
        job.runtime,
        job.variant.entry(job.key),
        job.key,
        job.invocations,
        { ...envFor(job.runtime, job.key), ...job.env },
        job.scenario,
      );
      samples.get(job.id)?.push(result);
      hooks.after?.(job, result);
    }
    hooks.onRound?.(round + 1);
  }
  return samples;
};
