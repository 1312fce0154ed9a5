/**
 * Tenant isolation on the local stack, proved from the outside: which environment served each
 * request (`x-environment-id`) and what every counter reads under concurrency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type RunningCli,
  requestLines,
  startCli,
} from '../../scripts/lib/local-cli.js';

interface Served {
  tenant: string;
  status: number;
  environmentId: string | null;
  counter: number;
  tenantInBody: unknown;
}

const call = async (url: string, tenant: string): Promise<Served> => {
  const response = await fetch(url, { headers: { 'x-tenant-id': tenant } });
  const body = (await response.json()) as { counter: number; tenant_id: unknown };
  return {
    tenant,
    status: response.status,
    environmentId: response.headers.get('x-environment-id'),
    counter: body.counter,
    tenantInBody: body.tenant_id,
  };
};

const tenants = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);

/** Every answer a 200; otherwise the failure reasons from the CLI's request log. */
const expectAllOk = (served: Served[], cli: RunningCli): void => {
  const failed = served.filter((result) => result.status !== 200);
  const reasons = cli.stdout.filter((line) => line.includes(' error='));
  expect(failed.length, reasons.slice(0, 5).join('\n')).toBe(0);
};

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('local stack tenant isolation', () => {
  let cli: RunningCli;

  beforeAll(async () => {
    cli = await startCli([
      '--in-memory',
      // Load beyond the stage's 50 rps and burst of 100 is the point here, not throttling.
      '--throttle-rate',
      '0',
      '--max-environments',
      '64',
      // 1,000 requests at once queue for environments on a busy 2-core machine (AWS would start
      // more); that local wait is not what these tests measure, so it must not end in the 29 s
      // integration timeout.
      '--integration-timeout',
      '300',
    ]);
  });

  afterAll(async () => {
    await cli.stop('SIGKILL');
  });

  it('never lets two tenants share an environment while 20 tenants hammer it at once', async () => {
    const names = tenants('hammer', 20);
    const perTenant = 12;

    const served = await Promise.all(
      names.flatMap((tenant) =>
        Array.from({ length: perTenant }, () => call(cli.isolatedUrl, tenant)),
      ),
    );

    expectAllOk(served, cli);
    const environmentsOf = new Map<string, Set<string>>();
    for (const result of served) {
      expect(result.tenantInBody).toBe(result.tenant);
      expect(result.environmentId).not.toBeNull();
      const set = environmentsOf.get(result.tenant) ?? new Set<string>();
      set.add(String(result.environmentId));
      environmentsOf.set(result.tenant, set);
    }
    const owner = new Map<string, string>();
    for (const [tenant, environments] of environmentsOf) {
      for (const environment of environments) {
        expect(owner.get(environment) ?? tenant, `${environment} served two tenants`).toBe(tenant);
        owner.set(environment, tenant);
      }
    }
    for (const tenant of names) {
      const counters = served.filter((r) => r.tenant === tenant).map((r) => r.counter);
      expect(sorted(counters)).toEqual(oneTo(perTenant));
    }
  }, 90_000);

  it('serves a tenant from its own warm environment on its next request', async () => {
    const first = await call(cli.isolatedUrl, 'warm-tenant');
    const second = await call(cli.isolatedUrl, 'warm-tenant');

    expect(second.environmentId).toBe(first.environmentId);
    const lines = await eventually(() => {
      const found = requestLines(cli.stdout).filter((line) => line.tenant === 'warm-tenant');
      return found.length === 2 ? found : undefined;
    }, 'two request log lines');
    expect(lines.map((line) => line.temperature)).toEqual(['cold', 'warm']);
  });

  it('keeps every counter exact under 1,000 concurrent requests over 50 tenants', async () => {
    const names = tenants('load', 50);

    const served = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => call(cli.isolatedUrl, names[i % 50] ?? 'load-1')),
    );

    expectAllOk(served, cli);
    for (const tenant of names) {
      const counters = served.filter((r) => r.tenant === tenant).map((r) => r.counter);
      expect(sorted(counters)).toEqual(oneTo(20));
    }
    expect(Math.max(...requestLines(cli.stdout).map((line) => line.live))).toBeLessThanOrEqual(64);
  }, 120_000);

  it('keeps the shared counter exact under 1,000 concurrent requests to /standard', async () => {
    const names = tenants('shared', 50);

    const served = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => call(cli.standardUrl, names[i % 50] ?? 'shared-1')),
    );

    expectAllOk(served, cli);
    expect(sorted(served.map((result) => result.counter))).toEqual(oneTo(1_000));
    // Every answer names its environment, and a shared pool serves them all: far fewer
    // environments than requests, within the cap.
    expect(served.every((result) => /^[0-9a-f-]{36}$/.test(result.environmentId ?? ''))).toBe(true);
    expect(new Set(served.map((result) => result.environmentId)).size).toBeLessThanOrEqual(64);
  }, 120_000);
});
