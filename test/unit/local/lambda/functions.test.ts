import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS_DIR, ROOT } from '../../../../scripts/build.js';
import { moduleEvaluator } from '../../../../scripts/lib/terraform/evaluate.js';
import { isBody, loadModule, type Module } from '../../../../scripts/lib/terraform/index.js';
import type { IdentityMode } from '../../../../src/config/authorizer-config.js';
import {
  AUTHORIZER_FUNCTION,
  environmentVariables,
  FUNCTIONS,
  type FunctionKey,
  ROUTE_KEYS,
} from '../../../../src/local/lambda/functions.js';

/**
 * The local stack's function table must say what main.tf says: the same keys, and for each the
 * same routing, tenant isolation, table use, authorization and required headers.
 */
describe('the function table', () => {
  let mod: Module;
  /** local.all_functions as Terraform evaluates it, per identity mode. */
  const evaluated: Partial<Record<IdentityMode, Record<string, Record<string, unknown>>>> = {};
  const MODES: IdentityMode[] = ['header', 'jwt'];

  beforeAll(async () => {
    mod = await loadModule(ROOT);
    const value = mod.locals.all_functions?.value;
    if (!isBody(value)) throw new Error('local.all_functions is missing');
    for (const mode of MODES) {
      const ev = moduleEvaluator(mod, {
        aws_region: 'us-east-1',
        prefix: 'acme',
        tenant_identity: mode,
      });
      evaluated[mode] = (await ev.evaluate(value)) as Record<string, Record<string, unknown>>;
    }
  });

  const keys = Object.keys(FUNCTIONS) as FunctionKey[];
  const terraform = (mode: IdentityMode, key: FunctionKey) => evaluated[mode]?.[key] ?? {};

  it('has the keys of local.all_functions and of src/handlers/<key>.ts', () => {
    const handlers = readdirSync(HANDLERS_DIR).map((file) => file.replace(/\.ts$/, ''));
    expect([...keys].sort()).toEqual(Object.keys(evaluated.header ?? {}).sort());
    expect([...keys].sort()).toEqual(handlers.sort());
  });

  it.each(keys)('agrees with main.tf on route, tenant_isolation and uses_table of %s', (key) => {
    const spec = FUNCTIONS[key];
    expect({
      route: spec.route,
      tenant_isolation: spec.tenantIsolation,
      uses_table: spec.usesTable,
    }).toEqual({
      route: terraform('header', key).route,
      tenant_isolation: terraform('header', key).tenant_isolation,
      uses_table: terraform('header', key).uses_table,
    });
  });

  it.each(keys)('puts %s behind the authorizer in the modes main.tf makes it CUSTOM', (key) => {
    const modes = MODES.filter((mode) => terraform(mode, key).authorization === 'CUSTOM');
    expect(modes).toEqual([...FUNCTIONS[key].authorizedIn]);
  });

  it.each(keys)('requires, in each mode, the headers main.tf requires on %s', (key) => {
    for (const mode of MODES) {
      const parameters = terraform(mode, key).method_request_parameters as Record<string, boolean>;
      const required = Object.entries(parameters)
        .filter(([, isRequired]) => isRequired)
        .map(([name]) => name.replace('method.request.header.', ''));
      expect([...FUNCTIONS[key].requiredHeaders[mode]]).toEqual(required);
    }
  });

  it.each(keys)('maps X-Amz-Tenant-Id on %s exactly when it has tenant isolation', (key) => {
    const parameters = terraform('header', key).integration_request_parameters as Record<
      string,
      string
    >;
    expect('integration.request.header.X-Amz-Tenant-Id' in parameters).toBe(
      FUNCTIONS[key].tenantIsolation,
    );
  });

  it('names, for each route, an output of outputs.tf that holds its URL', () => {
    for (const key of ROUTE_KEYS) {
      const output = mod.outputs[FUNCTIONS[key].urlOutput];
      expect(output?.file).toBe('outputs.tf');
      expect(String(output?.body.value)).toContain(`/${key}`);
    }
  });

  it('has exactly one function that is not a route, the authorizer', () => {
    expect(keys.filter((key) => !FUNCTIONS[key].route)).toEqual([AUTHORIZER_FUNCTION]);
  });

  it.each(keys)('gives %s TABLE_NAME only when it uses the table', (key) => {
    const env = environmentVariables(
      {
        prefix: 'local',
        table: 'local-tenant-counters',
        storeEndpoint: 'http://127.0.0.1:1',
        functionsDir: join(ROOT, 'dist'),
        memoryMb: 256,
        timeoutMs: 1000,
        authorizer: { identity: { mode: 'header' } },
      },
      key,
    );
    expect('TABLE_NAME' in env).toBe(FUNCTIONS[key].usesTable);
    expect(env.AWS_LAMBDA_FUNCTION_NAME).toBe(`local-${key}`);
  });
});
