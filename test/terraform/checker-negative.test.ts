import { describe, expect, it } from 'vitest';
import { formatProblems, parseTf } from '../../scripts/lib/terraform/hcl.js';
import { validateDirectory } from '../../scripts/lib/terraform/schema-check.js';
import { breakFixture, VALID_MAIN_TF, withModule } from './support/fixture.js';

const validate = (mainTf: string): Promise<string[]> =>
  withModule({ 'main.tf': mainTf }, (dir) => validateDirectory(dir));

const LAMBDA = 'main.tf: aws_lambda_function.this';

describe('offline terraform validate', () => {
  it('finds no problem in the valid fixture (so each failure below is the break)', async () => {
    expect(await validate(VALID_MAIN_TF)).toEqual([]);
  });

  it.each([
    {
      name: 'an unknown argument',
      find: '  runtime          = "nodejs22.x"\n',
      replace: '  runtime          = "nodejs22.x"\n  memory_sizes     = 128\n',
      problem: `${LAMBDA}: unknown argument "memory_sizes"`,
    },
    {
      name: 'an unknown block',
      find: '  lifecycle {\n',
      replace: '  snapstart {\n    apply_on = "PublishedVersions"\n  }\n\n  lifecycle {\n',
      problem: `${LAMBDA}: unknown block "snapstart"`,
    },
    {
      name: 'an unknown argument in a nested block',
      find: '    log_format = "JSON"\n',
      replace: '    log_format = "JSON"\n    format     = "JSON"\n',
      problem: `${LAMBDA}: logging_config: unknown argument "format"`,
    },
    {
      name: 'an unknown argument in dynamic block content',
      find: '      tenant_isolation_mode = "PER_TENANT"\n',
      replace: '      tenant_isolation = "PER_TENANT"\n',
      problem: `${LAMBDA}: tenancy_config: unknown argument "tenant_isolation"`,
    },
    {
      name: 'a dynamic block for a block the type does not have',
      find: 'dynamic "tenancy_config"',
      replace: 'dynamic "tenancy"',
      problem: `${LAMBDA}: unknown block "tenancy" in dynamic "tenancy"`,
    },
    {
      name: 'a missing required argument',
      find: '  role             = aws_iam_role.this[each.key].arn\n',
      replace: '',
      problem: `${LAMBDA}: missing required argument "role"`,
    },
    {
      name: 'a missing required argument in a nested block',
      find: '    log_format = "JSON"\n',
      replace: '',
      problem: `${LAMBDA}: logging_config: missing required argument "log_format"`,
    },
    {
      name: 'a missing required block',
      find: '  settings {\n    metrics_enabled = true\n  }\n',
      replace: '',
      problem: 'main.tf: aws_api_gateway_method_settings.all: missing required block "settings"',
    },
    {
      name: 'an argument placed outside its block',
      find: '  logging_config {\n    log_format = "JSON"\n',
      replace: '  log_format = "JSON"\n  logging_config {\n',
      problem: `${LAMBDA}: unknown argument "log_format" (it belongs in logging_config)`,
    },
    {
      name: 'a nested block placed at the wrong level',
      find: '    actions = ["sts:AssumeRole"]\n    principals {\n      type        = "Service"\n      identifiers = ["lambda.amazonaws.com"]\n    }\n  }\n',
      replace:
        '    actions = ["sts:AssumeRole"]\n  }\n  principals {\n    type        = "Service"\n    identifiers = ["lambda.amazonaws.com"]\n  }\n',
      problem:
        'main.tf: data.aws_iam_policy_document.assume: unknown block "principals" (it belongs in statement)',
    },
    {
      name: 'a block written as an argument',
      find: '  logging_config {\n    log_format = "JSON"\n    log_group  = aws_cloudwatch_log_group.this[each.key].name\n  }\n',
      replace: '  logging_config = { log_format = "JSON" }\n',
      problem: `${LAMBDA}: "logging_config" is a block: write logging_config { ... }, not logging_config = ...`,
    },
    {
      name: 'a single block written twice',
      find: '  dynamic "tenancy_config"',
      replace: '  logging_config {\n    log_format = "Text"\n  }\n\n  dynamic "tenancy_config"',
      problem: `${LAMBDA}: at most one "logging_config" block is allowed, found 2`,
    },
    {
      name: 'a computed attribute set as an argument',
      find: '  name = var.prefix\n',
      replace: '  name             = var.prefix\n  root_resource_id = "abc"\n',
      problem:
        'main.tf: aws_api_gateway_rest_api.this: "root_resource_id" is computed by the provider and cannot be set',
    },
    {
      name: 'an unknown lifecycle argument',
      find: '    ignore_changes = [tags]\n',
      replace: '    ignore_changes        = [tags]\n    create_before_destroi = true\n',
      problem: `${LAMBDA}: lifecycle: unknown argument "create_before_destroi"`,
    },
    {
      name: 'an unknown resource type',
      find: 'resource "aws_lambda_function" "this"',
      replace: 'resource "aws_lambda_functions" "this"',
      problem:
        'main.tf: aws_lambda_functions.this: unknown resource type "aws_lambda_functions" (hashicorp/aws 6.66.0 has no such type, or it is missing from the snapshot (run scripts/provider-schema.ts))',
    },
    {
      name: 'an unknown data source type',
      find: 'data "archive_file" "handler"',
      replace: 'data "archive_files" "handler"',
      problem: expect.stringContaining(
        'main.tf: data.archive_files.handler: unknown data source type "archive_files"',
      ),
    },
    {
      name: 'a reference to an undeclared resource',
      find: 'role             = aws_iam_role.this[each.key].arn',
      replace: 'role             = aws_iam_role.lambda[each.key].arn',
      problem: `${LAMBDA}: reference to undeclared resource aws_iam_role.lambda (in aws_iam_role.lambda[…].arn)`,
    },
    {
      name: 'a reference to an undeclared data source',
      find: 'data.aws_iam_policy_document.assume.json',
      replace: 'data.aws_iam_policy_document.trust.json',
      problem:
        'main.tf: aws_iam_role.this: reference to undeclared data source data.aws_iam_policy_document.trust.json',
    },
    {
      name: 'a reference to an attribute the type does not have',
      find: 'role             = aws_iam_role.this[each.key].arn',
      replace: 'role             = aws_iam_role.this[each.key].role_arn',
      problem: `${LAMBDA}: aws_iam_role.this[…].role_arn: aws_iam_role has no attribute "role_arn"`,
    },
    {
      name: 'a reference to a data source attribute that does not exist',
      find: 'output_base64sha256',
      replace: 'output_base64_sha256',
      problem: `${LAMBDA}: data.archive_file.handler[…].output_base64_sha256: archive_file has no attribute "output_base64_sha256"`,
    },
    {
      name: 'a literal-key reference to a missing attribute',
      find: 'value       = { for key, fn in aws_lambda_function.this : key => fn.arn }',
      replace: 'value       = aws_lambda_function.this["isolated"].url',
      problem:
        'main.tf: output "function_arns": aws_lambda_function.this["isolated"].url: aws_lambda_function has no attribute "url"',
    },
    {
      name: 'a for_each resource referenced without an instance key',
      find: 'role             = aws_iam_role.this[each.key].arn',
      replace: 'role             = aws_iam_role.this.arn',
      problem: `${LAMBDA}: aws_iam_role.this.arn: aws_iam_role.this has for_each, so an instance key must come before ".arn"`,
    },
    {
      name: 'a single resource referenced with an instance key',
      find: 'rest_api_id = aws_api_gateway_rest_api.this.id',
      replace: 'rest_api_id = aws_api_gateway_rest_api.this["x"].id',
      problem:
        'main.tf: aws_api_gateway_method_settings.all: aws_api_gateway_rest_api.this["x"].id: aws_api_gateway_rest_api.this has neither count nor for_each, so it has no instances to index',
    },
    {
      name: 'a reference to an undeclared variable',
      find: 'name = var.prefix\n',
      replace: 'name = var.prefixes\n',
      problem:
        'main.tf: aws_api_gateway_rest_api.this: reference to undeclared variable var.prefixes',
    },
    {
      name: 'a reference to an undeclared local value',
      find: '  for_each          = local.functions\n',
      replace: '  for_each          = local.function_map\n',
      problem:
        'main.tf: aws_cloudwatch_log_group.this: reference to undeclared local value local.function_map',
    },
    {
      name: 'each used where for_each is not set',
      find: 'name = var.prefix\n',
      replace: 'name = each.key\n',
      problem: 'main.tf: aws_api_gateway_rest_api.this: each.key used where for_each is not set',
    },
    {
      name: 'an unknown argument in a variable block',
      find: '  description = "AWS region to deploy to, e.g. eu-west-1."\n',
      replace:
        '  description = "AWS region to deploy to, e.g. eu-west-1."\n  defaults    = "eu-west-1"\n',
      problem: 'main.tf: variable "aws_region": unknown argument "defaults"',
    },
    {
      name: 'an unknown argument in an output block',
      find: '  description = "Function ARNs by function key."\n',
      replace: '  description = "Function ARNs by function key."\n  sensitiv    = true\n',
      problem: 'main.tf: output "function_arns": unknown argument "sensitiv"',
    },
    {
      name: 'an unknown argument in the provider block',
      find: '  region = var.aws_region\n',
      replace: '  region  = var.aws_region\n  regions = ["x"]\n',
      problem: 'main.tf: provider "aws": unknown argument "regions"',
    },
    {
      name: 'a syntax error',
      find: '  retention_in_days = 14\n',
      replace: '  retention_in_days = \n',
      problem: expect.stringMatching(/^main\.tf: does not parse: .*Invalid expression/),
    },
  ])('reports $name', async ({ find, replace, problem }) => {
    const problems = await validate(breakFixture(find, replace));

    expect(problems).toContainEqual(problem);
  });

  it('accepts a required block that only a dynamic block sets', async () => {
    const dynamicSettings = breakFixture(
      '  settings {\n    metrics_enabled = true\n  }\n',
      '  dynamic "settings" {\n    for_each = [1]\n    content {\n      metrics_enabled = true\n    }\n  }\n',
    );

    expect(await validate(dynamicSettings)).toEqual([]);
  });

  it('accepts meta-arguments and lifecycle settings on resources', async () => {
    const withMeta = breakFixture(
      '    ignore_changes = [tags]\n',
      '    ignore_changes        = [tags]\n    create_before_destroy = true\n    prevent_destroy       = false\n    replace_triggered_by  = [aws_iam_role.this[each.key].id]\n',
    );

    expect(await validate(withMeta)).toEqual([]);
  });

  it('checks each file of a multi-file module and names the file', async () => {
    const problems = await withModule(
      {
        'main.tf': VALID_MAIN_TF,
        'outputs.tf': 'output "table" {\n  value = aws_dynamodb_table.counters.arn\n}\n',
      },
      (dir) => validateDirectory(dir),
    );

    expect(problems).toEqual([
      'outputs.tf: output "table": reference to undeclared resource aws_dynamodb_table.counters (in aws_dynamodb_table.counters.arn)',
    ]);
  });
});

describe('offline terraform fmt', () => {
  it('accepts the formatted fixture', async () => {
    expect(await formatProblems('main.tf', VALID_MAIN_TF)).toEqual([]);
  });

  it('reports a badly aligned argument with the line the formatter would write', async () => {
    const misaligned = breakFixture('  retention_in_days = 14\n', '  retention_in_days=14\n');

    const problems = await formatProblems('main.tf', misaligned);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('main.tf: not formatted like terraform fmt');
    expect(problems[0]).toContain('- "  retention_in_days=14"');
    expect(problems[0]).toContain('+ "  retention_in_days = 14"');
  });

  it('reports a tab-indented file', async () => {
    const problems = await formatProblems(
      'main.tf',
      VALID_MAIN_TF.replace('  name = var.prefix\n', '\tname = var.prefix\n'),
    );

    expect(problems[0]).toContain('not formatted like terraform fmt');
  });

  it('reports an interpolation-only string, which terraform fmt unwraps', async () => {
    const problems = await formatProblems(
      'main.tf',
      breakFixture('name = var.prefix\n', `name = "\${var.prefix}"\n`),
    );

    expect(problems).toContainEqual(
      expect.stringContaining(`write var.prefix instead of "\${var.prefix}"`),
    );
  });

  it('parses the fixture without a problem', async () => {
    expect((await parseTf('main.tf', VALID_MAIN_TF)).problem).toBeUndefined();
  });
});
