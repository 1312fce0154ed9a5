/**
 * `npm start`: the whole API on 127.0.0.1 with real per-tenant execution environments.
 * Mistakes (a bad flag, a port in use, a data dir another npm start uses) are one line on stderr
 * and exit code 1; Ctrl-C or SIGTERM closes idle and stalled connections, lets requests in flight
 * finish (for at most the bound the stop message names), flushes the store and exits 0.
 */
import { FUNCTIONS, ROUTE_KEYS } from './lambda/functions.js';
import { silenceSdkNodeVersionWarning } from './lambda/sdk-node-warning.js';
import { type LocalStack, StartError, startLocalStack } from './local-stack.js';
import {
  type LocalOptions,
  OptionsError,
  parseOptions,
  TERRAFORM_DEFAULTS,
  USAGE,
} from './options.js';

silenceSdkNodeVersionWarning();

/**
 * The functions run on Lambda's `lambda_runtime`; locally they run on this Node. Say once when
 * the major versions differ, since a difference in Node itself would then go unnoticed here.
 */
const runtimeMismatch = (): string | undefined => {
  const runtimeMajor = /^nodejs(\d+)\.x$/.exec(TERRAFORM_DEFAULTS.lambdaRuntime)?.[1];
  const localMajor = process.versions.node.split('.')[0];
  return runtimeMajor === undefined || runtimeMajor === localMajor
    ? undefined
    : `warning: Node.js ${process.versions.node} runs the functions here; lambda_runtime is ${TERRAFORM_DEFAULTS.lambdaRuntime}`;
};

const out = {
  stdout: (line: string) => process.stdout.write(`${line}\n`),
  stderr: (line: string) => process.stderr.write(`${line}\n`),
};

const fail = (message: string): never => {
  out.stderr(`npm start: ${message}`);
  process.exit(1);
};

const storeWhere = (options: LocalOptions): string => {
  if (options.storeEndpoint !== undefined) return 'external, --store-endpoint';
  return options.dataDir === undefined ? 'in memory' : `data in ${options.dataDir}`;
};

/** The tenants of the README's walkthrough. */
const EXAMPLE_TENANTS = ['Tenant-1', 'Tenant-2'];

const authorizedRoutes = (options: LocalOptions): string =>
  ROUTE_KEYS.filter((key) =>
    (FUNCTIONS[key].authorizedIn as readonly string[]).includes(options.identity),
  )
    .map((key) => `GET /${key}`)
    .join(', ');

/** The curl lines of the walkthrough: a header per tenant, or a token per tenant in jwt mode. */
const tryIt = async (stack: LocalStack): Promise<string[]> => {
  const credentials = await Promise.all(
    EXAMPLE_TENANTS.map(async (tenant) =>
      stack.issuer === undefined
        ? `x-tenant-id: ${tenant}`
        : `Authorization: Bearer ${await stack.issuer.sign(tenant)}`,
    ),
  );
  return [
    ...(stack.issuer === undefined
      ? []
      : [
          `Tokens of the local issuer (${EXAMPLE_TENANTS.join(', ')}); more with: npm run -s token -- <tenant-id>`,
          '',
        ]),
    ...ROUTE_KEYS.flatMap((key) =>
      credentials.map((header) => `  curl -H "${header}" "${stack.urls[key]}"`),
    ),
  ];
};

const banner = async (stack: LocalStack, options: LocalOptions): Promise<string[]> => [
  '',
  'Outputs (named as `terraform output` names them):',
  '',
  ...ROUTE_KEYS.map((key) => `${FUNCTIONS[key].urlOutput} = ${stack.urls[key]}`),
  '',
  'Try it:',
  '',
  ...(await tryIt(stack)),
  '',
  `functions: ${stack.functionNames.join(', ')} (timeout ${options.timeoutMs / 1000} s, memory ${options.memoryMb} MB, concurrency ${options.concurrency} each)`,
  options.authorizer
    ? `authorizer: ${options.identity === 'jwt' ? 'token' : 'tenant id'} authorizer on ${authorizedRoutes(options)}, answers cached ${options.authorizerCacheTtlMs / 1000} s per ${options.identity === 'jwt' ? 'token' : 'x-tenant-id'}`
    : 'authorizer: off (--no-authorizer): X-Amz-Tenant-Id is mapped from the raw x-tenant-id header',
  options.tenantScopedCredentials
    ? 'tenant credentials: brokered by the authorizer from the local AssumeRole stand-in'
    : 'tenant credentials: off (--no-tenant-scoped-credentials): the isolated function writes with its own',
  `environments: at most ${options.maxEnvironments} live, idle ones stopped after ${options.idleTimeoutMs / 1000} s`,
  `store: ${stack.storeEndpoint} table ${stack.table} (${storeWhere(options)})`,
  'Ctrl-C stops.',
  '',
];

const main = async (): Promise<void> => {
  let options: LocalOptions;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof OptionsError) fail(error.message);
    throw error;
  }
  if (options.help) {
    out.stdout(USAGE);
    return;
  }
  let stack: LocalStack;
  try {
    stack = await startLocalStack(options, out);
  } catch (error) {
    if (error instanceof StartError) fail(error.message);
    throw error;
  }
  for (const line of await banner(stack, options)) out.stdout(line);
  const mismatch = runtimeMismatch();
  if (mismatch !== undefined) out.stderr(mismatch);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C means now: skip the wait for requests in flight.
      out.stderr(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    out.stdout(
      `${signal}: closing idle and stalled connections, finishing requests in flight (at most ${stack.shutdownBoundMs / 1000} s), then stopping…`,
    );
    stack.close().then(
      () => {
        out.stdout('stopped');
        process.exit(0);
      },
      (error: unknown) =>
        fail(`stop failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
