/**
 * The execution environment's runtime (src/local/lambda/runtime.ts) as a function sees it: the
 * event arrives as JSON would deliver it, and the context has the keys the Node.js runtime
 * interface client gives it (aws/aws-lambda-nodejs-runtime-interface-client: src/InvokeContext.js
 * `_environmentalData` and `_headerData`, assigned onto the object of src/CallbackContext.js).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionEnvironment } from '../../../../src/local/lambda/environment.js';
import type { ContextData } from '../../../../src/local/lambda/runtime-protocol.js';
import { buildWorkerEntries } from '../../../../src/local/worker-entries.js';

/** Every key of the context the runtime interface client builds (values aside). */
const RIC_CONTEXT_KEYS = [
  // src/CallbackContext.js
  'callbackWaitsForEmptyEventLoop',
  'succeed',
  'fail',
  'done',
  // src/InvokeContext.js, _environmentalData()
  'functionVersion',
  'functionName',
  'memoryLimitInMB',
  'logGroupName',
  'logStreamName',
  // src/InvokeContext.js, _headerData()
  'clientContext',
  'identity',
  'invokedFunctionArn',
  'awsRequestId',
  'tenantId',
  'getRemainingTimeInMillis',
];

const HANDLER = `
export const handler = async (event, context) => ({
  eventKeys: Object.keys(event),
  requestContextKeys: Object.keys(event.requestContext),
  nested: event.requestContext.nested,
  contextKeys: Object.keys(context),
  undefinedKeys: Object.keys(context).filter((key) => context[key] === undefined),
  tenantId: context.tenantId ?? null,
});
`;

const contextData = (tenantId: string | undefined): ContextData => ({
  awsRequestId: 'aws-request-1',
  functionName: 'local-standard',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:local-standard',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/local-standard',
  logStreamName: '2026/04/09/[$LATEST]0123',
  tenantId,
  deadlineMs: Date.now() + 10_000,
});

describe('the runtime in an execution environment', () => {
  let dir: string;
  let environment: ExecutionEnvironment;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runtime-test-'));
    const bundle = join(dir, 'index.mjs');
    writeFileSync(bundle, HANDLER);
    const { lambdaRuntime } = await buildWorkerEntries();
    environment = new ExecutionEnvironment({
      id: 'runtime-test',
      key: 'runtime-test',
      runtimeUrl: lambdaRuntime,
      bundleUrl: pathToFileURL(bundle).href,
      env: {},
      memoryMb: 128,
      initTimeoutMs: 10_000,
      log: () => undefined,
    });
    await environment.ready;
  });

  afterAll(async () => {
    await environment?.terminate();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = async (event: unknown, tenantId?: string): Promise<Record<string, unknown>> => {
    const outcome = await environment.invoke(event, contextData(tenantId), 5_000);
    if (outcome.kind !== 'result') throw new Error(`invoke failed: ${JSON.stringify(outcome)}`);
    return JSON.parse(outcome.payload) as Record<string, unknown>;
  };

  it('delivers the event as JSON: a key whose value is undefined is absent', async () => {
    // A structured clone (postMessage) would keep `authorizer: undefined`; Lambda's JSON does not.
    const answer = await invoke({
      body: undefined,
      requestContext: { authorizer: undefined, stage: 'dev', nested: { a: undefined, b: 1 } },
    });

    expect(answer.eventKeys).toEqual(['requestContext']);
    expect(answer.requestContextKeys).toEqual(['stage', 'nested']);
    expect(answer.nested).toEqual({ b: 1 });
  });

  it('gives the context the keys of the runtime interface client, tenantId included', async () => {
    const answer = await invoke({ requestContext: {} });

    expect([...(answer.contextKeys as string[])].sort()).toEqual([...RIC_CONTEXT_KEYS].sort());
    expect([...(answer.undefinedKeys as string[])].sort()).toEqual([
      'clientContext',
      'identity',
      'tenantId',
    ]);
    expect(answer.tenantId).toBeNull();
  });

  it('sets tenantId when the invoke carries one', async () => {
    const answer = await invoke({ requestContext: {} }, 'acme');

    expect(answer.tenantId).toBe('acme');
    expect(answer.undefinedKeys).toEqual(['clientContext', 'identity']);
  });
});
