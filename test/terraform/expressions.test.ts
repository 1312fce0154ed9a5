// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL expressions as hcl2json writes them, not JS templates
import { describe, expect, it } from 'vitest';
import { referencesIn, referenceText } from '../../scripts/lib/terraform/expressions.js';

const refs = (value: string): string[] => referencesIn(value).map(referenceText);

describe('referencesIn', () => {
  it.each([
    ['a plain string', 'PER_TENANT', []],
    [
      'a whole expression',
      '${aws_dynamodb_table.counters.arn}',
      ['aws_dynamodb_table.counters.arn'],
    ],
    [
      'an index by expression, scanning the key too',
      '${aws_iam_role.this[each.key].arn}',
      ['each.key', 'aws_iam_role.this[…].arn'],
    ],
    [
      'an index by literal key',
      '${aws_lambda_function.this["isolated"].arn}',
      ['aws_lambda_function.this["isolated"].arn'],
    ],
    ['a splat', '${aws_lambda_function.this[*].arn}', ['aws_lambda_function.this[*].arn']],
    ['a template with two interpolations', '${var.prefix}-${each.key}', ['var.prefix', 'each.key']],
    ['an escaped interpolation', '$${var.not_a_reference}', []],
    [
      'function arguments but not the function',
      '${merge(var.tags, local.extra)}',
      ['var.tags', 'local.extra'],
    ],
    ['provider functions', '${provider::aws::arn_parse(var.arn).region}', ['var.arn']],
    [
      'object keys left out, values kept',
      '${{ Name = var.prefix, "k" = local.v }}',
      ['var.prefix', 'local.v'],
    ],
    [
      'multi-line object keys left out',
      '${jsonencode({\n  Version = "2012-10-17"\n  Resource = data.x.y.arn\n})}',
      ['data.x.y.arn'],
    ],
    [
      'for variables left out',
      '${{ for k, f in aws_lambda_function.this : k => f.arn }}',
      ['aws_lambda_function.this'],
    ],
    ['template directives', '%{for k in var.keys}${k}%{endfor}', ['var.keys']],
    [
      'nested strings in a conditional',
      '${var.g == "x" ? local.a : "b${var.q}"}',
      ['var.g', 'local.a', 'var.q'],
    ],
    ['a heredoc inside an expression', '${<<EOT\n${var.h}\nEOT\n}', ['var.h']],
    [
      'a traversal after a call, not as a root',
      '${values(aws_lambda_function.this)[0].arn}',
      ['aws_lambda_function.this'],
    ],
  ])('finds the references in %s', (_case, value, expected) => {
    expect(refs(value)).toEqual(expected);
  });
});
