/**
 * The whole API on one machine: the embedded store, the Lambda service with its execution
 * environments, and the gateway, started in that order and stopped in the reverse one.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { AuthorizerConfig } from '../config/authorizer-config.js';
import { LAMBDA_INIT_TIMEOUT_MS, ROLE_CHAINING_SESSION_SECONDS } from './aws-limits.js';
import { startJwksServer } from './cognito/jwks-server.js';
import {
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  LOCAL_TENANT_CLAIM,
  type LocalIssuer,
  loadLocalIssuer,
} from './cognito/local-issuer.js';
import { LOCAL_ACCOUNT_ID, LOCAL_HOST, LOCAL_PREFIX } from './constants.js';
import {
  DataDirInUseError,
  type EmbeddedDynamoDb,
  localStoreClient,
  startEmbeddedDynamoDb,
} from './dynamodb/embedded-dynamodb.js';
import { ensureCountersTable, tableName } from './dynamodb/table.js';
import { refusalsFor } from './gateway/answers.js';
import { AUTHORIZER_MAX_ENVIRONMENTS, RouteAuthorizer } from './gateway/authorizer.js';
import { formatFunctionLine } from './gateway/request-log.js';
import { createGateway } from './gateway/server.js';
import { StageThrottle } from './gateway/throttle.js';
import {
  AUTHORIZER_FUNCTION,
  bundlePath,
  DEFAULT_FUNCTIONS_DIR,
  FUNCTIONS,
  type FunctionKey,
  functionName,
  ROUTE_KEYS,
  type RouteKey,
} from './lambda/functions.js';
import { LambdaService } from './lambda/service.js';
import type { LocalOptions } from './options.js';
import { startAssumeRoleStandIn } from './sts/assume-role.js';
import { buildWorkerEntries } from './worker-entries.js';

/** A failure the CLI reports in one line, without a stack trace. */
export class StartError extends Error {
  override readonly name = 'StartError';
}

export interface LocalStack {
  /** Each route's URL, keyed by function. */
  urls: Record<RouteKey, string>;
  storeEndpoint: string;
  table: string;
  functionNames: string[];
  /** The local token issuer, in jwt mode. */
  issuer: LocalIssuer | undefined;
  /** How long `close` waits at most for the requests being answered (see shutdownBoundMs). */
  shutdownBoundMs: number;
  /**
   * Stops taking requests, closes idle and stalled connections at once, lets the requests being
   * answered finish (for at most `shutdownBoundMs`), stops environments, flushes the store.
   */
  close(): Promise<void>;
}

/** What the gateway needs beyond the longest invoke: its own steps, and writing the answer. */
const SHUTDOWN_MARGIN_MS = 2_000;

/**
 * The longest a request can still take once its body is in, which bounds how long a shutdown
 * waits: the authorizer (where there is one) runs first, an init of at most the init limit and
 * an invoke of at most the function timeout; then the integration, whose answer API Gateway
 * gives by the integration timeout at the latest; plus a margin. Only an authorizer invoke that
 * first waits for an environment (at the environment cap) can take longer; it is cut at the bound.
 */
export const shutdownBoundMs = (
  options: Pick<LocalOptions, 'authorizer' | 'timeoutMs' | 'integrationTimeoutMs'>,
): number =>
  (options.authorizer ? LAMBDA_INIT_TIMEOUT_MS + options.timeoutMs : 0) +
  options.integrationTimeoutMs +
  SHUTDOWN_MARGIN_MS;

export const startLocalStack = async (
  options: LocalOptions,
  out: { stdout: (line: string) => void; stderr: (line: string) => void },
): Promise<LocalStack> => {
  const functionsDir = resolve(options.functionsDir ?? DEFAULT_FUNCTIONS_DIR);
  // The routes' functions, and the tenant id authorizer when it is on.
  const functionKeys: FunctionKey[] = options.authorizer
    ? [...ROUTE_KEYS, AUTHORIZER_FUNCTION]
    : [...ROUTE_KEYS];
  for (const key of functionKeys) {
    if (!existsSync(bundlePath(key, functionsDir))) {
      throw new StartError(`no bundle for function "${key}" at ${bundlePath(key, functionsDir)}`);
    }
  }
  const entries = await buildWorkerEntries();
  const table = tableName(LOCAL_PREFIX);
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const store = await (options.storeEndpoint === undefined
    ? startEmbeddedDynamoDb({ dataDir, table, threadUrl: entries.storeThread }).catch(
        (error: unknown) => {
          if (error instanceof DataDirInUseError) {
            const pid = error.holderPid === undefined ? '' : ` (pid ${error.holderPid})`;
            throw new StartError(
              `the data dir ${options.dataDir} is in use by another npm start${pid}: stop it, or use --data-dir <another dir> or --in-memory`,
            );
          }
          const reason = error instanceof Error ? error.message : String(error);
          throw new StartError(`the store could not start in ${dataDir ?? 'memory'}: ${reason}`);
        },
      )
    : useExternalStore(options.storeEndpoint, table));
  // Identity and credentials, as main.tf configures the authorizer.
  const issuer = options.identity === 'jwt' ? await loadLocalIssuer(dataDir) : undefined;
  const jwks = issuer === undefined ? undefined : await startJwksServer(issuer);
  const sts = options.tenantScopedCredentials ? await startAssumeRoleStandIn() : undefined;
  const identity: AuthorizerConfig['identity'] =
    jwks === undefined
      ? { mode: 'header' }
      : {
          mode: 'jwt',
          issuer: LOCAL_ISSUER,
          audience: LOCAL_CLIENT_ID,
          jwksUrl: new URL(jwks.url),
          tenantClaim: LOCAL_TENANT_CLAIM,
        };
  // main.tf: the credentials must outlast a cached answer plus one function run.
  const minValiditySeconds = options.authorizerCacheTtlMs / 1000 + options.timeoutMs / 1000;
  const broker =
    sts === undefined
      ? undefined
      : {
          roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${LOCAL_PREFIX}-tenant-data`,
          // main.tf's local.tenant_session_seconds: twice the validity, within STS's bounds.
          sessionSeconds: Math.min(
            ROLE_CHAINING_SESSION_SECONDS.max,
            Math.max(ROLE_CHAINING_SESSION_SECONDS.min, 2 * Math.ceil(minValiditySeconds)),
          ),
          minValiditySeconds: Math.ceil(minValiditySeconds),
          stsEndpoint: sts.endpoint,
        };
  const limits = {
    maxEnvironments: options.maxEnvironments,
    concurrency: options.concurrency,
    idleTimeoutMs: options.idleTimeoutMs,
  };
  const settings = {
    prefix: LOCAL_PREFIX,
    table,
    storeEndpoint: store.endpoint,
    functionsDir,
    memoryMb: options.memoryMb,
    timeoutMs: options.timeoutMs,
    authorizer: { identity, ...(broker === undefined ? {} : { broker }) },
    runtimeUrl: entries.lambdaRuntime,
    functionLog: (id: string, stream: 'stdout' | 'stderr', line: string) =>
      (stream === 'stdout' ? out.stdout : out.stderr)(formatFunctionLine(id, line)),
  };
  const lambda = new LambdaService({ ...settings, limits });
  // The authorizer is a function of its own, so its environments are a pool of their own: they
  // never take a tenant's place under --max-environments (see AUTHORIZER_MAX_ENVIRONMENTS).
  const authorizerLambda = options.authorizer
    ? new LambdaService({
        ...settings,
        limits: {
          ...limits,
          maxEnvironments: Math.min(options.maxEnvironments, AUTHORIZER_MAX_ENVIRONMENTS),
        },
      })
    : undefined;
  const gateway = createGateway({
    stage: options.stage,
    throttle: new StageThrottle(options.throttle),
    lambda,
    integrationTimeoutMs: options.integrationTimeoutMs,
    identity: options.identity,
    // One authorizer per authorized route, each with a cache of its own, as in main.tf.
    authorizers: Object.fromEntries(
      authorizerLambda === undefined
        ? []
        : ROUTE_KEYS.filter((key) =>
            (FUNCTIONS[key].authorizedIn as readonly string[]).includes(options.identity),
          ).map((key) => [
            key,
            new RouteAuthorizer({
              lambda: authorizerLambda,
              ttlMs: options.authorizerCacheTtlMs,
              identityHeader: options.identity === 'jwt' ? 'authorization' : 'x-tenant-id',
            }),
          ]),
    ),
    refusals: refusalsFor(identity),
    log: out.stdout,
  });

  const stopBackends = async (): Promise<void> => {
    await Promise.all([lambda.close(), authorizerLambda?.close()]);
    await Promise.all([store.close(), jwks?.close(), sts?.close()]);
  };

  try {
    await new Promise<void>((resolveListen, reject) => {
      gateway.server.once('error', reject);
      gateway.server.listen(options.port, LOCAL_HOST, () => {
        gateway.server.off('error', reject);
        resolveListen();
      });
    });
  } catch (error) {
    await stopBackends();
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code === 'EADDRINUSE') {
      throw new StartError(`port ${options.port} is already in use (try --port <n> or --port 0)`);
    }
    throw new StartError(
      `cannot listen on ${LOCAL_HOST}:${options.port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { port } = gateway.server.address() as AddressInfo;
  const base = `http://${LOCAL_HOST}:${port}/${options.stage}`;

  let closed: Promise<void> | undefined;
  return {
    urls: Object.fromEntries(ROUTE_KEYS.map((key) => [key, `${base}/${key}`])) as Record<
      RouteKey,
      string
    >,
    storeEndpoint: store.endpoint,
    table,
    functionNames: functionKeys.map((key) => functionName(LOCAL_PREFIX, key)),
    issuer,
    shutdownBoundMs: shutdownBoundMs(options),
    close: () => {
      closed ??= (async () => {
        const boundMs = shutdownBoundMs(options);
        const { cutAtBound } = await gateway.shutdown(boundMs);
        if (cutAtBound > 0) {
          out.stderr(
            `${cutAtBound} connection(s) still unanswered after ${boundMs / 1000} s were closed`,
          );
        }
        await stopBackends();
      })();
      return closed;
    },
  };
};

/**
 * A DynamoDB endpoint run by someone else (`--store-endpoint`): the table is created there if
 * missing, and stopping the stack leaves the store running.
 */
const useExternalStore = async (endpoint: string, table: string): Promise<EmbeddedDynamoDb> => {
  const client = localStoreClient(endpoint);
  try {
    await ensureCountersTable(client, table);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartError(`the store at ${endpoint} cannot be used: ${reason}`);
  } finally {
    client.destroy();
  }
  return { endpoint, close: () => Promise.resolve() };
};
