/**
 * The child program of the init and latency measurements: one fresh Node process is one fresh
 * execution environment. Bundled to CommonJS at bench start (variants.ts) and run without tsx,
 * so nothing but Node itself runs before the handler module is imported.
 *
 * Why CommonJS: the handler is loaded with a dynamic `import()`, the first one of the process,
 * so the measured init includes booting Node's ES module loader, as a Lambda Init Duration does.
 *
 * argv: <handler module file URL> <function key> <invocations>; prints one JSON line (ProbeResult).
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

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

const main = async (): Promise<void> => {
  const bootMs = performance.now();
  const [url, key, count] = process.argv.slice(2);
  if (url === undefined || key === undefined) throw new Error('usage: probe <url> <key> <n>');
  const invocations = Number(count ?? '0');

  const start = performance.now();
  const module = (await import(url)) as { handler: Handler };
  const initMs = performance.now() - start;

  // Loaded only after init: its node:crypto import must not warm anything the handler needs.
  const { lambdaContext, restEvent } = await import('../lib/lambda-fixtures.js');
  const tenantId = key === 'isolated' ? 'Tenant-1' : undefined;
  const path = key === 'isolated' ? '/isolated' : '/standard';
  const headers: Record<string, string> = tenantId === undefined ? {} : { 'x-tenant-id': tenantId };
  const invokeMs: number[] = [];
  const failures: number[] = [];
  for (let i = 0; i < invocations; i += 1) {
    // Event and context are built outside the timed region: API Gateway and Lambda make them.
    const event = restEvent({ path, headers });
    const context = lambdaContext({
      functionName: `bench-${key}`,
      ...(tenantId === undefined ? {} : { tenantId }),
    });
    const t0 = performance.now();
    const result = await module.handler(event, context);
    invokeMs.push(performance.now() - t0);
    if (result.statusCode !== 200) failures.push(result.statusCode);
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
