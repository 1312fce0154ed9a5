/**
 * Review findings from "Ready for a first real deploy": what would go wrong only in AWS, checked
 * on what main.tf and variables.tf evaluate to.
 *
 * - Regions without Lambda tenant isolation are refused when the variable is read, not when
 *   Lambda refuses the isolated function's tenancy_config halfway through an apply.
 *   https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation.html#tenant-isolation-regions
 * - System logs at INFO, so Lambda keeps its START and REPORT lines (platform.start,
 *   platform.report), whose initDurationMs is each tenant's cold start.
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
 * - The tenant data role's trust follows a replaced authorizer role in one apply: IAM stores the
 *   trusted role ARN as that role's unique id, so the policy must change with the id.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
 * - The zips keep the settings that make their bytes the same on every machine, so a plan saved
 *   in one job applies in another with the plan's build/ (README, "Plan and apply in separate
 *   jobs").
 */
import { createHash } from 'node:crypto';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionKeys } from '../../scripts/build.js';
import type { Evaluator } from '../../scripts/lib/terraform/evaluate.js';
import { blockBodies, type HclBody, type HclValue } from '../../scripts/lib/terraform/hcl.js';
import { loadModule, type Module } from '../../scripts/lib/terraform/module.js';
import { BASIC_IDENTITIES, evaluatorOf } from './support/evaluation.js';
import { REPO_ROOT } from './support/paths.js';

let mod: Module;
beforeAll(async () => {
  mod = await loadModule(REPO_ROOT);
});

const evaluator = (vars: Record<string, HclValue> = {}): Evaluator => evaluatorOf(mod, vars);

const IDENTITIES = BASIC_IDENTITIES;

const block = (body: HclBody, name: string): HclBody => {
  const found = blockBodies(body[name])?.[0];
  if (!found) throw new Error(`block ${name} missing`);
  return found;
};

describe('aws_region: only Regions with Lambda tenant isolation', () => {
  /** The error messages of the aws_region validations that fail for a value. */
  const refusals = async (region: string): Promise<string[]> => {
    const validations = blockBodies(mod.variables.aws_region?.body.validation) ?? [];
    expect(validations.length).toBe(2);
    const ev = evaluator({ aws_region: region });
    const failed: string[] = [];
    for (const validation of validations) {
      if ((await ev.evaluate(validation.condition)) !== true) {
        failed.push(String(validation.error_message));
      }
    }
    return failed;
  };

  it.each([
    'us-east-1',
    'us-west-2',
    'eu-central-2',
    'ap-southeast-2',
    'ap-southeast-5',
    'ap-southeast-7',
    'me-central-1',
    'mx-central-1',
    'ca-west-1',
  ])('accepts the commercial Region %s', async (region) => {
    expect(await refusals(region)).toEqual([]);
  });

  it.each([
    ['ap-southeast-6', 'Asia Pacific (New Zealand)'],
    ['us-gov-west-1', 'AWS GovCloud'],
    ['us-gov-east-1', 'AWS GovCloud'],
    ['cn-north-1', 'China'],
    ['cn-northwest-1', 'China'],
    ['us-iso-east-1', 'ISO'],
    ['us-isob-east-1', 'ISO'],
    ['eu-isoe-west-1', 'ISO'],
  ])('refuses %s, saying why (%s has no tenant isolation)', async (region, why) => {
    const failed = await refusals(region);
    expect(failed.length).toBe(1);
    expect(failed[0]).toContain('Lambda offers tenant isolation (PER_TENANT)');
    expect(failed[0]).toContain(why);
    expect(failed[0]).toContain(
      'https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation.html#tenant-isolation-regions',
    );
  });

  it('keeps the format message for what is no Region code at all', async () => {
    expect(await refusals('US-EAST-1')).toEqual([
      'aws_region must be a Region code such as us-east-1 or eu-central-2.',
    ]);
  });

  it('says so in its description, which the README inputs table shows', () => {
    const description = String(mod.variables.aws_region?.body.description);
    for (const phrase of ['tenant isolation', 'ap-southeast-6', 'us-gov-*', 'cn-*']) {
      expect(description).toContain(phrase);
    }
  });
});

describe('function logs keep the platform lines', () => {
  it.each(IDENTITIES)(
    'sends system logs at INFO (START and REPORT with Init Duration), JSON, for every function (%s)',
    async (_label, vars) => {
      const ev = evaluator(vars);
      const keys = await ev.keysOf('aws_lambda_function.this');
      expect(keys.length).toBeGreaterThanOrEqual(2);
      for (const key of keys) {
        const logging = block(await ev.instance('aws_lambda_function.this', key), 'logging_config');
        expect(logging, String(key)).toMatchObject({
          log_format: 'JSON',
          system_log_level: 'INFO',
          application_log_level: 'INFO',
        });
      }
    },
  );
});

describe('tenant data role trust, rewritten when the authorizer role is replaced', () => {
  /** Terraform's substr(sha256(join(",", ids)), 0, 16), as main.tf writes the Sid. */
  const sidFor = (ids: string[]): string =>
    `AuthorizerWithTenantTag${createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 16)}`;

  it('derives the Sid from the trusted roles’ unique ids, hashed', () => {
    expect(mod.locals.tenant_data_trust_sid?.value).toBe(
      'AuthorizerWithTenantTag${substr(sha256(join(",", local.tenant_broker_role_ids)), 0, 16)}',
    );
  });

  it.each([true, false])(
    'hashes the unique id of exactly the broker’s role (tenant_scoped_credentials = %s)',
    async (scoped) => {
      const ids = await evaluator({ tenant_scoped_credentials: scoped }).evaluate(
        '${local.tenant_broker_role_ids}',
      );
      expect(ids).toEqual(scoped ? ['${aws_iam_role.function["authorizer"].unique_id}'] : []);
    },
  );

  it('gives a Sid IAM accepts (letters and digits only) that changes with the unique id', () => {
    // Unique ids as IAM shows them (AROA…); two roles of the same name have different ones.
    const before = sidFor(['AROADBQP57FF2AEXAMPLE']);
    const after = sidFor(['AROAEXAMPLE2REPLACED1']);
    for (const sid of [before, after]) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
    expect(after).not.toBe(before);
    expect(sidFor(['AROADBQP57FF2AEXAMPLE'])).toBe(before);
  });

  it('puts the Sid on the trust statement, whose principal stays the one role ARN', async () => {
    const statements = blockBodies(
      mod.data['aws_iam_policy_document.tenant_data_trust']?.body.statement,
    );
    expect(statements?.length).toBe(1);
    expect(statements?.[0]?.sid).toBe('${local.tenant_data_trust_sid}');

    const withSid: Module = {
      ...mod,
      locals: { ...mod.locals, tenant_data_trust_sid: { file: 'main.tf', value: 'StandIn' } },
    };
    const trust = await evaluatorOf(withSid).instance(
      'data.aws_iam_policy_document.tenant_data_trust',
      0,
    );
    expect(blockBodies(trust.statement)?.[0]?.principals).toEqual([
      { type: 'AWS', identifiers: ['${aws_iam_role.function["authorizer"].arn}'] },
    ]);
  });

  it('updates the trust in place: the role takes the document, nothing replaces the role', async () => {
    const role = await evaluator().instance('aws_iam_role.tenant_data', 0);
    expect(role.assume_role_policy).toBe(
      '${data.aws_iam_policy_document.tenant_data_trust[0].json}',
    );
    expect(role.lifecycle).toBeUndefined();
    expect(role.name).toBe('acme-tenant-data');
  });
});

describe('zips with stable bytes (plan and apply in separate jobs)', () => {
  it.each(functionKeys())(
    'zips dist/%s with a fixed file mode into build/, outside the bundle, and nothing else',
    async (key) => {
      const archive = await evaluator().instance('data.archive_file.function', key);
      // Only these arguments: no excludes, globs or inline content whose result could differ
      // between machines; output_file_mode overrides the mode each checkout gives the files.
      expect(Object.keys(archive).sort()).toEqual([
        'for_each',
        'lifecycle',
        'output_file_mode',
        'output_path',
        'source_dir',
        'type',
      ]);
      expect(archive.type).toBe('zip');
      expect(archive.output_file_mode).toBe('0644');
      expect(normalize(String(archive.source_dir))).toBe(join('dist', key));
      expect(normalize(String(archive.output_path))).toBe(join('build', `${key}.zip`));
      const inside = relative(String(archive.source_dir), String(archive.output_path));
      expect(inside.startsWith('..') || isAbsolute(inside)).toBe(true);
    },
  );
});
