/**
 * `npm run smoke -- <standard_url> <isolated_url>`: runs the original pattern's curl flow
 * against a deployed stack (or the local one) with fresh random tenant ids, then proves what the
 * pattern claims from the `x-environment-id` every function returns (a random id made at init):
 * concurrent requests of two tenants on /isolated never share an environment, a tenant's
 * repeated calls reuse its environment, and /standard serves both tenants from shared ones.
 * Prints PASS or FAIL per step; without URLs it reads them from `terraform output -json` in the
 * repo root. Exit code 0 only when every step passes.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { STANDARD_MESSAGE } from '../src/domain/response-bodies.js';

export interface SmokeStep {
  name: string;
  pass: boolean;
  detail: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  raw: string;
  environmentId: string | null;
}

const get = async (url: string, tenantId?: string): Promise<Answer> => {
  const response = await fetch(url, {
    headers: tenantId === undefined ? {} : { 'x-tenant-id': tenantId },
  });
  const raw = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    // Left empty: the step fails on the body check and shows the raw text.
  }
  return {
    status: response.status,
    body,
    raw,
    environmentId: response.headers.get('x-environment-id'),
  };
};

const isolatedRaw = (counter: number, tenant: string) =>
  JSON.stringify({
    counter,
    tenant_id: tenant,
    isolation_enabled: true,
    message: `Counter incremented for tenant ${tenant}`,
  });

/** The flow, step by step; never throws for a failed check, only records it. */
export const runSmoke = async (urls: {
  standardUrl: string;
  isolatedUrl: string;
}): Promise<SmokeStep[]> => {
  const run = randomBytes(4).toString('hex');
  const tenantA = `smoke-${run}-1`;
  const tenantB = `smoke-${run}-2`;
  const steps: SmokeStep[] = [];
  const check = (name: string, pass: boolean, answer: Answer) =>
    steps.push({ name, pass, detail: `${answer.status} ${answer.raw.slice(0, 300)}` });

  const first = await get(urls.standardUrl, tenantA);
  const firstCounter = Number(first.body.counter);
  check(
    `standard ${tenantA}: shared counter, isolation off`,
    first.status === 200 &&
      Number.isSafeInteger(firstCounter) &&
      firstCounter >= 1 &&
      first.raw ===
        JSON.stringify({
          counter: firstCounter,
          tenant_id: tenantA,
          isolation_enabled: false,
          message: STANDARD_MESSAGE,
        }),
    first,
  );
  const second = await get(urls.standardUrl, tenantB);
  check(
    `standard ${tenantB}: the same counter, incremented by another tenant`,
    second.status === 200 && Number(second.body.counter) > firstCounter,
    second,
  );

  for (const [tenant, expected] of [
    [tenantA, 1],
    [tenantB, 1],
    [tenantA, 2],
  ] as const) {
    const answer = await get(urls.isolatedUrl, tenant);
    check(
      `isolated ${tenant}: own counter at ${expected}`,
      answer.status === 200 && answer.raw === isolatedRaw(expected, tenant),
      answer,
    );
  }

  const missing = await get(urls.isolatedUrl);
  check(
    'isolated without x-tenant-id: 400 from the gateway',
    missing.status === 400 &&
      missing.body.message === 'Missing required request parameters: [x-tenant-id]',
    missing,
  );
  const invalid = await get(urls.isolatedUrl, 'not a tenant');
  check(
    'isolated with an id our policy refuses: 400 InvalidTenantId',
    invalid.status === 400 && invalid.body.error === 'InvalidTenantId',
    invalid,
  );
  steps.push(...(await environmentSteps(urls, [tenantA, tenantB])));
  return steps;
};

/** How many requests each tenant sends at once to /isolated: enough to need several environments. */
const CONCURRENT = 8;

const environmentsOf = (answers: readonly Answer[]): Set<string> =>
  new Set(
    answers.flatMap((answer) => (answer.environmentId === null ? [] : [answer.environmentId])),
  );

const describeEnvironments = (sets: Record<string, Set<string>>): string =>
  Object.entries(sets)
    .map(([name, ids]) => `${name}: ${[...ids].map((id) => id.slice(0, 8)).join(', ') || 'none'}`)
    .join('; ');

/** The isolation claims, proved from the environment ids the functions report. */
const environmentSteps = async (
  urls: { standardUrl: string; isolatedUrl: string },
  [tenantA, tenantB]: readonly [string, string],
): Promise<SmokeStep[]> => {
  const steps: SmokeStep[] = [];
  const burst = (tenant: string) =>
    Array.from({ length: CONCURRENT }, () => get(urls.isolatedUrl, tenant));
  const answers = await Promise.all([...burst(tenantA), ...burst(tenantB)]);
  const ofA = environmentsOf(answers.slice(0, CONCURRENT));
  const ofB = environmentsOf(answers.slice(CONCURRENT));
  const shared = [...ofA].filter((id) => ofB.has(id));
  const allAnswered = answers.every((answer) => answer.status === 200 && answer.environmentId);
  steps.push({
    name: `isolated: ${CONCURRENT} concurrent requests each of ${tenantA} and ${tenantB} never share an environment`,
    pass: allAnswered && ofA.size > 0 && ofB.size > 0 && shared.length === 0,
    detail: `${describeEnvironments({ [tenantA]: ofA, [tenantB]: ofB })}; shared: ${shared.length}`,
  });

  const repeated: Answer[] = [];
  for (let i = 0; i < 3; i += 1) repeated.push(await get(urls.isolatedUrl, tenantA));
  const reused = environmentsOf(repeated);
  steps.push({
    name: `isolated: ${tenantA}'s repeated calls reuse its own environments`,
    pass:
      repeated.every((answer) => answer.status === 200) &&
      reused.size < repeated.length &&
      [...reused].every((id) => ofA.has(id) && !ofB.has(id)),
    detail: describeEnvironments({ [tenantA]: reused }),
  });

  const standard: Answer[] = [];
  for (const tenant of [tenantA, tenantB, tenantA, tenantB]) {
    standard.push(await get(urls.standardUrl, tenant));
  }
  const servedA = environmentsOf(standard.filter((_, i) => i % 2 === 0));
  const servedB = environmentsOf(standard.filter((_, i) => i % 2 === 1));
  steps.push({
    name: 'standard: both tenants are served from shared environments',
    pass:
      standard.every((answer) => answer.status === 200) &&
      [...servedA].some((id) => servedB.has(id)),
    detail: describeEnvironments({ [tenantA]: servedA, [tenantB]: servedB }),
  });
  return steps;
};

const urlsFromTerraform = (): { standardUrl: string; isolatedUrl: string } => {
  const outputs = JSON.parse(
    execFileSync('terraform', ['output', '-json'], { encoding: 'utf8' }),
  ) as Record<string, { value?: unknown }>;
  const standardUrl = outputs.standard_multi_tenant_api_endpoint_url?.value;
  const isolatedUrl = outputs.isolated_tenant_api_endpoint_url?.value;
  if (typeof standardUrl !== 'string' || typeof isolatedUrl !== 'string') {
    throw new Error('terraform output has no endpoint URLs: run terraform apply first');
  }
  return { standardUrl, isolatedUrl };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const [standardUrl, isolatedUrl] = process.argv.slice(2);
    const urls = standardUrl && isolatedUrl ? { standardUrl, isolatedUrl } : urlsFromTerraform();
    const steps = await runSmoke(urls);
    for (const step of steps) {
      console.log(`${step.pass ? 'PASS' : 'FAIL'}  ${step.name}`);
      if (!step.pass) console.log(`      got ${step.detail}`);
    }
    const failed = steps.filter((step) => !step.pass).length;
    console.log(`${steps.length - failed} passed, ${failed} failed`);
    process.exitCode = failed === 0 ? 0 : 1;
  } catch (error) {
    console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
