/**
 * A small valid module in the shape of this project's (for_each over a functions map, a
 * dynamic tenancy_config, references through instance keys), formatted like terraform fmt.
 * The negative tests break it one way at a time, so each failure is the check's doing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VALID_MAIN_TF = `terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.23.0"
    }
    archive = {
      source = "hashicorp/archive"
    }
  }
}

provider "aws" {
  region = var.aws_region
  default_tags {
    tags = { Project = var.prefix }
  }
}

variable "aws_region" {
  type        = string
  description = "AWS region to deploy to, e.g. eu-west-1."
}

variable "prefix" {
  type        = string
  description = "Prefix of every resource name."
  validation {
    condition     = length(var.prefix) > 0
    error_message = "prefix must not be empty."
  }
}

locals {
  functions = {
    standard = { tenant_isolation = false }
    isolated = { tenant_isolation = true }
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "archive_file" "handler" {
  for_each    = local.functions
  type        = "zip"
  source_dir  = "\${path.module}/dist/\${each.key}"
  output_path = "\${path.module}/.terraform/\${each.key}.zip"
}

resource "aws_iam_role" "this" {
  for_each           = local.functions
  name               = "\${var.prefix}-\${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_cloudwatch_log_group" "this" {
  for_each          = local.functions
  name              = "/aws/lambda/\${var.prefix}-\${each.key}"
  retention_in_days = 14
}

resource "aws_lambda_function" "this" {
  for_each         = local.functions
  function_name    = "\${var.prefix}-\${each.key}"
  role             = aws_iam_role.this[each.key].arn
  runtime          = "nodejs22.x"
  handler          = "index.handler"
  filename         = data.archive_file.handler[each.key].output_path
  source_code_hash = data.archive_file.handler[each.key].output_base64sha256

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  dynamic "tenancy_config" {
    for_each = each.value.tenant_isolation ? [1] : []
    content {
      tenant_isolation_mode = "PER_TENANT"
    }
  }

  lifecycle {
    ignore_changes = [tags]
  }

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_api_gateway_rest_api" "this" {
  name = var.prefix
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = "v1"
  method_path = "*/*"
  settings {
    metrics_enabled = true
  }
}

output "function_arns" {
  description = "Function ARNs by function key."
  value       = { for key, fn in aws_lambda_function.this : key => fn.arn }
}
`;

/** Writes `files` (name → text) to a fresh directory and passes its path to `use`. */
export async function withModule<T>(
  files: Record<string, string>,
  use: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-fixture-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The valid fixture with `find` replaced by `replace`; throws if `find` is not in it. */
export function breakFixture(find: string, replace: string): string {
  if (!VALID_MAIN_TF.includes(find)) throw new Error(`fixture has no ${JSON.stringify(find)}`);
  return VALID_MAIN_TF.replace(find, replace);
}
