/**
 * How Lambda's managed Node.js runtimes start a function, as far as can be told without a Lambda
 * account: the Node binary of the runtime's major version, the flags its bootstrap passes for
 * the configured memory, and the environment it gives the process. The probes of the init
 * measurement (measure-init.ts) start exactly so.
 *
 * Sources:
 * - The bootstrap. The base images (github.com/aws/aws-lambda-base-images, one branch per
 *   runtime) ship it inside layer archives stored as Git LFS objects, which cannot be read
 *   here. The nodejs18.x image's /var/runtime/bootstrap, printed from the image in a public
 *   write-up, runs `node --expose-gc --max-http-header-size 81920 --max-semi-space-size=…
 *   --max-old-space-size=… /var/runtime/index.mjs` with, from AWS_LAMBDA_FUNCTION_MEMORY_SIZE
 *   in MB, `new_space = memory / 10`, `semi_space = new_space / 2`, `old_space = memory -
 *   new_space` (shell integer division). A 2026 analysis of the nodejs24.x runtime
 *   (dev.to/wonderfulsoap, "Deep Dive into AWS Lambda (3): Official Node.js Runtime Analysis")
 *   shows the same start: `new_space = AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 10`, the same two
 *   flags, skipped when NODE_OPTIONS already sets either. nodejs22.x is assumed to match.
 *   The bootstrap also sets NODE_PATH and NODE_EXTRA_CA_CERTS (/var/runtime/ca-cert.pem);
 *   NODE_PATH is given here, the CA file does not exist outside Lambda and only matters for
 *   TLS, which the bench does not do.
 * - The environment: "Defined runtime environment variables" in the Lambda Developer Guide
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime):
 *   _HANDLER, AWS_REGION, AWS_EXECUTION_ENV (AWS_Lambda_nodejs22.x, …), AWS_LAMBDA_FUNCTION_*,
 *   AWS_LAMBDA_INITIALIZATION_TYPE, AWS_LAMBDA_LOG_*, the role's AWS_ACCESS_KEY_ID /
 *   AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, LAMBDA_TASK_ROOT=/var/task,
 *   LAMBDA_RUNTIME_DIR=/var/runtime, TZ=:UTC, LANG=en_US.UTF-8, PATH, LD_LIBRARY_PATH;
 *   _X_AMZN_TRACE_ID is set by the runtime for each invocation. NODE_OPTIONS is not set.
 */
import { execFileSync } from 'node:child_process';

/** lambda_memory_size's default in variables.tf. */
export const DEFAULT_MEMORY_MB = 256;

/**
 * The flags Lambda's Node.js bootstrap passes for `memoryMb` (AWS_LAMBDA_FUNCTION_MEMORY_SIZE),
 * with its shell arithmetic (integer division): a tenth of the memory for V8's young
 * generation, as two semi-spaces of half that each, and the rest for the old generation.
 * 256 MB gives --max-semi-space-size=12 --max-old-space-size=231.
 */
export const lambdaNodeFlags = (memoryMb: number): string[] => {
  const newSpace = Math.floor(memoryMb / 10);
  const semiSpace = Math.floor(newSpace / 2);
  const oldSpace = memoryMb - newSpace;
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${semiSpace}`,
    `--max-old-space-size=${oldSpace}`,
  ];
};

/** One way of starting the probe processes: a Node binary, its flags and Lambda's runtime id. */
export interface ProbeRuntime {
  /** Unique id in the report, e.g. `nodejs22.x` (Lambda's flags) or `node22-no-flags`. */
  id: string;
  /** The Lambda runtime it stands for (AWS_EXECUTION_ENV = `AWS_Lambda_<runtime>`). */
  lambdaRuntime: 'nodejs22.x' | 'nodejs24.x';
  /** Absolute path of the Node binary (not reported). */
  node: string;
  nodeVersion: string;
  flags: string[];
  memoryMb: number;
  /** True when started as Lambda starts it; false for a comparison without Lambda's flags. */
  lambdaFlags: boolean;
}

export const runtimeLabel = (runtime: Pick<ProbeRuntime, 'nodeVersion' | 'flags'>): string =>
  `Node ${runtime.nodeVersion}, ${runtime.flags.length === 0 ? 'no flags' : runtime.flags.join(' ')}`;

export const shortRuntimeLabel = (
  runtime: Pick<ProbeRuntime, 'nodeVersion' | 'lambdaFlags' | 'memoryMb'>,
): string =>
  `Node ${runtime.nodeVersion}, ${runtime.lambdaFlags ? `Lambda's flags for ${runtime.memoryMb} MB` : 'no flags'}`;

/**
 * The Node binary of a major version: this process's own when it matches, else the one npm's
 * `node` package provides (`npx -y -p node@<major> -- node`), as CI does. Undefined (with the
 * reason) when neither is available.
 */
export const nodeBinary = (
  major: number,
): { node: string; version: string } | { reason: string } => {
  if (Number(process.versions.node.split('.')[0]) === major) {
    return { node: process.execPath, version: process.versions.node };
  }
  try {
    const out = execFileSync(
      'npx',
      ['-y', '-p', `node@${major}`, '--', 'node', '-p', 'process.execPath + " " + process.version'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 },
    ).trim();
    const [node, version] = out.split('\n').pop()?.split(' ') ?? [];
    if (node === undefined || version === undefined) return { reason: `npx printed ${out}` };
    return { node, version: version.replace(/^v/, '') };
  } catch (error) {
    return {
      reason: `npx -p node@${major} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    };
  }
};

/** Lambda's environment for a function on `runtime`, without the function's own variables. */
export const lambdaBaseEnvironment = (
  runtime: Pick<ProbeRuntime, 'lambdaRuntime' | 'memoryMb'>,
  functionName: string,
): Record<string, string> => ({
  PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
  LD_LIBRARY_PATH:
    '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
  LANG: 'en_US.UTF-8',
  TZ: ':UTC',
  LAMBDA_TASK_ROOT: '/var/task',
  LAMBDA_RUNTIME_DIR: '/var/runtime',
  NODE_PATH: `/opt/nodejs/node${runtime.lambdaRuntime.slice(6, 8)}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task`,
  _HANDLER: 'index.handler',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  // Lambda hands the execution role's credentials over as these three variables.
  AWS_ACCESS_KEY_ID: 'ASIABENCHMARKEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench/secret/access/key/example/0000000',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_EXECUTION_ENV: `AWS_Lambda_${runtime.lambdaRuntime}`,
  AWS_LAMBDA_FUNCTION_NAME: functionName,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(runtime.memoryMb),
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
  AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
  // Set by the runtime per invocation; the SDK forwards it as X-Amzn-Trace-Id.
  _X_AMZN_TRACE_ID: 'Root=1-67890abc-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
});
