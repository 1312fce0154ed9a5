/**
 * `npm start`: the whole API on 127.0.0.1 with real per-tenant execution environments.
 * Mistakes (a bad flag, a port in use) are one line on stderr and exit code 1; Ctrl-C or SIGTERM
 * lets requests in flight finish, flushes the store and exits 0.
 */
import { buildAll, DIST_DIR } from '../../scripts/build.js';
import { distIsStale } from './build-if-stale.js';
import { type LocalStack, StartError, startLocalStack } from './local-stack.js';
import { type LocalOptions, OptionsError, parseOptions, USAGE } from './options.js';
import { silenceSdkNodeVersionWarning } from './sdk-node-warning.js';

silenceSdkNodeVersionWarning();

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

const banner = (stack: LocalStack, options: LocalOptions): string[] => [
  '',
  'Outputs (named as `terraform output` names them):',
  '',
  `standard_multi_tenant_api_endpoint_url = ${stack.urls.standard}`,
  `isolated_tenant_api_endpoint_url = ${stack.urls.isolated}`,
  '',
  'Try it:',
  '',
  `  curl -H "x-tenant-id: Tenant-1" "${stack.urls.standard}"`,
  `  curl -H "x-tenant-id: Tenant-2" "${stack.urls.standard}"`,
  `  curl -H "x-tenant-id: Tenant-1" "${stack.urls.isolated}"`,
  `  curl -H "x-tenant-id: Tenant-2" "${stack.urls.isolated}"`,
  '',
  `functions: ${stack.functionNames.join(', ')} (timeout ${options.timeoutMs / 1000} s, memory ${options.memoryMb} MB, concurrency ${options.concurrency} each)`,
  options.authorizer
    ? `authorizer: tenant id authorizer on GET /isolated, answers cached ${options.authorizerCacheTtlMs / 1000} s per x-tenant-id`
    : 'authorizer: off (--no-authorizer): X-Amz-Tenant-Id is mapped from the raw x-tenant-id header',
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
  if (options.functionsDir === undefined && distIsStale(DIST_DIR)) {
    out.stdout('dist/ is missing or older than src/: building…');
    await buildAll();
  }
  let stack: LocalStack;
  try {
    stack = await startLocalStack(options, out);
  } catch (error) {
    if (error instanceof StartError) fail(error.message);
    throw error;
  }
  for (const line of banner(stack, options)) out.stdout(line);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C means now: skip the wait for requests in flight.
      out.stderr(`${signal} again: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    out.stdout(`${signal}: finishing requests in flight, then stopping…`);
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
