/**
 * The Lambda service of the local stack: the Invoke API (RequestResponse) over a pool of
 * execution environments. It reduces every way an invoke can end to a `LambdaInvokeOutcome`;
 * what a caller makes of that (API Gateway's answers) is the caller's business.
 */
import { pathToFileURL } from 'node:url';
import {
  LAMBDA_INIT_TIMEOUT_MS,
  LAMBDA_MAX_REQUEST_PAYLOAD_BYTES,
  LAMBDA_MAX_RESPONSE_PAYLOAD_BYTES,
  LAMBDA_TENANT_ID_PATTERN,
} from '../aws-limits.js';
import { ExecutionEnvironment } from './environment.js';
import {
  bundlePath,
  contextData,
  environmentVariables,
  FUNCTIONS,
  type FunctionKey,
  type FunctionSettings,
} from './functions.js';
import {
  CancelledError,
  EnvironmentPool,
  type Lease,
  type PoolLimits,
  ThrottledError,
} from './pool.js';

/**
 * How one invoke ended: the function's result (already parsed from the JSON the runtime sends),
 * its error, an environment that failed under it, or an invoke Lambda refused before any
 * environment ran.
 */
export type LambdaInvokeOutcome =
  | { kind: 'result'; value: unknown; environmentId: string; cold: boolean }
  | {
      kind: 'function-error';
      errorType: string;
      errorMessage: string;
      environmentId: string;
      cold: boolean;
    }
  | { kind: 'failed'; failure: string; environmentId: string; cold: boolean }
  | { kind: 'rejected'; failure: string };

export interface LambdaServiceOptions extends FunctionSettings {
  limits: PoolLimits;
  /** file: URL of the bundled environment runtime (runtime.ts). */
  runtimeUrl: URL;
  functionLog: (environmentId: string, stream: 'stdout' | 'stderr', line: string) => void;
}

export class LambdaService {
  readonly pool: EnvironmentPool;
  private nextEnvironment = 1;

  constructor(private readonly options: LambdaServiceOptions) {
    this.pool = new EnvironmentPool(options.limits, (key, functionKey) =>
      this.startEnvironment(key, functionKey as FunctionKey),
    );
  }

  /**
   * One synchronous invoke: an environment from the function's pool (the tenant's own under
   * PER_TENANT), the event in, the outcome out. `tenantId` is the invoke's `X-Amz-Tenant-Id`.
   * A timed-out or crashed environment is discarded, as Lambda resets it.
   *
   * `signal` cancels an invoke that still waits for an environment (at the environment cap):
   * it never runs and ends as `rejected`. Once it has an environment it runs to its end, whatever
   * the signal says.
   */
  async invoke(
    functionKey: FunctionKey,
    tenantId: string | undefined,
    event: unknown,
    signal?: AbortSignal,
  ): Promise<LambdaInvokeOutcome> {
    const rejected = (failure: string): LambdaInvokeOutcome => ({ kind: 'rejected', failure });
    if (tenantId !== undefined && !LAMBDA_TENANT_ID_PATTERN.test(tenantId)) {
      // Assumption: Lambda refuses the invoke (invalid X-Amz-Tenant-Id), so API Gateway answers
      // as for any rejected invoke.
      return rejected('tenant id refused by Lambda');
    }
    if (tenantId === undefined && FUNCTIONS[functionKey].tenantIsolation) {
      // Lambda refuses an invoke without a tenant id for a function with tenant isolation (e.g.
      // an authorizer that allowed but put no tenantId in its context).
      return rejected('no tenant id for a function with tenant isolation');
    }
    if (Buffer.byteLength(JSON.stringify(event)) > LAMBDA_MAX_REQUEST_PAYLOAD_BYTES) {
      return rejected('request payload over Lambda 6 MB limit');
    }
    const key = tenantId === undefined ? functionKey : `${functionKey}/${tenantId}`;
    let lease: Lease;
    try {
      lease = await this.pool.acquire(key, functionKey, signal);
    } catch (error) {
      if (error instanceof ThrottledError) return rejected('throttled: concurrency limit');
      if (error instanceof CancelledError) {
        return rejected('cancelled before an environment was free');
      }
      return rejected(error instanceof Error ? error.message : String(error));
    }
    const { environment, cold } = lease;
    const environmentId = environment.id;
    let discard = false;
    try {
      const failed = (failure: string): LambdaInvokeOutcome => ({
        kind: 'failed',
        failure,
        environmentId,
        cold,
      });
      try {
        await environment.ready;
      } catch (error) {
        discard = true;
        return failed(`init failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const context = contextData(
        this.options,
        functionKey,
        environment.variables,
        tenantId,
        Date.now(),
      );
      const outcome = await environment.invoke(event, context, this.options.timeoutMs);
      switch (outcome.kind) {
        case 'timeout':
          discard = true;
          return failed(
            `Task timed out after ${(this.options.timeoutMs / 1000).toFixed(2)} seconds`,
          );
        case 'crash':
          discard = true;
          return failed(`environment crashed: ${outcome.reason}`);
        case 'error':
          return {
            kind: 'function-error',
            errorType: outcome.errorType,
            errorMessage: outcome.errorMessage,
            environmentId,
            cold,
          };
        case 'result': {
          if (Buffer.byteLength(outcome.payload) > LAMBDA_MAX_RESPONSE_PAYLOAD_BYTES) {
            return failed('response payload over Lambda 6 MB limit');
          }
          return { kind: 'result', value: JSON.parse(outcome.payload), environmentId, cold };
        }
      }
    } finally {
      this.pool.release(lease, functionKey, discard);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private startEnvironment(key: string, functionKey: FunctionKey): ExecutionEnvironment {
    const id = `${functionKey}-${this.nextEnvironment++}`;
    return new ExecutionEnvironment({
      id,
      key,
      runtimeUrl: this.options.runtimeUrl,
      bundleUrl: pathToFileURL(bundlePath(functionKey, this.options.functionsDir)).href,
      env: environmentVariables(this.options, functionKey),
      memoryMb: this.options.memoryMb,
      initTimeoutMs: LAMBDA_INIT_TIMEOUT_MS,
      log: (stream, line) => this.options.functionLog(id, stream, line),
    });
  }
}
