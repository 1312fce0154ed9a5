provider "aws" {
  region = var.aws_region

  # Tags are set once here and reach every resource that supports them.
  default_tags {
    tags = merge(
      {
        Project   = "lambda-tenant-isolation"
        Prefix    = var.prefix
        ManagedBy = "terraform"
      },
      var.tags,
    )
  }
}

################################################################################
# Locals
################################################################################

locals {
  # Every function is one entry. Keys match src/handlers/<key>.ts, dist/<key>/ and, for routes,
  # the URL path /<key>; FUNCTIONS in src/local/lambda/functions.ts mirrors this map for the local
  # stack. The entries differ only in data: the same attributes in the same order, in three
  # groups separated by a blank line.
  #
  # 1. What the function is: its description, and whether it is deployed (the authorizer only
  #    with tenant_id_authorizer).
  # 2. How it is routed and authorized: behind GET /<key> or not (API Gateway calls the
  #    authorizer itself), PER_TENANT isolation, the authorizer (CUSTOM), the headers the request
  #    validator requires, and the integration's X-Amz-Tenant-Id mapping. Only isolated maps a
  #    tenant id (from the authorizer's answer, else the raw header): Lambda refuses one for a
  #    function without tenant isolation, so standard only echoes x-tenant-id.
  # 3. What it may touch: TABLE_NAME, and the partition keys its own role may write
  #    (dynamodb:LeadingKeys): SHARED for standard, TENANT#* for isolated. With
  #    tenant_scoped_credentials the isolated role gets no table access, only the tenant data
  #    role, which allows the tagged tenant's row alone. The authorizer touches only its logs.
  all_functions = {
    standard = {
      description = "GET /standard: no tenant isolation; every tenant increments one shared counter"
      enabled     = true

      route                          = true
      tenant_isolation               = false
      authorization                  = "NONE"
      method_request_parameters      = {}
      integration_request_parameters = {}

      uses_table               = true
      table_access             = true
      leading_keys_test        = "ForAllValues:StringEquals"
      leading_keys             = ["SHARED"]
      assumes_tenant_data_role = false
    }
    isolated = {
      description = "GET /isolated: PER_TENANT isolation; each tenant increments its own counter"
      enabled     = true

      route            = true
      tenant_isolation = true
      authorization    = var.tenant_id_authorizer ? "CUSTOM" : "NONE"
      method_request_parameters = {
        "method.request.header.x-tenant-id" = true
      }
      integration_request_parameters = {
        "integration.request.header.X-Amz-Tenant-Id" = var.tenant_id_authorizer ? "context.authorizer.tenantId" : "method.request.header.x-tenant-id"
      }

      uses_table               = true
      table_access             = !var.tenant_scoped_credentials
      leading_keys_test        = "ForAllValues:StringLike"
      leading_keys             = ["TENANT#*"]
      assumes_tenant_data_role = var.tenant_scoped_credentials
    }
    authorizer = {
      description = "Tenant id authorizer of GET /isolated: applies the tenant id policy at the edge"
      enabled     = var.tenant_id_authorizer

      route                          = false
      tenant_isolation               = false
      authorization                  = "NONE"
      method_request_parameters      = {}
      integration_request_parameters = {}

      uses_table               = false
      table_access             = false
      leading_keys_test        = "ForAllValues:StringEquals"
      leading_keys             = []
      assumes_tenant_data_role = false
    }
  }

  # The functions this configuration deploys.
  functions = { for key, function in local.all_functions : key => function if function.enabled }

  # The functions behind an API route (not the authorizer).
  routes = { for key, function in local.functions : key => function if function.route }

  dist_dir = "${path.module}/dist"

  # Session tag carrying the tenant id; the tenant data role's policy reads it back as
  # aws:PrincipalTag/tenant_id. Must match TENANT_TAG_KEY in src/store/tenant-scoped-credentials.ts.
  tenant_tag_key = "tenant_id"

  # The tenant id policy in words, as the functions say it (TENANT_ID_RULE in
  # src/domain/tenant-id.ts); used in the authorizer's refusal.
  tenant_id_rule = "x-tenant-id must be 1-128 characters from letters, digits and . _ : = + @ -, starting with a letter or digit"

  cors_headers = {
    "Access-Control-Allow-Headers" = "'Content-Type,x-tenant-id'"
    "Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "Access-Control-Allow-Origin"  = "'*'"
  }
}

################################################################################
# DynamoDB: one table, one row per counter (pk = SHARED or TENANT#<id>)
################################################################################

resource "aws_dynamodb_table" "counters" {
  name         = "${var.prefix}-tenant-counters"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  # Encrypt with the AWS managed KMS key (aws/dynamodb) rather than the default owned key, so
  # key use shows up in CloudTrail.
  server_side_encryption {
    enabled = true
  }

  # A demo stack must be removable by terraform destroy.
  deletion_protection_enabled = false
}

################################################################################
# IAM: one role per function, only UpdateItem on its own keys, only its own logs
################################################################################

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.prefix}-${each.key}-lambda"
  description        = "Execution role of ${var.prefix}-${each.key}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  # dynamodb:LeadingKeys pins the partition keys the role may touch, so even a bug in the
  # handler cannot make the standard function write a tenant row or the isolated one the
  # shared row.
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
  dynamic "statement" {
    for_each = each.value.table_access ? [each.value] : []

    content {
      sid       = "IncrementOwnCounters"
      actions   = ["dynamodb:UpdateItem"]
      resources = [aws_dynamodb_table.counters.arn]

      condition {
        test     = statement.value.leading_keys_test
        variable = "dynamodb:LeadingKeys"
        values   = statement.value.leading_keys
      }
    }
  }

  # The isolated function's only way to the table: tenant-scoped credentials.
  dynamic "statement" {
    for_each = each.value.assumes_tenant_data_role ? aws_iam_role.tenant_data[*].arn : []

    content {
      sid       = "AssumeTenantDataRole"
      actions   = ["sts:AssumeRole", "sts:TagSession"]
      resources = [statement.value]
    }
  }

  # No logs:CreateLogGroup: the group below exists before the function does.
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:log-stream:*"]
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  # Each role holds this one inline policy, so the name only has to be unique within the role and
  # true for every function: the statements differ (counters, the tenant data role, or logs
  # alone), but each grants only what its function needs. The role name already says which.
  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

################################################################################
# IAM: tenant data role, assumed per tenant with a session tag (tenant_scoped_credentials)
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
################################################################################

data "aws_iam_policy_document" "tenant_data_trust" {
  count = var.tenant_scoped_credentials ? 1 : 0

  # Only the isolated function's execution role may assume it, and only with the tenant tag,
  # and with no other tag.
  statement {
    sid     = "IsolatedFunctionWithTenantTag"
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.function["isolated"].arn]
    }

    condition {
      test     = "Null"
      variable = "aws:RequestTag/${local.tenant_tag_key}"
      values   = ["false"]
    }

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "aws:TagKeys"
      values   = [local.tenant_tag_key]
    }
  }
}

resource "aws_iam_role" "tenant_data" {
  count = var.tenant_scoped_credentials ? 1 : 0

  name                 = "${var.prefix}-tenant-data"
  description          = "Assumed by ${var.prefix}-isolated per tenant; writes only that tenant's counter"
  assume_role_policy   = data.aws_iam_policy_document.tenant_data_trust[0].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "tenant_data" {
  count = var.tenant_scoped_credentials ? 1 : 0

  # IAM substitutes the session's tenant tag: a session tagged acme may write TENANT#acme and
  # nothing else, whatever key the code computes. ($${...} is a literal ${...} for IAM.)
  statement {
    sid       = "IncrementTaggedTenantCounterOnly"
    actions   = ["dynamodb:UpdateItem"]
    resources = [aws_dynamodb_table.counters.arn]

    condition {
      test     = "ForAllValues:StringEquals"
      variable = "dynamodb:LeadingKeys"
      values   = ["TENANT#$${aws:PrincipalTag/${local.tenant_tag_key}}"]
    }
  }
}

resource "aws_iam_role_policy" "tenant_data" {
  count = var.tenant_scoped_credentials ? 1 : 0

  name   = "tagged-tenant-counter"
  role   = aws_iam_role.tenant_data[0].id
  policy = data.aws_iam_policy_document.tenant_data[0].json
}

################################################################################
# Logs: created by Terraform before the first invoke, so retention applies from the start
# and terraform destroy removes them (Lambda would otherwise create them with no expiry).
################################################################################

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.prefix}-${each.key}"
  retention_in_days = var.log_retention_in_days
}

################################################################################
# Lambda
################################################################################

# Zips the bundle that `npm run build` wrote. The build never runs inside Terraform.
data "archive_file" "function" {
  for_each = local.functions

  type        = "zip"
  source_dir  = "${local.dist_dir}/${each.key}"
  output_path = "${path.module}/build/${each.key}.zip"
  # Fixed file mode: the same bundle gives the same zip hash on every machine.
  output_file_mode = "0644"

  lifecycle {
    precondition {
      condition     = fileexists("${local.dist_dir}/${each.key}/index.mjs")
      error_message = "dist/${each.key}/index.mjs is missing: run npm ci && npm run build first, then run terraform again."
    }
  }
}

resource "aws_lambda_function" "this" {
  for_each = local.functions

  function_name = "${var.prefix}-${each.key}"
  description   = each.value.description
  role          = aws_iam_role.function[each.key].arn

  filename         = data.archive_file.function[each.key].output_path
  source_code_hash = data.archive_file.function[each.key].output_base64sha256
  handler          = "index.handler"
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_size
  timeout          = var.lambda_timeout

  # Only the variables a function reads; null entries are dropped.
  environment {
    variables = {
      for name, value in {
        TABLE_NAME           = each.value.uses_table ? aws_dynamodb_table.counters.name : null
        TENANT_DATA_ROLE_ARN = each.value.assumes_tenant_data_role ? one(aws_iam_role.tenant_data[*].arn) : null
      } : name => value if value != null
    }
  }

  # JSON logs: Lambda stamps requestId, and tenantId on the isolated function, on every line.
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = "INFO"
    system_log_level      = "WARN"
  }

  # Each tenant gets its own execution environments; the tenant id arrives as
  # context.tenantId. It cannot be changed after creation: toggling it replaces the function.
  # https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation-configure.html
  dynamic "tenancy_config" {
    for_each = each.value.tenant_isolation ? ["PER_TENANT"] : []

    content {
      tenant_isolation_mode = tenancy_config.value
    }
  }

  # The roles must be able to write logs and counters (directly, or through the tenant data
  # role) before the first invoke.
  depends_on = [aws_iam_role_policy.function, aws_iam_role_policy.tenant_data]
}

################################################################################
# API Gateway: REST API (tenant isolation needs REST; an HTTP API cannot set X-Amz-Tenant-Id)
# https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation-invoke.html
################################################################################

resource "aws_api_gateway_rest_api" "this" {
  name        = "${var.prefix}-tenant-api"
  description = "Multi-tenant counter API: /standard (shared) and /isolated (Lambda PER_TENANT)"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "function" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

# Rejects a request to /isolated without x-tenant-id with a 400 before Lambda is invoked.
resource "aws_api_gateway_request_validator" "parameters" {
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  name                        = "request-parameters"
  validate_request_parameters = true
  validate_request_body       = false
}

resource "aws_api_gateway_method" "get" {
  for_each = local.routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.function[each.key].id
  http_method   = "GET"
  authorization = each.value.authorization
  authorizer_id = each.value.authorization == "CUSTOM" ? one(aws_api_gateway_authorizer.tenant_id[*].id) : null

  request_parameters   = each.value.method_request_parameters
  request_validator_id = length(each.value.method_request_parameters) > 0 ? aws_api_gateway_request_validator.parameters.id : null
}

resource "aws_api_gateway_integration" "get" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.function[each.key].id
  http_method             = aws_api_gateway_method.get[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.this[each.key].invoke_arn
  request_parameters      = each.value.integration_request_parameters
}

# CORS preflight: a MOCK integration answers OPTIONS without invoking Lambda.
resource "aws_api_gateway_method" "options" {
  for_each = local.routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.function[each.key].id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "options" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.function[each.key].id
  http_method = aws_api_gateway_method.options[each.key].http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "options" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.function[each.key].id
  http_method = aws_api_gateway_method.options[each.key].http_method
  status_code = "200"

  response_parameters = { for header in keys(local.cors_headers) : "method.response.header.${header}" => true }
  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_integration_response" "options" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.function[each.key].id
  http_method = aws_api_gateway_method.options[each.key].http_method
  status_code = aws_api_gateway_method_response.options[each.key].status_code

  response_parameters = { for header, value in local.cors_headers : "method.response.header.${header}" => value }

  depends_on = [aws_api_gateway_integration.options]
}

# API Gateway's own 4xx/5xx answers (missing x-tenant-id, throttling, unknown path) carry the
# CORS origin header too, so browsers can read them.
resource "aws_api_gateway_gateway_response" "cors" {
  for_each = toset(["DEFAULT_4XX", "DEFAULT_5XX"])

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key

  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'"
  }
}

################################################################################
# Tenant id authorizer (tenant_id_authorizer): the policy applied at the edge
################################################################################

# REQUEST authorizer keyed on x-tenant-id; API Gateway caches its answer per header value (the
# last one, if repeated), so a tenant costs one authorizer invoke per TTL. With caching on, a
# missing header never reaches it (401 UNAUTHORIZED, mapped below to a 400); with caching off it
# does, and the authorizer answers Unauthorized itself. A denied id gets ACCESS_DENIED (mapped
# below to a 400).
# https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
resource "aws_api_gateway_authorizer" "tenant_id" {
  count = var.tenant_id_authorizer ? 1 : 0

  name                             = "tenant-id"
  rest_api_id                      = aws_api_gateway_rest_api.this.id
  type                             = "REQUEST"
  authorizer_uri                   = aws_lambda_function.this["authorizer"].invoke_arn
  identity_source                  = "method.request.header.x-tenant-id"
  authorizer_result_ttl_in_seconds = var.authorizer_cache_ttl_seconds
}

resource "aws_lambda_permission" "authorizer" {
  count = var.tenant_id_authorizer ? 1 : 0

  statement_id  = "AllowApiGatewayAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["authorizer"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.tenant_id[0].id}"
}

# Clear JSON 4xx answers instead of API Gateway's 401/403 defaults: the client sent a bad or no
# tenant id; it is not an authentication problem. The bodies match what the function and the
# request validator answer for the same mistakes. Gateway responses apply to the whole API; the
# authorizer on /isolated is the only source of these two today.
resource "aws_api_gateway_gateway_response" "tenant_id" {
  for_each = var.tenant_id_authorizer ? {
    ACCESS_DENIED = jsonencode({
      error   = "InvalidTenantId"
      message = "Invalid tenant id: ${local.tenant_id_rule}"
    })
    UNAUTHORIZED = jsonencode({
      message = "Missing required request parameters: [x-tenant-id]"
    })
  } : {}

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  status_code   = "400"

  response_templates = {
    "application/json" = each.value
  }
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'"
  }
}

# API Gateway may invoke each function only for its own method and path, on any stage.
resource "aws_lambda_permission" "api_gateway" {
  for_each = local.routes

  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.key].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/${aws_api_gateway_method.get[each.key].http_method}/${each.key}"
}

################################################################################
# Deployment and stage
################################################################################

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # A new deployment whenever any route, method, integration or response changes, OPTIONS
  # included; without it, changes would sit undeployed.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.function,
      aws_api_gateway_request_validator.parameters,
      aws_api_gateway_method.get,
      aws_api_gateway_integration.get,
      aws_api_gateway_method.options,
      aws_api_gateway_integration.options,
      aws_api_gateway_method_response.options,
      aws_api_gateway_integration_response.options,
      aws_api_gateway_gateway_response.cors,
      aws_api_gateway_gateway_response.tenant_id,
      aws_api_gateway_authorizer.tenant_id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
  description   = "Stage ${var.stage_name} of ${var.prefix}-tenant-api"
}

# Throttling for every method of the stage; API Gateway answers 429 beyond it, before Lambda.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    metrics_enabled        = true
  }
}
