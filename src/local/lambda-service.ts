/**
 * The Lambda side of the local stack: invokes a function in an environment from the pool and
 * reduces every way an invoke can end to the answer API Gateway would give.
 */
import { ExecutionEnvironment } from './environment.js';
import {
  bundleUrl,
  contextData,
  environmentVariables,
  type FunctionSettings,
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
      this.startEnvironment(key, functionKey as FunctionKey),
    );
  }

  /**
   * `tenantId` is the value of `X-Amz-Tenant-Id` the integration sends: only ever set for the
   * isolated function (the standard integration never maps it).
   */
  async invoke(
    functionKey: FunctionKey,
    tenantId: string | undefined,
    event: unknown,
  ): Promise<InvokeResult> {
    const rejected = (failure: string): InvokeResult => ({
      answer: INVOKE_REJECTED,
      environmentId: undefined,
      cold: false,
      failure,
    });
    if (tenantId !== undefined && !lambdaAcceptsTenantId(tenantId)) {
      // Assumption: Lambda refuses the invoke (invalid X-Amz-Tenant-Id), so API Gateway answers
      // as for any rejected invoke — see INVOKE_REJECTED.
      return rejected('tenant id refused by Lambda');
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
    let discard = false;
    try {
      const answered = (answer: HttpAnswer | GatewayAnswer, failure?: string): InvokeResult => ({
        answer,
        environmentId: environment.id,
        cold,
        ...(failure === undefined ? {} : { failure }),
      });
      try {
        await environment.ready;
      } catch (error) {
        discard = true;
        return answered(
          FUNCTION_ERROR,
          `init failed: ${error instanceof Error ? error.message : String(error)}`,
        );
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
          return answered(
            FUNCTION_ERROR,
            `Task timed out after ${(this.options.timeoutMs / 1000).toFixed(2)} seconds`,
          );
        case 'crash':
          discard = true;
          return answered(FUNCTION_ERROR, `environment crashed: ${outcome.reason}`);
        case 'error':
          return answered(FUNCTION_ERROR, `${outcome.errorType}: ${outcome.errorMessage}`);
        case 'result': {
          if (Buffer.byteLength(outcome.payload) > MAX_RESPONSE_PAYLOAD_BYTES) {
            return answered(FUNCTION_ERROR, 'response payload over Lambda 6 MB limit');
          }
          const answer = toHttpAnswer(JSON.parse(outcome.payload));
          return answer === undefined
            ? answered(FUNCTION_ERROR, 'malformed Lambda proxy response')
            : answered(answer);
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
      workerUrl: this.options.workerUrl,
      bundleUrl: bundleUrl(this.options, functionKey),
      env: environmentVariables(this.options, functionKey),
      memoryMb: this.options.memoryMb,
      initTimeoutMs: this.options.initTimeoutMs,
      log: (stream, line) => this.options.functionLog(id, stream, line),
    });
  }
}
