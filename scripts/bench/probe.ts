/**
 * The child program of the init and latency measurements: one fresh Node process is one fresh
 * execution environment. Bundled to CommonJS at bench start (variants.ts) and run without tsx,
 * so nothing but Node itself runs before the handler module is imported.
 *
 * Why CommonJS: the handler is loaded with a dynamic `import()`, the first one of the process,
 * so the measured init includes booting Node's ES module loader, as a Lambda Init Duration does.
 *
 * argv: <handler module file URL> <function key> <invocations> [scenario file]; prints one JSON
 * line (ProbeResult). Without a scenario file, every invocation is the REST event of the function.
 */
export interface ProbeResult {
  /** Process start → probe code running: Node's own boot, the same for every variant. */
  bootMs: number;
  /** `import()` of the handler module until it has evaluated: the function's init phase. */
  initMs: number;
  /** Per-invocation latencies in order; the first one is the cold invocation. */
  invokeMs: number[];
  /** Status code of every invocation that did not answer 200 (should stay empty). */
  failures: number[];
  rssMb: number;
  heapUsedMb: number;
}

/**
 * What to invoke with, read from a JSON file after init (outside every timed region):
 *
 * - `rest`: the function's REST proxy event, with `authorizer` as `requestContext.authorizer`
 *   (what API Gateway passes from the authorizer's answer); answers must be 200.
 * - `authorizer`: REQUEST authorizer events, invocation i gets `events[i % events.length]` (built
 *   by the bench, tokens included, so nothing here warms the crypto the handler uses); answers
 *   must be an Allow, with tenant credentials in the context exactly when `expectCredentials`.
 *   A throw of `Unauthorized` counts as 401, a Deny as 403, a wrong context as 500.
 */
export type ProbeScenario =
  | { kind: 'rest'; authorizer?: Record<string, string> }
  | { kind: 'authorizer'; events: unknown[]; expectCredentials: boolean };

interface AuthorizerAnswer {
  policyDocument?: { Statement?: Array<{ Effect?: string }> };
  context?: Record<string, unknown>;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** The status code API Gateway would make of an authorizer's answer (200 for a fitting Allow). */
const authorizerStatus = (answer: AuthorizerAnswer, expectCredentials: boolean): number => {
  const statements = answer.policyDocument?.Statement ?? [];
  if (statements.length === 0 || statements.some((s) => s.Effect !== 'Allow')) return 403;
  const hasCredentials = typeof answer.context?.accessKeyId === 'string';
  return hasCredentials === expectCredentials ? 200 : 500;
};

const main = async (): Promise<void> => {
  const bootMs = performance.now();
  const [url, key, count, scenarioFile] = process.argv.slice(2);
  if (url === undefined || key === undefined) {
    throw new Error('usage: probe <url> <key> <n> [scenario]');
  }
  const invocations = Number(count ?? '0');

  const start = performance.now();
  const module = (await import(url)) as { handler: Handler };
  const initMs = performance.now() - start;

  // Loaded only after init: its node:crypto import must not warm anything the handler needs.
  const { lambdaContext, restEvent } = await import('../lib/lambda-fixtures.js');
  const { readFileSync } = await import('node:fs');
  const scenario: ProbeScenario =
    scenarioFile === undefined
      ? { kind: 'rest' }
      : (JSON.parse(readFileSync(scenarioFile, 'utf8')) as ProbeScenario);
  const invokeMs: number[] = [];
  const failures: number[] = [];
  if (scenario.kind === 'authorizer') {
    const context = lambdaContext({ functionName: `bench-${key}` });
    for (let i = 0; i < invocations; i += 1) {
      const event = scenario.events[i % scenario.events.length];
      const t0 = performance.now();
      let status: number;
      try {
        const answer = (await module.handler(event, context)) as AuthorizerAnswer;
        invokeMs.push(performance.now() - t0);
        status = authorizerStatus(answer, scenario.expectCredentials);
      } catch (error) {
        invokeMs.push(performance.now() - t0);
        status = error instanceof Error && error.message === 'Unauthorized' ? 401 : 500;
        if (status === 500) process.stderr.write(`${String(error)}\n`);
      }
      if (status !== 200) failures.push(status);
    }
  } else {
    const tenantId = key === 'isolated' ? 'Tenant-1' : undefined;
    const path = key === 'isolated' ? '/isolated' : '/standard';
    const headers: Record<string, string> =
      tenantId === undefined ? {} : { 'x-tenant-id': tenantId };
    for (let i = 0; i < invocations; i += 1) {
      // Event and context are built outside the timed region: API Gateway and Lambda make them.
      const event = restEvent({
        path,
        headers,
        ...(scenario.authorizer === undefined ? {} : { authorizer: scenario.authorizer }),
      });
      const context = lambdaContext({
        functionName: `bench-${key}`,
        ...(tenantId === undefined ? {} : { tenantId }),
      });
      const t0 = performance.now();
      const result = (await module.handler(event, context)) as { statusCode: number };
      invokeMs.push(performance.now() - t0);
      if (result.statusCode !== 200) failures.push(result.statusCode);
    }
  }
  const memory = process.memoryUsage();
  const result: ProbeResult = {
    bootMs,
    initMs,
    invokeMs,
    failures,
    rssMb: memory.rss / 2 ** 20,
    heapUsedMb: memory.heapUsed / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Keep-alive sockets of the SDK would hold the process open; the measurement is done.
  process.exit(0);
};

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
