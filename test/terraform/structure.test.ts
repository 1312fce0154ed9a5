/**
 * What the mission needs from the Terraform module, checked on the parsed HCL: the prompts,
 * tenant isolation on the isolated function only, the header mapping and validator, least
 * privilege, the names users know, and the README tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionKeys } from '../../scripts/build.js';
import { TENANT_ID_RULE } from '../../src/domain/tenant-id.js';
import { CORS_HEADERS } from '../../src/local/gateway/routes.js';
import { bundlePath } from '../../src/local/lambda/functions.js';
import { TENANT_TAG_KEY } from '../../src/store/tenant-scoped-credentials.js';
import { instantiate } from './lib/for-each.js';
import { blockBodies, type HclBody, type HclValue, isBody } from './lib/hcl.js';
import { loadModule, type Module } from './lib/module.js';
import { docsSection, terraformDocs } from './lib/terraform-docs.js';
import { REPO_ROOT } from './support/paths.js';

let mod: Module;
beforeAll(async () => {
  mod = await loadModule(REPO_ROOT);
});

const functions = (): Record<string, HclBody> => {
  const value = mod.locals.all_functions?.value;
  if (!isBody(value)) throw new Error('local.all_functions is missing');
  return value as Record<string, HclBody>;
};

const resource = (address: string): HclBody => {
  const block = mod.resources[address] ?? mod.data[address];
  if (!block) throw new Error(`${address} is not declared`);
  return block.body;
};

/** A for_each resource's body as one function key sees it. */
const forFunction = (address: string, key: string): HclBody => {
  const entry = functions()[key];
  if (!entry) throw new Error(`no function ${key}`);
  return instantiate(resource(address), key, entry) as HclBody;
};

const block = (body: HclBody, name: string): HclBody => {
  const found = blockBodies(body[name])?.[0];
  if (!found) throw new Error(`block ${name} missing`);
  return found;
};

const text = (value: HclValue | undefined): string => JSON.stringify(value ?? null);

describe('variables', () => {
  it('asks at apply time for exactly aws_region and prefix', () => {
    const prompted = Object.entries(mod.variables)
      .filter(([, variable]) => !Object.hasOwn(variable.body, 'default'))
      .map(([name]) => name)
      .sort();
    expect(prompted).toEqual(['aws_region', 'prefix']);
  });

  it('gives every variable a type and a description', () => {
    for (const [name, { body }] of Object.entries(mod.variables)) {
      expect(body.type, name).toMatch(/^\$\{.+\}$/);
      expect(String(body.description ?? '').length, name).toBeGreaterThan(20);
    }
  });

  it('validates the two prompted variables', () => {
    expect(blockBodies(mod.variables.aws_region?.body.validation)?.length).toBe(1);
    expect(blockBodies(mod.variables.prefix?.body.validation)?.length).toBe(1);
  });

  it('defaults the stage to dev and the timeout to the local stack default of 10 s', () => {
    expect(mod.variables.stage_name?.body.default).toBe('dev');
    expect(mod.variables.lambda_timeout?.body.default).toBe(10);
    expect(mod.variables.lambda_architecture?.body.default).toBe('arm64');
  });
});

describe('prefix length', () => {
  const prefixPattern = (): RegExp => {
    const condition = String(blockBodies(mod.variables.prefix?.body.validation)?.[0]?.condition);
    const match = /regex\("(.+)", var\.prefix\)/.exec(condition);
    if (!match?.[1]) throw new Error(`unexpected prefix validation: ${condition}`);
    return new RegExp(JSON.parse(`"${match[1]}"`));
  };

  const longestAccepted = (): string => {
    const pattern = prefixPattern();
    let prefix = 'a';
    while (pattern.test(`${prefix}a`)) prefix += 'a';
    return prefix;
  };

  it.each([
    ['acme', true],
    ['acme-demo-1', true],
    ['Acme', false],
    ['1acme', false],
    ['acme-', false],
    ['acme_demo', false],
    ['', false],
  ])('treats %j as valid: %s', (prefix, valid) => {
    expect(prefixPattern().test(prefix)).toBe(valid);
  });

  it('keeps every IAM role and Lambda function name within 64 characters', () => {
    const prefix = longestAccepted();
    const templates = [
      String(resource('aws_iam_role.function').name),
      String(resource('aws_iam_role.tenant_data').name),
      String(resource('aws_lambda_function.this').function_name),
    ];
    const names = templates.flatMap((template) =>
      functionKeys().map((key) =>
        template.replaceAll('${var.prefix}', prefix).replaceAll('${each.key}', key),
      ),
    );
    expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(64);
    // …and the bound is tight: one more character would break the longest name.
    expect(Math.max(...names.map((name) => name.length))).toBe(64);
  });
});

describe('functions', () => {
  it('declares one function per handler, with the same keys', () => {
    expect(Object.keys(functions()).sort()).toEqual(functionKeys());
  });

  it('deploys every function but the authorizer only when it is enabled', () => {
    expect(mod.locals.functions?.value).toBe(
      '${{ for key, function in local.all_functions : key => function if function.enabled }}',
    );
    expect(functions().standard?.enabled).toBe(true);
    expect(functions().isolated?.enabled).toBe(true);
    expect(functions().authorizer?.enabled).toBe('${var.tenant_id_authorizer}');
  });

  it('routes only the standard and isolated functions', () => {
    const routed = Object.entries(functions())
      .filter(([, entry]) => entry.route === true)
      .map(([key]) => key);
    expect(routed.sort()).toEqual(['isolated', 'standard']);
    expect(resource('aws_api_gateway_method.get').for_each).toBe('${local.routes}');
  });

  it('zips the bundle the build writes and points the handler at it', () => {
    expect(mod.locals.dist_dir?.value).toBe('${path.module}/dist');
    for (const key of functionKeys()) {
      const archive = forFunction('archive_file.function', key);
      const sourceDir = String(archive.source_dir).replace('${local.dist_dir}', 'dist');
      expect(bundlePath(key).endsWith(join(sourceDir, 'index.mjs'))).toBe(true);
      expect(forFunction('aws_lambda_function.this', key).handler).toBe('index.handler');
    }
  });

  it('stops the plan with a build hint when a bundle is missing', () => {
    const lifecycle = block(resource('archive_file.function'), 'lifecycle');
    const precondition = block(lifecycle, 'precondition');
    expect(precondition.condition).toContain('fileexists(');
    expect(precondition.error_message).toContain('npm run build');
  });

  it('enables PER_TENANT isolation on the isolated function only', () => {
    const isolatedOnly = Object.entries(functions())
      .filter(([, entry]) => entry.tenant_isolation === true)
      .map(([key]) => key);
    expect(isolatedOnly).toEqual(['isolated']);
    const dynamic = resource('aws_lambda_function.this').dynamic;
    const tenancy = isBody(dynamic) ? blockBodies(dynamic.tenancy_config)?.[0] : undefined;
    expect(tenancy?.for_each).toBe('${each.value.tenant_isolation ? ["PER_TENANT"] : []}');
    expect(blockBodies(tenancy?.content)?.[0]?.tenant_isolation_mode).toBe(
      '${tenancy_config.value}',
    );
  });

  it('gives the table name only to the functions that use the table', () => {
    const users = Object.entries(functions())
      .filter(([, entry]) => entry.uses_table === true)
      .map(([key]) => key);
    expect(users.sort()).toEqual(['isolated', 'standard']);
  });

  it('logs in JSON to its own log group and reads the table name from TABLE_NAME', () => {
    for (const key of functionKeys()) {
      const fn = forFunction('aws_lambda_function.this', key);
      const logging = block(fn, 'logging_config');
      expect(logging.log_format).toBe('JSON');
      expect(logging.log_group).toBe('${aws_cloudwatch_log_group.function[each.key].name}');
      const variables = String(block(fn, 'environment').variables);
      expect(variables).toContain(
        'TABLE_NAME           = each.value.uses_table ? aws_dynamodb_table.counters.name : null',
      );
      expect(variables).toContain(
        'TENANT_DATA_ROLE_ARN = each.value.assumes_tenant_data_role ? one(aws_iam_role.tenant_data[*].arn) : null',
      );
      expect(variables).toContain('if value != null');
    }
  });
});

describe('API Gateway', () => {
  it('is a REGIONAL REST API', () => {
    const api = resource('aws_api_gateway_rest_api.this');
    expect(block(api, 'endpoint_configuration').types).toEqual(['REGIONAL']);
  });

  it('requires x-tenant-id on /isolated through a parameter validator', () => {
    const method = forFunction('aws_api_gateway_method.get', 'isolated');
    expect(method.request_parameters).toEqual({ 'method.request.header.x-tenant-id': true });
    expect(method.request_validator_id).toContain(
      'aws_api_gateway_request_validator.parameters.id',
    );
    expect(
      resource('aws_api_gateway_request_validator.parameters').validate_request_parameters,
    ).toBe(true);
  });

  it('maps X-Amz-Tenant-Id on the isolated integration from the authorizer, else the header', () => {
    expect(forFunction('aws_api_gateway_integration.get', 'isolated').request_parameters).toEqual({
      'integration.request.header.X-Amz-Tenant-Id':
        '${var.tenant_id_authorizer ? "context.authorizer.tenantId" : "method.request.header.x-tenant-id"}',
    });
  });

  it('puts the tenant id authorizer on GET /isolated only', () => {
    expect(functions().isolated?.authorization).toBe(
      '${var.tenant_id_authorizer ? "CUSTOM" : "NONE"}',
    );
    expect(functions().standard?.authorization).toBe('NONE');
    expect(resource('aws_api_gateway_method.get').authorizer_id).toBe(
      '${each.value.authorization == "CUSTOM" ? one(aws_api_gateway_authorizer.tenant_id[*].id) : null}',
    );
  });

  it('runs the authorizer on x-tenant-id with a cached answer', () => {
    expect(resource('aws_api_gateway_authorizer.tenant_id')).toMatchObject({
      count: '${var.tenant_id_authorizer ? 1 : 0}',
      type: 'REQUEST',
      identity_source: 'method.request.header.x-tenant-id',
      authorizer_uri: '${aws_lambda_function.this["authorizer"].invoke_arn}',
      authorizer_result_ttl_in_seconds: '${var.authorizer_cache_ttl_seconds}',
    });
    expect(mod.variables.authorizer_cache_ttl_seconds?.body.default).toBe(300);
    expect(mod.variables.tenant_id_authorizer?.body.default).toBe(true);
  });

  it('lets API Gateway invoke the authorizer only as this authorizer', () => {
    expect(resource('aws_lambda_permission.authorizer').source_arn).toBe(
      '${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.tenant_id[0].id}',
    );
  });

  it('answers a refused or missing tenant id with a JSON 400 that names the rule', () => {
    const responses = String(resource('aws_api_gateway_gateway_response.tenant_id').for_each);
    expect(responses).toContain('ACCESS_DENIED = jsonencode');
    expect(responses).toContain('error   = "InvalidTenantId"');
    expect(responses).toContain('message = "Invalid tenant id: ${local.tenant_id_rule}"');
    expect(responses).toContain('message = "Missing required request parameters: [x-tenant-id]"');
    expect(resource('aws_api_gateway_gateway_response.tenant_id').status_code).toBe('400');
    expect(mod.locals.tenant_id_rule?.value).toBe(TENANT_ID_RULE);
  });

  it('never maps a tenant id or requires the header on /standard', () => {
    expect(forFunction('aws_api_gateway_method.get', 'standard').request_parameters).toEqual({});
    expect(forFunction('aws_api_gateway_integration.get', 'standard').request_parameters).toEqual(
      {},
    );
    expect(text(functions().standard)).not.toContain('X-Amz-Tenant-Id');
  });

  it('proxies GET to Lambda and answers OPTIONS without it, for both paths', () => {
    for (const key of functionKeys()) {
      const integration = forFunction('aws_api_gateway_integration.get', key);
      expect(integration.type).toBe('AWS_PROXY');
      expect(integration.integration_http_method).toBe('POST');
      expect(forFunction('aws_api_gateway_method.get', key).http_method).toBe('GET');
      expect(forFunction('aws_api_gateway_method.options', key).http_method).toBe('OPTIONS');
      expect(forFunction('aws_api_gateway_integration.options', key).type).toBe('MOCK');
    }
  });

  it('answers CORS preflight in the local stack with the same headers as main.tf', () => {
    const configured = mod.locals.cors_headers?.value as Record<string, string>;
    const local = Object.fromEntries(
      Object.keys(configured).map((name) => [name, `'${CORS_HEADERS[name] ?? ''}'`]),
    );
    expect(Object.keys(configured).length).toBe(3);
    expect(local).toEqual(configured);
  });

  it('prints curl commands for the routes only, never the authorizer', () => {
    expect(String(mod.outputs.curl_commands?.body.value)).toContain(
      'for key in keys(local.routes)',
    );
  });

  it('deploys the functions only after every role policy they rely on exists', () => {
    expect(resource('aws_lambda_function.this').depends_on).toEqual([
      '${aws_iam_role_policy.function}',
      '${aws_iam_role_policy.tenant_data}',
    ]);
  });

  it('lets API Gateway invoke each function only for its own method and path', () => {
    const permission = forFunction('aws_lambda_permission.api_gateway', 'isolated');
    expect(permission.principal).toBe('apigateway.amazonaws.com');
    expect(permission.source_arn).toBe(
      '${aws_api_gateway_rest_api.this.execution_arn}/*/${aws_api_gateway_method.get[each.key].http_method}/isolated',
    );
  });

  it('redeploys when any method, integration or response changes, OPTIONS included', () => {
    const deployment = resource('aws_api_gateway_deployment.this');
    const trigger = text(deployment.triggers);
    const apiResources = Object.keys(mod.resources).filter((address) =>
      /^aws_api_gateway_(resource|method|integration|method_response|integration_response|gateway_response|request_validator|authorizer)\./.test(
        address,
      ),
    );
    expect(apiResources.length).toBeGreaterThanOrEqual(8);
    for (const address of apiResources) expect(trigger).toContain(address);
    expect(block(deployment, 'lifecycle').create_before_destroy).toBe(true);
  });

  it('throttles every method of the stage with the variables', () => {
    expect(resource('aws_api_gateway_stage.this').stage_name).toBe('${var.stage_name}');
    const settings = resource('aws_api_gateway_method_settings.all');
    expect(settings.method_path).toBe('*/*');
    expect(block(settings, 'settings')).toMatchObject({
      throttling_rate_limit: '${var.throttling_rate_limit}',
      throttling_burst_limit: '${var.throttling_burst_limit}',
    });
  });
});

describe('IAM', () => {
  /** `${var.tenant_scoped_credentials}` and its negation, for one value of the variable. */
  const flag = (value: HclValue | undefined, scoped: boolean): boolean => {
    if (typeof value === 'boolean') return value;
    if (value === '${var.tenant_scoped_credentials}') return scoped;
    if (value === '${!var.tenant_scoped_credentials}') return !scoped;
    throw new Error(`unexpected flag expression ${String(value)}`);
  };

  /** The statements one function's policy document expands to, dynamic blocks included. */
  const statements = (key: string, scoped: boolean): HclBody[] => {
    const entry = functions()[key];
    if (!entry) throw new Error(`no function ${key}`);
    const document = forFunction('aws_iam_policy_document.function', key);
    const expanded = [...(blockBodies(document.statement) ?? [])];
    const dynamic = isBody(document.dynamic) ? blockBodies(document.dynamic.statement) : [];
    for (const generator of dynamic ?? []) {
      const guard = /^\$\{each\.value\.(\w+) \?/.exec(String(generator.for_each))?.[1];
      if (guard === undefined) throw new Error(`unexpected for_each ${String(generator.for_each)}`);
      if (!flag(entry[guard], scoped)) continue;
      const content = blockBodies(generator.content)?.[0] ?? {};
      const resolved = JSON.parse(
        JSON.stringify(content).replace(/"\$\{statement\.value\.(\w+)\}"/g, (_m, field: string) =>
          JSON.stringify(entry[field]),
        ),
      ) as HclBody;
      expanded.push(
        JSON.parse(
          JSON.stringify(resolved).replaceAll(
            '${statement.value}',
            '${aws_iam_role.tenant_data[0].arn}',
          ),
        ) as HclBody,
      );
    }
    return expanded.sort((a, b) => String(a.sid).localeCompare(String(b.sid)));
  };

  const logs = {
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: ['${aws_cloudwatch_log_group.function[each.key].arn}:log-stream:*'],
  };
  const ownCounters = (test: string, keys: string[]) => ({
    sid: 'IncrementOwnCounters',
    actions: ['dynamodb:UpdateItem'],
    resources: ['${aws_dynamodb_table.counters.arn}'],
    condition: [{ test, variable: 'dynamodb:LeadingKeys', values: keys }],
  });

  it.each([true, false])(
    'allows standard only UpdateItem on SHARED and its own logs (tenant_scoped_credentials = %s)',
    (scoped) => {
      expect(statements('standard', scoped)).toEqual([
        ownCounters('ForAllValues:StringEquals', ['SHARED']),
        logs,
      ]);
    },
  );

  it('gives isolated no table access of its own, only the tenant data role, when scoped', () => {
    expect(statements('isolated', true)).toEqual([
      {
        sid: 'AssumeTenantDataRole',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: ['${aws_iam_role.tenant_data[0].arn}'],
      },
      logs,
    ]);
  });

  it.each([true, false])(
    'gives the authorizer nothing but its own logs (tenant_scoped_credentials = %s)',
    (scoped) => {
      expect(statements('authorizer', scoped)).toEqual([logs]);
    },
  );

  it('falls back to UpdateItem on TENANT#* keys for isolated when not scoped', () => {
    expect(statements('isolated', false)).toEqual([
      ownCounters('ForAllValues:StringLike', ['TENANT#*']),
      logs,
    ]);
  });

  it('lets the tenant data role write only the key of the tenant in its session tag', () => {
    expect(blockBodies(resource('aws_iam_policy_document.tenant_data').statement)).toEqual([
      {
        sid: 'IncrementTaggedTenantCounterOnly',
        actions: ['dynamodb:UpdateItem'],
        resources: ['${aws_dynamodb_table.counters.arn}'],
        condition: [
          {
            test: 'ForAllValues:StringEquals',
            variable: 'dynamodb:LeadingKeys',
            values: ['TENANT#$${aws:PrincipalTag/${local.tenant_tag_key}}'],
          },
        ],
      },
    ]);
    expect(resource('aws_iam_role.tenant_data').count).toBe(
      '${var.tenant_scoped_credentials ? 1 : 0}',
    );
  });

  it('lets only the isolated execution role assume the tenant data role, with the tenant tag alone', () => {
    expect(blockBodies(resource('aws_iam_policy_document.tenant_data_trust').statement)).toEqual([
      {
        sid: 'IsolatedFunctionWithTenantTag',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'AWS', identifiers: ['${aws_iam_role.function["isolated"].arn}'] }],
        condition: [
          { test: 'Null', variable: 'aws:RequestTag/${local.tenant_tag_key}', values: ['false'] },
          {
            test: 'ForAllValues:StringEquals',
            variable: 'aws:TagKeys',
            values: ['${local.tenant_tag_key}'],
          },
        ],
      },
    ]);
  });

  it('tags sessions with the key the handler sends', () => {
    expect(mod.locals.tenant_tag_key?.value).toBe(TENANT_TAG_KEY);
  });

  it('has no wildcard DynamoDB action or resource anywhere', () => {
    const documents = Object.entries(mod.data).filter(([address]) =>
      address.startsWith('aws_iam_policy_document.'),
    );
    const all = documents.flatMap(([, data]) => [
      ...(blockBodies(data.body.statement) ?? []),
      ...(isBody(data.body.dynamic)
        ? (blockBodies(data.body.dynamic.statement) ?? []).flatMap(
            (generator) => blockBodies(generator.content) ?? [],
          )
        : []),
    ]);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const statement of all) {
      const actions = (statement.actions as string[] | undefined) ?? [];
      for (const action of actions) expect(action).not.toContain('*');
      if (actions.some((action) => action.startsWith('dynamodb:'))) {
        expect(statement.resources).toEqual(['${aws_dynamodb_table.counters.arn}']);
      }
    }
  });

  it('lets only the Lambda service assume the function roles', () => {
    const trust = blockBodies(resource('aws_iam_policy_document.lambda_assume_role').statement);
    expect(trust).toEqual([
      {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }],
      },
    ]);
  });
});

describe('DynamoDB table', () => {
  it('is on-demand, keyed by pk (S), encrypted and removable by destroy', () => {
    const table = resource('aws_dynamodb_table.counters');
    expect(table).toMatchObject({
      name: '${var.prefix}-tenant-counters',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      deletion_protection_enabled: false,
    });
    expect(blockBodies(table.attribute)).toEqual([{ name: 'pk', type: 'S' }]);
    expect(block(table, 'server_side_encryption').enabled).toBe(true);
  });
});

describe('outputs', () => {
  it('keeps the names users know from the original pattern, and the extras', () => {
    expect(Object.keys(mod.outputs).sort()).toEqual([
      'curl_commands',
      'dynamodb_table_name',
      'isolated_tenant_api_endpoint_url',
      'lambda_function_names',
      'rest_api_id',
      'stage_invoke_url',
      'standard_multi_tenant_api_endpoint_url',
    ]);
  });

  it.each([
    ['standard_multi_tenant_api_endpoint_url', '/standard'],
    ['isolated_tenant_api_endpoint_url', '/isolated'],
  ])('builds %s from the stage invoke URL and %s', (name, path) => {
    expect(mod.outputs[name]?.body.value).toBe(`\${aws_api_gateway_stage.this.invoke_url}${path}`);
  });

  it('describes every output', () => {
    for (const [name, { body }] of Object.entries(mod.outputs)) {
      expect(String(body.description ?? '').length, name).toBeGreaterThan(15);
    }
  });
});

describe('README', () => {
  it('lists inputs and outputs exactly as terraform-docs would (npm run docs)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(docsSection(readme)).toBe(terraformDocs(mod));
  });
});
