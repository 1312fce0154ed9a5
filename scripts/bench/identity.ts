/**
 * The bench jobs of the tenant identity work, run interleaved with every other init job:
 *
 * - the authorizer bundle in header mode (the baseline), in jwt mode against the local issuer's
 *   JWKS served over HTTP on 127.0.0.1, and in header mode with the credential broker on (the
 *   Terraform default) against the loopback AssumeRole stand-in;
 * - the isolated function before and after the broker: the bundle of an older commit that
 *   assumes the tenant role inside its own environment, and today's bundle signing with the
 *   credentials the authorizer passes in `requestContext.authorizer`.
 *
 * Every event, token included, is made here and written to a scenario file the probe reads
 * after init, so the probe process signs nothing and warms none of the crypto the handler uses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalIssuer } from '../../src/local/cognito/local-issuer.js';
import {
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  LOCAL_TENANT_CLAIM,
} from '../../src/local/cognito/local-issuer.js';
import type { ProbeRuntime } from './lambda-runtime.js';
import type { ProbeJob } from './measure-init.js';
import type { ProbeResult, ProbeScenario } from './probe.js';
import type { AuthorizerRow, InitFigures } from './report.js';
import { median, quantile } from './stats.js';
import { type Variant, WORK_DIR } from './variants.js';

/** The commit whose isolated function assumed the tenant role itself (the "before"). */
export const BEFORE_COMMIT = '3b82331';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/bench-tenant-data';
const TENANT = 'Tenant-1';

export const JOB = {
  header: 'shipped/authorizer+header',
  jwt: 'shipped/authorizer+jwt',
  broker: 'shipped/authorizer+header+broker',
  before: 'before/isolated+in-environment-assume-role',
  after: 'after/isolated+brokered-credentials',
  ownRole: 'shipped/isolated',
} as const;

const methodArn = (path: string) =>
  `arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET${path}`;

/** A REQUEST authorizer event for /isolated, as API Gateway sends it. */
const authorizerEvent = (headers: Record<string, string>) => ({
  type: 'REQUEST',
  methodArn: methodArn('/isolated'),
  resource: '/isolated',
  path: '/isolated',
  httpMethod: 'GET',
  headers,
  multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
});

const writeScenario = (name: string, scenario: ProbeScenario): string => {
  const dir = join(WORK_DIR, 'scenarios');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  return file;
};

/**
 * Broker invocations: the first one is the process's first AssumeRole (cold client); then odd
 * invocations ask again for the first tenant (a cached session: no STS call) and even ones for
 * a tenant not seen yet (an AssumeRole with a warm client), alternating so drift hits both.
 */
const brokerTenant = (i: number): string => (i === 0 || i % 2 === 1 ? TENANT : `Bench-${i}`);

export interface IdentitySetup {
  /** The runtime every job of this file runs on. */
  runtime: ProbeRuntime;
  shipped: Variant;
  /** The bundle of BEFORE_COMMIT; undefined when it could not be built. */
  before: Variant | undefined;
  issuer: LocalIssuer;
  jwksUrl: string;
  stsEndpoint: string;
  accessKeyFor(tenantId: string): string;
  /** Invocations per authorizer process: the first is cold, the rest warm. */
  invocations: number;
}

export const identityJobs = async (setup: IdentitySetup): Promise<ProbeJob[]> => {
  const { shipped, invocations, runtime } = setup;
  const broker = {
    TENANT_DATA_ROLE_ARN: ROLE_ARN,
    // main.tf: max(900, cache TTL + function timeout) and cache TTL + function timeout.
    TENANT_SESSION_SECONDS: '900',
    TENANT_CREDENTIALS_MIN_VALIDITY_SECONDS: '70',
    TENANT_CREDENTIALS_RESOURCES: '/isolated',
    AWS_ENDPOINT_URL_STS: setup.stsEndpoint,
  };
  // A fresh token per verification: each one is signed anew (its own `sub`), none is reused.
  const tokens = await Promise.all(
    Array.from({ length: invocations }, () => setup.issuer.sign(TENANT)),
  );
  const jobs: ProbeJob[] = [
    {
      id: JOB.header,
      variant: shipped,
      runtime,
      key: 'authorizer',
      invocations,
      env: { TENANT_IDENTITY: 'header' },
      scenario: writeScenario('authorizer-header', {
        kind: 'authorizer',
        events: [authorizerEvent({ 'x-tenant-id': TENANT })],
        expectCredentials: false,
      }),
    },
    {
      id: JOB.jwt,
      variant: shipped,
      runtime,
      key: 'authorizer',
      invocations,
      env: {
        TENANT_IDENTITY: 'jwt',
        JWT_ISSUER: LOCAL_ISSUER,
        JWT_AUDIENCE: LOCAL_CLIENT_ID,
        JWT_JWKS_URL: setup.jwksUrl,
        JWT_TENANT_CLAIM: LOCAL_TENANT_CLAIM,
      },
      scenario: writeScenario('authorizer-jwt', {
        kind: 'authorizer',
        events: tokens.map((token) => authorizerEvent({ Authorization: `Bearer ${token}` })),
        expectCredentials: false,
      }),
    },
    {
      id: JOB.broker,
      variant: shipped,
      runtime,
      key: 'authorizer',
      invocations,
      env: { TENANT_IDENTITY: 'header', ...broker },
      scenario: writeScenario('authorizer-broker', {
        kind: 'authorizer',
        events: Array.from({ length: invocations }, (_, i) =>
          authorizerEvent({ 'x-tenant-id': brokerTenant(i) }),
        ),
        expectCredentials: true,
      }),
    },
    {
      id: JOB.after,
      variant: shipped,
      runtime,
      key: 'isolated',
      invocations: 1,
      env: { TENANT_CREDENTIALS: 'authorizer' },
      scenario: writeScenario('isolated-after', {
        kind: 'rest',
        authorizer: {
          tenantId: TENANT,
          accessKeyId: setup.accessKeyFor(TENANT),
          secretAccessKey: 'stand-in-secret',
          sessionToken: 'stand-in-token',
        },
      }),
    },
  ];
  if (setup.before !== undefined) {
    jobs.push({
      id: JOB.before,
      variant: setup.before,
      runtime,
      key: 'isolated',
      invocations: 1,
      env: { TENANT_DATA_ROLE_ARN: ROLE_ARN, AWS_ENDPOINT_URL_STS: setup.stsEndpoint },
    });
  }
  return jobs;
};

/** Median over processes of each process's quantile of the invocations `pick` selects. */
const perProcess = (
  samples: readonly ProbeResult[],
  pick: (ms: number, i: number) => boolean,
  q: number,
): number => median(samples.map((s) => quantile(s.invokeMs.filter(pick), q)));

export const authorizerRow = (
  id: AuthorizerRow['id'],
  samples: readonly ProbeResult[],
  init: InitFigures,
  stsCalls: number,
): AuthorizerRow => {
  const warm =
    id === 'header+broker'
      ? (_: number, i: number) => i % 2 === 1
      : (_: number, i: number) => i >= 1;
  return {
    id,
    init,
    invocationsPerProcess: samples[0]?.invokeMs.length ?? 0,
    warmP50Ms: perProcess(samples, warm, 0.5),
    warmP99Ms: perProcess(samples, warm, 0.99),
    ...(id === 'header+broker'
      ? { newTenantWarmMs: perProcess(samples, (_, i) => i >= 2 && i % 2 === 0, 0.5) }
      : {}),
    stsCallsPerProcess: samples.length === 0 ? 0 : stsCalls / samples.length,
  };
};
