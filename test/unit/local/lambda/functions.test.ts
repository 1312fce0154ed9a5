import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS_DIR, ROOT } from '../../../../scripts/build.js';
import { isBody, loadModule, type Module } from '../../../../scripts/lib/terraform/index.js';
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
  let terraform: Record<string, Record<string, unknown>>;

  beforeAll(async () => {
    mod = await loadModule(ROOT);
    const value = mod.locals.all_functions?.value;
    if (!isBody(value)) throw new Error('local.all_functions is missing');
    terraform = value as Record<string, Record<string, unknown>>;
  });

  const keys = Object.keys(FUNCTIONS) as FunctionKey[];

  it('has the keys of local.all_functions and of src/handlers/<key>.ts', () => {
    const handlers = readdirSync(HANDLERS_DIR).map((file) => file.replace(/\.ts$/, ''));
    expect([...keys].sort()).toEqual(Object.keys(terraform).sort());
    expect([...keys].sort()).toEqual(handlers.sort());
  });

  it.each(keys)('agrees with main.tf on route, tenant_isolation and uses_table of %s', (key) => {
    const spec = FUNCTIONS[key];
    expect({
      route: spec.route,
      tenant_isolation: spec.tenantIsolation,
      uses_table: spec.usesTable,
    }).toEqual({
      route: terraform[key]?.route,
      tenant_isolation: terraform[key]?.tenant_isolation,
      uses_table: terraform[key]?.uses_table,
    });
  });

  it.each(keys)('puts %s behind the authorizer exactly when main.tf can make it CUSTOM', (key) => {
    expect(String(terraform[key]?.authorization).includes('CUSTOM')).toBe(
      FUNCTIONS[key].authorized,
    );
  });

  it.each(keys)('requires the headers main.tf requires on %s', (key) => {
    const parameters = terraform[key]?.method_request_parameters as Record<string, boolean>;
    const required = Object.entries(parameters)
      .filter(([, isRequired]) => isRequired)
      .map(([name]) => name.replace('method.request.header.', ''));
    expect([...FUNCTIONS[key].requiredHeaders]).toEqual(required);
  });

  it.each(keys)('maps X-Amz-Tenant-Id on %s exactly when it has tenant isolation', (key) => {
    const parameters = terraform[key]?.integration_request_parameters as Record<string, string>;
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
      },
      key,
    );
    expect('TABLE_NAME' in env).toBe(FUNCTIONS[key].usesTable);
    expect(env.AWS_LAMBDA_FUNCTION_NAME).toBe(`local-${key}`);
  });
});
