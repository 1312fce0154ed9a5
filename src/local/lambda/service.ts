/**
 * The Lambda side of the local stack: invokes a function in an environment from the pool and
 * reduces every way an invoke can end to an outcome — and, for the API functions, to the answer
 * API Gateway's proxy integration would give.
 */
import { ExecutionEnvironment } from './environment.js';
import {
  bundleUrl,
  contextData,
  environmentVariables,
  type FunctionSettings,
  type LambdaFunctionKey,
} from './functions.js';
import {
  FUNCTION_ERROR,
  type GatewayAnswer,
  INVOKE_REJECTED,
  MAX_INVOKE_PAYLOAD_BYTES,
} from './gateway-responses.js';
import { lambdaAcceptsTenantId } from './lambda-limits.js';
import { EnvironmentPool, type Lease, type PoolLimits, ThrottledError } from './pool.js';
import { type HttpAnswer, toHttpAnswer } from './proxy-result.js';
import type { FunctionKey } from './routes.js';

export interface InvokeResult {
  answer: HttpAnswer | GatewayAnswer;
  environmentId: string | undefined;
  cold: boolean;
  /** Why the answer is an error, for the request log (never sent to the client). */
  failure?: string;
}

/**
 * How one invoke ended, before anyone turns it into HTTP: the function's result (already parsed
 * from the JSON the runtime sends), its error, an environment that failed under it, or an invoke
 * Lambda refused before any environment ran.
 */
export type InvokeOutcome =
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
  workerUrl: URL;
  initTimeoutMs: number;
  functionLog: (environmentId: string, stream: 'stdout' | 'stderr', line: string) => void;
}

/** Lambda's own limit on a function's response payload (synchronous invoke): 6 MB. */
const MAX_RESPONSE_PAYLOAD_BYTES = 6 * 1024 * 1024;

export class LambdaService {
  readonly pool: EnvironmentPool;
  private nextEnvironment = 1;

  constructor(private readonly options: LambdaServiceOptions) {
    this.pool = new EnvironmentPool(options.limits, (key, functionKey) =>
      this.startEnvironment(key, functionKey as LambdaFunctionKey),
    );
  }

  /**
   * Invokes an API function through the proxy integration and answers as API Gateway would.
   * `tenantId` is the value of `X-Amz-Tenant-Id` the integration sends: only ever set for the
   * isolated function (the standard integration never maps it).
   */
  async invoke(
    functionKey: FunctionKey,
    tenantId: string | undefined,
    event: unknown,
  ): Promise<InvokeResult> {
    const outcome = await this.invokeFunction(functionKey, tenantId, event);
    switch (outcome.kind) {
      case 'rejected':
        return {
          answer: INVOKE_REJECTED,
          environmentId: undefined,
          cold: false,
          failure: outcome.failure,
        };
      case 'failed':
        return {
          answer: FUNCTION_ERROR,
          environmentId: outcome.environmentId,
          cold: outcome.cold,
          failure: outcome.failure,
        };
      case 'function-error':
        return {
          answer: FUNCTION_ERROR,
          environmentId: outcome.environmentId,
          cold: outcome.cold,
          failure: `${outcome.errorType}: ${outcome.errorMessage}`,
        };
      case 'result': {
        const answer = toHttpAnswer(outcome.value);
        const { environmentId, cold } = outcome;
        return answer === undefined
          ? {
              answer: FUNCTION_ERROR,
              environmentId,
              cold,
              failure: 'malformed Lambda proxy response',
            }
          : { answer, environmentId, cold };
      }
    }
  }

  /**
   * One synchronous invoke (RequestResponse) of any function, the authorizer included: an
   * environment from the function's pool (the tenant's own under PER_TENANT), the event in, the
   * outcome out. A timed-out or crashed environment is discarded, as Lambda resets it.
   */
  async invokeFunction(
    functionKey: LambdaFunctionKey,
    tenantId: string | undefined,
    event: unknown,
  ): Promise<InvokeOutcome> {
    const rejected = (failure: string): InvokeOutcome => ({ kind: 'rejected', failure });
    if (tenantId !== undefined && !lambdaAcceptsTenantId(tenantId)) {
      // Assumption: Lambda refuses the invoke (invalid X-Amz-Tenant-Id), so API Gateway answers
      // as for any rejected invoke — see INVOKE_REJECTED.
      return rejected('tenant id refused by Lambda');
    }
    if (tenantId === undefined && functionKey === 'isolated') {
      // Lambda refuses an invoke without a tenant id for a function with tenant isolation (e.g.
      // an authorizer that allowed but put no tenantId in its context).
      return rejected('no tenant id for a function with tenant isolation');
    }
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_INVOKE_PAYLOAD_BYTES) {
      return rejected('request payload over Lambda 6 MB limit');
    }
    const key = tenantId === undefined ? functionKey : `${functionKey}/${tenantId}`;
    let lease: Lease;
    try {
      lease = await this.pool.acquire(key, functionKey);
    } catch (error) {
      if (error instanceof ThrottledError) return rejected('throttled: concurrency limit');
      return rejected(error instanceof Error ? error.message : String(error));
    }
    const { environment, cold } = lease;
    const environmentId = environment.id;
    let discard = false;
    try {
      const failed = (failure: string): InvokeOutcome => ({
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
          if (Buffer.byteLength(outcome.payload) > MAX_RESPONSE_PAYLOAD_BYTES) {
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

  private startEnvironment(key: string, functionKey: LambdaFunctionKey): ExecutionEnvironment {
    const id = `${functionKey}-${this.nextEnvironment++}`;
    return new ExecutionEnvironment({
      id,
      key,
      workerUrl: this.options.workerUrl,
      bundleUrl: bundleUrl(this.options, functionKey),
      env: environmentVariables(this.options, functionKey),
      memoryMb: this.options.memoryMb,
      initTimeoutMs: this.options.initTimeoutMs,
      log: (stream, line) => this.options.functionLog(id, stream, line),
    });
  }
}
