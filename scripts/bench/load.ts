/**
 * The local stack under load (autocannon, 50 connections) beside the limit: the same bundles
 * invoked directly in this process against the same store. The gap between the two is what the
 * gateway and its per-tenant worker environments cost.
 */
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { lambdaContext, restEvent } from '../lib/lambda-fixtures.js';
import { type RunningCli, requestLines, rssMb, startCli } from '../lib/local-cli.js';
import { quantile } from './stats.js';
import type { FunctionKey } from './variants.js';

export interface LoadScenario {
  id: string;
  key: FunctionKey;
  tenants: number;
}

export const SCENARIOS: LoadScenario[] = [
  { id: 'standard', key: 'standard', tenants: 1 },
  { id: 'isolated-1', key: 'isolated', tenants: 1 },
  { id: 'isolated-10', key: 'isolated', tenants: 10 },
  { id: 'isolated-100', key: 'isolated', tenants: 100 },
];

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** Non-2xx answers and connection errors: must be 0 for the figures to mean anything. */
  failed: number;
}

export interface LoadSettings {
  connections: number;
  durationS: number;
  /** One warm-up round; rounds repeat until one starts no environment (see loadGateway). */
  warmupS: number;
  /** Upper bound on all warm-up rounds together. */
  maxWarmupS: number;
}

const tenantIds = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `Tenant-${String(i + 1).padStart(3, '0')}`);

/** Round-robin over the tenants, one per request, as `x-tenant-id`. */
const cannon = (
  url: string,
  tenants: readonly string[],
  settings: LoadSettings,
  durationS: number,
) => {
  let next = 0;
  return autocannon({
    url,
    connections: settings.connections,
    duration: durationS,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const tenant = tenants[next % tenants.length] ?? 'Tenant-001';
          next += 1;
          return { ...request, headers: { ...request.headers, 'x-tenant-id': tenant } };
        },
      },
    ],
  });
};

export const loadGateway = async (
  cli: RunningCli,
  scenario: LoadScenario,
  settings: LoadSettings,
): Promise<LoadFigures> => {
  const url = scenario.key === 'standard' ? cli.standardUrl : cli.isolatedUrl;
  const tenants = tenantIds(scenario.tenants);
  // The warm-up starts every environment the measured run needs: steady state, not cold starts.
  // One fixed round is not enough: the pool starts environments a few at a time, and 50
  // connections (or 100 tenants) need more than a 2 s round starts on a small machine, which
  // left the measured run paying for inits. So rounds repeat until one had no cold start.
  const warmupEnds = performance.now() + settings.maxWarmupS * 1000;
  for (;;) {
    const seen = cli.stdout.length;
    await cannon(url, tenants, settings, settings.warmupS);
    const cold = requestLines(cli.stdout.slice(seen)).some((line) => line.temperature === 'cold');
    if (!cold || performance.now() >= warmupEnds) break;
  }
  const result = await cannon(url, tenants, settings, settings.durationS);
  return {
    requestsPerSecond: result.requests.total / settings.durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    failed: result.non2xx + result.errors,
  };
};

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number }>;

/**
 * The same bundle invoked in-process, `connections` invocations in flight, one module instance
 * (environment) per tenant, against the local stack's store: no HTTP front, no worker hop.
 */
export const loadDirect = async (
  bundle: string,
  storeEndpoint: string,
  table: string,
  scenario: LoadScenario,
  settings: LoadSettings,
): Promise<LoadFigures> => {
  process.env.TABLE_NAME = table;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = storeEndpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const tenants = tenantIds(scenario.tenants);
  const handlers: Handler[] = [];
  for (const tenant of tenants) {
    // A query string makes a new module instance: one environment per tenant, like PER_TENANT.
    const url = `${pathToFileURL(bundle).href}?bench=${scenario.id}-${tenant}`;
    handlers.push(((await import(url)) as { handler: Handler }).handler);
  }
  const path = scenario.key === 'standard' ? '/standard' : '/isolated';
  const run = async (durationS: number, latencies: number[] | undefined) => {
    let next = 0;
    let failed = 0;
    let total = 0;
    const deadline = performance.now() + durationS * 1000;
    const loop = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const index = next % tenants.length;
        next += 1;
        const tenantId = tenants[index] ?? 'Tenant-001';
        const handler = handlers[index];
        if (handler === undefined) throw new Error(`no handler for tenant ${index}`);
        const event = restEvent({ path, headers: { 'x-tenant-id': tenantId } });
        const context = lambdaContext({
          functionName: `local-${scenario.key}`,
          ...(scenario.key === 'isolated' ? { tenantId } : {}),
        });
        const start = performance.now();
        const result = await handler(event, context);
        latencies?.push(performance.now() - start);
        total += 1;
        if (result.statusCode !== 200) failed += 1;
      }
    };
    await Promise.all(Array.from({ length: settings.connections }, loop));
    return { total, failed };
  };
  await run(settings.warmupS, undefined);
  const latencies: number[] = [];
  const { total, failed } = await run(settings.durationS, latencies);
  return {
    requestsPerSecond: total / settings.durationS,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    total,
    failed,
  };
};

export interface IdleMemory {
  tenants: number;
  beforeMb: number;
  afterMb: number;
  perEnvironmentMb: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resident memory the local stack gains per idle tenant environment: RSS after `tenants` new
 * tenants have each been served once and left idle, minus RSS before, over `tenants`.
 */
export const idleTenantMemory = async (cli: RunningCli, tenants: number): Promise<IdleMemory> => {
  const get = async (url: string, tenant: string): Promise<void> => {
    const response = await fetch(url, { headers: { 'x-tenant-id': tenant } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  };
  // One standard environment first, so the gateway's own first-use costs land before `before`.
  await get(cli.standardUrl, 'Warm-up');
  await sleep(1000);
  const beforeMb = rssMb(cli.pid) ?? Number.NaN;
  for (const tenant of tenantIds(tenants).map((id) => `Idle-${id}`)) {
    await get(cli.isolatedUrl, tenant);
  }
  await sleep(2000);
  const afterMb = rssMb(cli.pid) ?? Number.NaN;
  return { tenants, beforeMb, afterMb, perEnvironmentMb: (afterMb - beforeMb) / tenants };
};

export { startCli };
