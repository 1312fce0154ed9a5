import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchema, SCHEMA_DIR, type TypeSchema } from '../../scripts/lib/terraform/schema.js';
import { providers } from '../../scripts/provider-schema/types.js';

const schema = loadSchema();

function resource(type: string): TypeSchema {
  const found = schema.resources[type] ?? schema.dataSources[type];
  if (!found) throw new Error(`${type} is not in the snapshot`);
  return found;
}

describe('provider schema snapshot', () => {
  it.each([
    ['aws', 'registry.terraform.io/hashicorp/aws', '6.66.0', '@cdktn/provider-aws', '25.7.0'],
    [
      'archive',
      'registry.terraform.io/hashicorp/archive',
      expect.stringMatching(/^2\./),
      '@cdktn/provider-archive',
      expect.any(String),
    ],
  ])('records where the %s schema came from', (name, source, version, npmPackage, npmVersion) => {
    expect(schema.provenance[name]).toEqual({
      provider_source: source,
      provider_version: version,
      npm_package: npmPackage,
      npm_version: npmVersion,
      generated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      generator: 'scripts/provider-schema.ts',
    });
  });

  it.each(providers.flatMap((provider) => provider.resources))('has resource %s', (type) => {
    expect(schema.resources[type]).toBeDefined();
  });

  it.each(providers.flatMap((provider) => provider.dataSources))('has data source %s', (type) => {
    expect(schema.dataSources[type]).toBeDefined();
  });

  it('requires function_name and role on aws_lambda_function, and nothing else', () => {
    const required = Object.entries(resource('aws_lambda_function').arguments).filter(
      ([, m]) => m === 'required',
    );

    expect(required.map(([name]) => name).sort()).toEqual(['function_name', 'role']);
  });

  it('gives aws_lambda_function a single tenancy_config block with tenant_isolation_mode', () => {
    expect(resource('aws_lambda_function').blocks.tenancy_config).toEqual({
      nesting: 'single',
      required: false,
      arguments: { tenant_isolation_mode: 'required' },
      blocks: {},
    });
  });

  it('gives aws_lambda_function a logging_config block with log_format and log_group', () => {
    const logging = resource('aws_lambda_function').blocks.logging_config;

    expect(logging?.arguments).toMatchObject({ log_format: 'required', log_group: 'optional' });
  });

  it.each([
    ['aws_lambda_function', 'invoke_arn'],
    ['aws_lambda_function', 'qualified_arn'],
    ['aws_api_gateway_rest_api', 'root_resource_id'],
    ['aws_api_gateway_rest_api', 'execution_arn'],
    ['aws_api_gateway_stage', 'invoke_url'],
    ['aws_dynamodb_table', 'arn'],
    ['aws_iam_policy_document', 'json'],
    ['aws_caller_identity', 'account_id'],
    ['archive_file', 'output_base64sha256'],
  ])('lists %s attribute %s as computed', (type, attribute) => {
    expect(resource(type).attributes).toContain(attribute);
  });

  it.each([
    ['aws_lambda_function', 's3_bucket'],
    ['aws_lambda_function', 'code_sha256'],
    ['aws_dynamodb_table', 'hash_key'],
    ['archive_file', 'output_path'],
  ])('names %s argument %s in snake_case as Terraform does', (type, argument) => {
    expect(resource(type).arguments).toHaveProperty(argument);
  });

  it('marks the settings block of aws_api_gateway_method_settings as required', () => {
    expect(resource('aws_api_gateway_method_settings').blocks.settings?.required).toBe(true);
  });

  it('gives the aws provider region and a default_tags block', () => {
    expect(schema.providers.aws?.arguments.region).toBe('optional');
    expect(schema.providers.aws?.blocks.default_tags?.arguments).toHaveProperty('tags');
  });

  it.each(readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')))(
    '%s is stored with sorted keys, so a regeneration diffs cleanly',
    (file) => {
      const text = readFileSync(join(SCHEMA_DIR, file), 'utf8');
      const sorted = JSON.stringify(
        JSON.parse(text),
        (_key, value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value)
            ? Object.fromEntries(
                Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
              )
            : value,
        2,
      );

      expect(text).toBe(`${sorted}\n`);
    },
  );
});
