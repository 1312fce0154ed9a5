/** Messages between the gateway (parent thread) and an execution environment (worker thread). */

/** The serialisable part of a Lambda context; the worker adds the methods. */
export interface ContextData {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /**
   * The invoke's tenant id: set only on the isolated function (PER_TENANT), undefined on the
   * others. The context has the key either way, as the runtime interface client builds it.
   */
  tenantId: string | undefined;
  /** Epoch ms at which the function times out. */
  deadlineMs: number;
}

export interface WorkerData {
  /** file: URL of the bundle to load (dist/<key>/index.mjs). */
  bundleUrl: string;
}

export type ToWorker = { type: 'invoke'; id: number; event: unknown; context: ContextData };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-error'; errorType: string; errorMessage: string }
  /** The handler's result as JSON, serialised in the worker the way the runtime does. */
  | { type: 'result'; id: number; payload: string }
  | { type: 'error'; id: number; errorType: string; errorMessage: string };
