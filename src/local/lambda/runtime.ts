/**
 * One execution environment: a worker thread that loads the function's bundle once (the init
 * phase) and then serves one invocation at a time, like the Lambda Node.js runtime. It sees only
 * the environment variables the gateway gave it (its own copy, not the parent's).
 *
 * Bundled with esbuild at startup (../worker-entries.ts) and run without tsx, so it starts as fast as
 * plain JavaScript and carries nothing but Node itself and the function.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import type { ContextData, FromWorker, ToWorker, WorkerData } from './runtime-protocol.js';
import { silenceSdkNodeVersionWarning } from './sdk-node-warning.js';

type Handler = (event: unknown, context: Context, callback?: Callback) => unknown;
type Callback = (error?: unknown, result?: unknown) => void;

const port = parentPort;
if (port === null) throw new Error('runtime.ts runs only as a worker thread');
const post = (message: FromWorker): void => port.postMessage(message);

silenceSdkNodeVersionWarning();

const describe = (error: unknown): { errorType: string; errorMessage: string } =>
  error instanceof Error
    ? { errorType: error.name, errorMessage: error.message }
    : { errorType: 'Error', errorMessage: String(error) };

/**
 * The context object, with the keys the Node.js runtime interface client gives it
 * (aws/aws-lambda-nodejs-runtime-interface-client, src/InvokeContext.js `attachEnvironmentData`
 * on the object of src/CallbackContext.js): `tenantId`, `clientContext` and `identity` are there
 * on every invoke, undefined when the invoke carries none. Here every invoke comes from the local
 * gateway, which, like API Gateway, sends neither a client context (Invoke's ClientContext) nor
 * a Cognito identity.
 */
const contextFrom = (data: ContextData): Context => {
  const { deadlineMs, tenantId, ...fields } = data;
  return {
    ...fields,
    tenantId,
    clientContext: undefined,
    identity: undefined,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/**
 * The event as the function receives it in AWS: Lambda hands the runtime JSON, so keys whose
 * value is undefined are absent, and only JSON values arrive. A message between threads is a
 * structured clone, which would keep an undefined key; one JSON round trip removes the difference.
 */
const asDelivered = (event: unknown): unknown => {
  const json = JSON.stringify(event);
  return json === undefined ? null : (JSON.parse(json) as unknown);
};

/** Runs the handler, async or callback style (a handler declaring three parameters). */
const run = (handler: Handler, event: unknown, context: Context): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const callback: Callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(asDelivered(event), context, callback);
      if (handler.length < 3 || returned instanceof Promise) {
        Promise.resolve(returned).then(resolve, reject);
      }
    } catch (error) {
      reject(error);
    }
  });

const { bundleUrl } = workerData as WorkerData;
let handler: Handler;
try {
  const module = (await import(bundleUrl)) as { handler?: unknown };
  if (typeof module.handler !== 'function') {
    throw Object.assign(new Error(`${bundleUrl} does not export a handler function`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  handler = module.handler as Handler;
} catch (error) {
  // Reported, then the worker ends on its own: the gateway answers and discards it.
  post({ type: 'init-error', ...describe(error) });
  process.exit(1);
}

port.on('message', (message: ToWorker) => {
  run(handler, message.event, contextFrom(message.context)).then(
    (result) => {
      // The runtime sends the result as JSON: `undefined` becomes null, functions vanish, and a
      // cycle is a serialisation error the gateway sees as a function error.
      let payload: string;
      try {
        payload = JSON.stringify(result) ?? 'null';
      } catch (error) {
        post({ type: 'error', id: message.id, ...describe(error) });
        return;
      }
      post({ type: 'result', id: message.id, payload });
    },
    (error: unknown) => post({ type: 'error', id: message.id, ...describe(error) }),
  );
});
post({ type: 'ready' });
