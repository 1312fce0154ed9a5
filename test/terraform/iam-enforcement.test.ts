/**
 * What IAM enforces on the keys our code writes: the DynamoDB conditions from main.tf are
 * evaluated against the very keys src/domain/counter-keys.ts computes. The embedded store used
 * elsewhere cannot enforce IAM, so this is where a handler bug that computed another tenant's
 * key is shown to be denied.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { blockBodies, type HclBody, isBody } from '../../scripts/lib/terraform/hcl.js';
import {
  allowsKeys,
  type Condition,
  renderHcl,
} from '../../scripts/lib/terraform/iam-condition.js';
import { loadModule, type Module } from '../../scripts/lib/terraform/module.js';
import { SHARED_COUNTER_KEY, tenantCounterKey } from '../../src/domain/counter-keys.js';
import { TENANT_TAG_KEY } from '../../src/identity/tenant-credentials.js';
import { REPO_ROOT } from './support/paths.js';

let mod: Module;
beforeAll(async () => {
  mod = await loadModule(REPO_ROOT);
});

const locals = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(mod.locals)
      .filter(([, local]) => typeof local.value === 'string')
      .map(([name, local]) => [name, String(local.value)]),
  );

const tenantDataCondition = (): Condition => {
  const statement = blockBodies(
    mod.data['aws_iam_policy_document.tenant_data']?.body.statement,
  )?.[0];
  const condition = blockBodies(statement?.condition)?.[0];
  if (!condition) throw new Error('tenant data policy has no condition');
  return {
    test: String(condition.test),
    values: (condition.values as string[]).map((value) => renderHcl(value, locals())),
  };
};

const functionCondition = (key: string): Condition => {
  const functions = mod.locals.all_functions?.value;
  const entry = isBody(functions) ? (functions[key] as HclBody) : undefined;
  if (!entry) throw new Error(`no function ${key}`);
  return { test: String(entry.leading_keys_test), values: entry.leading_keys as string[] };
};

describe('tenant data role (tenant_scoped_credentials = true)', () => {
  const session = { [TENANT_TAG_KEY]: 'acme' };

  it('renders the condition IAM will evaluate', () => {
    expect(tenantDataCondition().values).toEqual([`TENANT#\${aws:PrincipalTag/${TENANT_TAG_KEY}}`]);
  });

  it("allows the key the handler writes for the session's tenant", () => {
    expect(allowsKeys(tenantDataCondition(), [tenantCounterKey('acme')], session)).toBe(true);
  });

  it.each([
    ["another tenant's key (a bug computing the wrong tenant)", tenantCounterKey('globex')],
    ['the shared row', SHARED_COUNTER_KEY],
    ['a key that only starts like the tenant', tenantCounterKey('acme-evil')],
    ['a raw tenant id without prefix', 'acme'],
  ])('denies %s', (_label, key) => {
    expect(allowsKeys(tenantDataCondition(), [key], session)).toBe(false);
  });

  it('denies everything to a session without the tenant tag', () => {
    expect(allowsKeys(tenantDataCondition(), [tenantCounterKey('acme')], {})).toBe(false);
  });
});

describe('execution roles', () => {
  it('lets standard write SHARED and nothing else', () => {
    expect(allowsKeys(functionCondition('standard'), [SHARED_COUNTER_KEY])).toBe(true);
    expect(allowsKeys(functionCondition('standard'), [tenantCounterKey('SHARED')])).toBe(false);
  });

  it('lets isolated (without scoped credentials) write any tenant row but never SHARED', () => {
    expect(allowsKeys(functionCondition('isolated'), [tenantCounterKey('acme')])).toBe(true);
    expect(allowsKeys(functionCondition('isolated'), [tenantCounterKey('globex')])).toBe(true);
    expect(allowsKeys(functionCondition('isolated'), [SHARED_COUNTER_KEY])).toBe(false);
  });
});
