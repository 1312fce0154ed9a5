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
  # 1. What the function is: its description, and whether it is deployed (the authorizer always
  #    in jwt mode, in header mode only with tenant_id_authorizer).
  # 2. How it is routed and authorized: behind GET /<key> or not (API Gateway calls the
  #    authorizer itself), PER_TENANT isolation, the authorizer (CUSTOM: both routes in jwt mode,
  #    /isolated in header mode with tenant_id_authorizer), the headers the request validator
  #    requires (x-tenant-id on /isolated in header mode; jwt mode ignores it), and the
  #    integration's X-Amz-Tenant-Id mapping. Only isolated maps a tenant id (from the
  #    authorizer's answer, else the raw header): Lambda refuses one for a function without tenant
  #    isolation, so standard only echoes the tenant.
  # 3. What it may touch: TABLE_NAME, and the partition keys its own role may write
  #    (dynamodb:LeadingKeys): SHARED for standard, TENANT#* for isolated. With
  #    tenant_scoped_credentials the authorizer brokers the tenant's credentials (it alone may
  #    assume the tenant data role) and the isolated function receives them in the authorizer's
  #    answer, so its own role gets no table access at all.
  all_functions = {
    standard = {
      description = "GET /standard: no tenant isolation; every tenant increments one shared counter"
      enabled     = true

      route                          = true
      tenant_isolation               = false
      authorization                  = var.tenant_identity == "jwt" ? "CUSTOM" : "NONE"
      method_request_parameters      = {}
      integration_request_parameters = {}

      uses_table                  = true
      table_access                = true
      leading_keys_test           = "ForAllValues:StringEquals"
      leading_keys                = ["SHARED"]
      brokers_tenant_credentials  = false
      receives_tenant_credentials = false
    }
    isolated = {
      description = "GET /isolated: PER_TENANT isolation; each tenant increments its own counter"
      enabled     = true

      route                     = true
      tenant_isolation          = true
      authorization             = var.tenant_identity == "jwt" || var.tenant_id_authorizer ? "CUSTOM" : "NONE"
      method_request_parameters = var.tenant_identity == "header" ? { "method.request.header.x-tenant-id" = true } : {}
      integration_request_parameters = {
        "integration.request.header.X-Amz-Tenant-Id" = var.tenant_identity == "jwt" || var.tenant_id_authorizer ? "context.authorizer.tenantId" : "method.request.header.x-tenant-id"
      }

      uses_table                  = true
      table_access                = !var.tenant_scoped_credentials
      leading_keys_test           = "ForAllValues:StringLike"
      leading_keys                = ["TENANT#*"]
      brokers_tenant_credentials  = false
      receives_tenant_credentials = var.tenant_scoped_credentials
    }
    authorizer = {
      description = "Tenant authorizer of the API: applies the tenant id policy or verifies the JWT at the edge"
      enabled     = var.tenant_identity == "jwt" || var.tenant_id_authorizer

      route                          = false
      tenant_isolation               = false
      authorization                  = "NONE"
      method_request_parameters      = {}
      integration_request_parameters = {}

      uses_table                  = false
      table_access                = false
      leading_keys_test           = "ForAllValues:StringEquals"
      leading_keys                = []
      brokers_tenant_credentials  = var.tenant_scoped_credentials
      receives_tenant_credentials = false
    }
  }

  # The functions this configuration deploys.
  functions = { for key, function in local.all_functions : key => function if function.enabled }

  # The functions behind an API route (not the authorizer).
  routes = { for key, function in local.functions : key => function if function.route }

  # The routes behind the authorizer; each gets an authorizer of its own (see below).
  authorized_routes = { for key, route in local.routes : key => route if route.authorization == "CUSTOM" }

  dist_dir = "${path.module}/dist"

  # Each function's log group, named as Lambda would name it (/aws/lambda/<function name>).
  log_group_names = { for key, function in local.functions : key => "/aws/lambda/${var.prefix}-${key}" }

  # Session tag carrying the tenant id; the tenant data role's policy reads it back as
  # aws:PrincipalTag/tenant_id. Must match TENANT_TAG_KEY in src/identity/tenant-credentials.ts.
  tenant_tag_key = "tenant_id"

  # How long the brokered credentials last. Each one handed out must outlast a cached authorizer
  # answer plus one function run (ttl + timeout); a session twice that long can be handed out for
  # at least half its life, so the authorizer reuses one session per tenant instead of assuming
  # a role per token. AssumeRole takes at least 900 seconds, and role chaining (a Lambda role
  # assuming another role) caps a session at 3600, hence ttl + timeout <= 1800 (a precondition).
  # https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
  tenant_session_seconds = min(3600, max(900, 2 * (var.authorizer_cache_ttl_seconds + var.lambda_timeout)))

  # The unique ids of the roles that broker tenant credentials (the authorizer's), the one role
  # the tenant data role trusts. IAM stores a role ARN in a trust policy's Principal as that
  # role's unique id, so a trusted role replaced under the same name is no longer trusted ("if
  # you delete and recreate a user or role referenced in a trust policy's Principal element, you
  # must edit the role to replace the ARN"), while its ARN, the same string as before, gives
  # Terraform no diff until a second apply. The trust statement's Sid carries a hash of the
  # unique id: a replaced role changes the policy document, and Terraform rewrites the trust in
  # place (UpdateAssumeRolePolicy) in the apply that replaces the role, without replacing the
  # tenant data role. The principal stays the one role ARN. Sids allow only letters and digits,
  # and the API promises unique ids only word characters, so the Sid takes hex digits of a hash.
  # https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_policy-examples.html#example-delegate-xaccount-rolesapi
  # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
  # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
  # https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html (RoleId: [\w]+)
  tenant_broker_role_ids = [for key, function in local.functions : aws_iam_role.function[key].unique_id if function.brokers_tenant_credentials]
  tenant_data_trust_sid  = "AuthorizerWithTenantTag${substr(sha256(join(",", local.tenant_broker_role_ids)), 0, 16)}"

  # The tenant id policy in words, as the functions say it (TENANT_ID_FORMAT and TENANT_ID_RULE in
  # src/domain/tenant-id.ts); used in the authorizer's refusals.
  tenant_id_format = "1-128 characters from letters, digits and . _ : = + @ -, starting with a letter or digit"
  tenant_id_rule   = "x-tenant-id must be ${local.tenant_id_format}"

  # jwt mode: the issuer whose tokens the authorizer accepts, the audience (app client id) they
  # must carry and where its signing keys are; null in header mode. Without jwt_issuer the module's
  # own user pool issues them; its endpoint has no scheme (cognito-idp.REGION.amazonaws.com/ID).
  # https://github.com/hashicorp/terraform-provider-aws/blob/main/website/docs/r/cognito_user_pool.html.markdown
  create_user_pool = var.tenant_identity == "jwt" && var.jwt_issuer == null
  jwt_issuer = var.tenant_identity != "jwt" ? null : (
    local.create_user_pool ? "https://${one(aws_cognito_user_pool.tenants[*].endpoint)}" : var.jwt_issuer
  )
  jwt_audience = var.tenant_identity != "jwt" ? null : (
    local.create_user_pool ? one(aws_cognito_user_pool_client.cli[*].id) : var.jwt_audience
  )
  # Cognito publishes a pool's keys under the issuer URL.
  # https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
  # Cognito serves its keys at <iss>/.well-known/jwks.json; other issuers publish theirs
  # elsewhere (the jwks_uri of their discovery document), so jwt_jwks_url is required with
  # jwt_issuer (a precondition below).
  jwt_jwks_url = var.tenant_identity != "jwt" ? null : (
    local.create_user_pool ? "${local.jwt_issuer}/.well-known/jwks.json" : var.jwt_jwks_url
  )

  # The user pool attribute holding the tenant id; tokens carry it as the claim custom:tenant_id.
  user_pool_tenant_attribute = "tenant_id"

  # What API Gateway answers, per identity mode, when the authorizer refuses a request: clear JSON
  # instead of its defaults. header: the client sent a bad or no tenant id, not an authentication
  # problem, so both are 400s whose bodies match what the function and the request validator
  # answer for the same mistakes. jwt: no valid token is a 401 that names the scheme (RFC 6750),
  # a valid token without a valid tenant claim a 403. Header values are static ('quoted').
  # https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
  identity_gateway_responses = {
    header = {
      ACCESS_DENIED = {
        status = "400"
        body = jsonencode({
          error   = "InvalidTenantId"
          message = "Invalid tenant id: ${local.tenant_id_rule}"
        })
        headers = {}
      }
      UNAUTHORIZED = {
        status = "400"
        body = jsonencode({
          message = "Missing required request parameters: [x-tenant-id]"
        })
        headers = {}
      }
    }
    jwt = {
      ACCESS_DENIED = {
        status = "403"
        body = jsonencode({
          error   = "InvalidTenantClaim"
          message = "The token's ${var.jwt_tenant_claim} claim is missing or is not a valid tenant id: it must be ${local.tenant_id_format}"
        })
        headers = {}
      }
      UNAUTHORIZED = {
        status = "401"
        body = jsonencode({
          message = "Unauthorized"
        })
        headers = {
          "WWW-Authenticate" = "'Bearer'"
        }
      }
    }
  }

  cors_headers = {
    "Access-Control-Allow-Headers" = "'Content-Type,Authorization,x-tenant-id'"
    "Access-Control-Allow-Methods" = "'GET,OPTIONS'"
    "Access-Control-Allow-Origin"  = "'*'"
  }

  # The curl option that names the tenant: the header itself, or a token that carries it.
  curl_identity_option = var.tenant_identity == "jwt" ? "-H \"Authorization: Bearer $TOKEN\"" : "-H 'x-tenant-id: Tenant-1'"
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

  # The authorizer brokers the tenant credentials: it assumes the tenant data role with the
  # tenant's session tag and hands the credentials to the isolated function in its answer.
  dynamic "statement" {
    for_each = each.value.brokers_tenant_credentials ? aws_iam_role.tenant_data[*].arn : []

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
# IAM: tenant data role, assumed by the authorizer per tenant with a session tag
# (tenant_scoped_credentials); the isolated function writes with the credentials it brokers
# https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
################################################################################

data "aws_iam_policy_document" "tenant_data_trust" {
  count = var.tenant_scoped_credentials ? 1 : 0

  # Only the broker's execution role (the authorizer's) may assume it, only with the tenant tag,
  # and with no other tag. The isolated function, which runs the tenant's code path, cannot: it
  # gets credentials for the tenant the authorizer established, never for one it names itself.
  statement {
    # Changes when the authorizer's role is replaced (see local.tenant_data_trust_sid).
    sid     = local.tenant_data_trust_sid
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "AWS"
      identifiers = [for key, function in local.functions : aws_iam_role.function[key].arn if function.brokers_tenant_credentials]
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
  description          = "Assumed by ${var.prefix}-authorizer per tenant for ${var.prefix}-isolated; writes only that tenant's counter"
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
# Identity: Cognito user pool (tenant_identity = jwt, no jwt_issuer)
# Users are created by an administrator with their tenant; the authorizer accepts the pool's ID
# tokens and reads the tenant from their custom:tenant_id claim.
################################################################################

resource "aws_cognito_user_pool" "tenants" {
  count = local.create_user_pool ? 1 : 0

  name = "${var.prefix}-tenants"

  # No self sign-up: an immutable attribute can still be chosen at sign-up, so a user could name
  # any tenant. Only AdminCreateUser (IAM-authorized) creates users, and sets their tenant.
  # https://github.com/hashicorp/terraform-provider-aws/blob/main/website/docs/r/cognito_user_pool.html.markdown
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  # The tenant id: immutable, so once set at creation nobody can change it, not even an admin.
  # No custom attribute can be required, so a user created without it never gets one: pass
  # custom:tenant_id to admin-create-user. String constraints keep the plan from showing a
  # perpetual diff (provider docs, above); 128 is the tenant id policy's maximum.
  # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
  schema {
    name                     = local.user_pool_tenant_attribute
    attribute_data_type      = "String"
    mutable                  = false
    developer_only_attribute = false
    required                 = false

    string_attribute_constraints {
      min_length = 1
      max_length = 128
    }
  }

  # Length over symbols, so a password survives a shell command line.
  password_policy {
    minimum_length                   = 12
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = false
    temporary_password_validity_days = 1
  }

  # No email or phone to recover with: an administrator resets passwords.
  account_recovery_setting {
    recovery_mechanism {
      name     = "admin_only"
      priority = 1
    }
  }

  # jane and Jane are one user.
  username_configuration {
    case_sensitive = false
  }

  # A demo stack must be removable by terraform destroy.
  deletion_protection = "INACTIVE"
}

# The client the README's aws cognito-idp initiate-auth command signs in with.
resource "aws_cognito_user_pool_client" "cli" {
  count = local.create_user_pool ? 1 : 0

  name         = "${var.prefix}-cli"
  user_pool_id = aws_cognito_user_pool.tenants[0].id

  # A public client: a secret would have to be hashed into every CLI call. ALLOW_USER_PASSWORD_AUTH
  # is what initiate-auth --auth-flow USER_PASSWORD_AUTH needs; left unset, the client would
  # allow only SRP, custom auth and refresh.
  # https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/cognitoidentityprovider/aws.sdk.kotlin.services.cognitoidentityprovider.model/-user-pool-client-type/explicit-auth-flows.html
  generate_secret     = false
  explicit_auth_flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  # An ID token carries only the attributes its client may read, so the tenant must be readable.
  # It is not writable: users may change their name through this client, never their tenant
  # (an immutable attribute cannot be made writable anyway). The written attributes stay within
  # the read ones.
  # https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
  # https://sdk.amazonaws.com/kotlin/api/latest/cognitoidentityprovider/aws.sdk.kotlin.services.cognitoidentityprovider.model/-add-custom-attributes-request/custom-attributes.html
  read_attributes  = ["custom:${local.user_pool_tenant_attribute}", "name"]
  write_attributes = ["name"]

  # Short-lived tokens: an ID token is accepted until it expires (plus at most one authorizer
  # cache TTL), so an hour bounds a leaked one. Without units, 60 would mean 60 hours.
  # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html
  id_token_validity      = 60
  access_token_validity  = 60
  refresh_token_validity = 1
  token_validity_units {
    id_token      = "minutes"
    access_token  = "minutes"
    refresh_token = "days"
  }

  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
}

################################################################################
# Logs: created by Terraform before the first invoke, so retention applies from the start
# and terraform destroy removes them (Lambda would otherwise create them with no expiry).
################################################################################

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = local.log_group_names[each.key]
  retention_in_days = var.log_retention_in_days
}

################################################################################
# Lambda
################################################################################

# Zips the bundle that `npm run build` wrote. The build never runs inside Terraform.
#
# The zip is written during plan, not apply, so a plan saved in one job and applied in another
# needs build/ carried along with it (README, "Plan and apply in separate jobs"); the archive_file
# resource would not change that.
# https://github.com/hashicorp/terraform-provider-archive/issues/39
# https://github.com/hashicorp/terraform-provider-archive/issues/451
#
# The same bundle gives the same zip bytes, and so the same source_code_hash, on every machine:
# the build is byte-identical, the provider writes every entry with a zero modification time and
# Deflate, in the order of a lexical directory walk, and output_file_mode replaces each file's
# mode on disk (which umask and checkout decide). The zip lives outside source_dir, so it never
# zips itself.
# https://github.com/hashicorp/terraform-provider-archive/blob/main/internal/provider/zip_archiver.go
data "archive_file" "function" {
  for_each = local.functions

  type             = "zip"
  source_dir       = "${local.dist_dir}/${each.key}"
  output_path      = "${path.module}/build/${each.key}.zip"
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

  # Only the variables a function reads; null entries are dropped. The authorizer (the one
  # function no route invokes) learns how to identify tenants (src/config/authorizer-config.ts)
  # and, as broker, which role to assume, for how long, how long cached credentials must still
  # last to be handed out again (one cached answer plus one function run), and which resource
  # paths' answers may carry them. The isolated function then takes its credentials from the
  # authorizer's answer.
  environment {
    variables = {
      for name, value in {
        TABLE_NAME         = each.value.uses_table ? aws_dynamodb_table.counters.name : null
        TENANT_CREDENTIALS = each.value.receives_tenant_credentials ? "authorizer" : null

        TENANT_IDENTITY  = each.value.route ? null : var.tenant_identity
        JWT_ISSUER       = each.value.route ? null : local.jwt_issuer
        JWT_AUDIENCE     = each.value.route ? null : local.jwt_audience
        JWT_JWKS_URL     = each.value.route ? null : local.jwt_jwks_url
        JWT_TENANT_CLAIM = each.value.route || var.tenant_identity != "jwt" ? null : var.jwt_tenant_claim

        TENANT_DATA_ROLE_ARN                    = each.value.brokers_tenant_credentials ? one(aws_iam_role.tenant_data[*].arn) : null
        TENANT_SESSION_SECONDS                  = each.value.brokers_tenant_credentials ? local.tenant_session_seconds : null
        TENANT_CREDENTIALS_MIN_VALIDITY_SECONDS = each.value.brokers_tenant_credentials ? var.authorizer_cache_ttl_seconds + var.lambda_timeout : null
        TENANT_CREDENTIALS_RESOURCES            = each.value.brokers_tenant_credentials ? join(",", [for key, route in local.routes : "/${key}" if route.receives_tenant_credentials]) : null
      } : name => value if value != null
    }
  }

  # JSON logs: Lambda stamps requestId, and tenantId on the isolated function, on every line.
  # System logs at INFO: Lambda sends its platform.start and platform.report events only at INFO
  # or DEBUG; WARN would drop them, and with them the report's initDurationMs, the per-tenant cold
  # starts the operations queries below count.
  # https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = "INFO"
    system_log_level      = "INFO"
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

  # Checks across variables. A variable's validation may refer to other variables only from
  # Terraform 1.9 on, and versions.tf allows 1.5.7, so they are preconditions on a resource that
  # always exists.
  lifecycle {
    precondition {
      condition     = !var.tenant_scoped_credentials || var.tenant_identity == "jwt" || var.tenant_id_authorizer
      error_message = "tenant_scoped_credentials needs the authorizer, which brokers the tenant credentials: set tenant_id_authorizer = true (or tenant_identity = \"jwt\"), or set tenant_scoped_credentials = false."
    }

    # The brokered credentials must outlast a cached answer plus one function run, with room for
    # reuse within the hour that role chaining allows a session (see local.tenant_session_seconds).
    precondition {
      condition     = !var.tenant_scoped_credentials || var.authorizer_cache_ttl_seconds + var.lambda_timeout <= 1800
      error_message = "With tenant_scoped_credentials, authorizer_cache_ttl_seconds + lambda_timeout must be at most 1800: each brokered credential must outlast a cached authorizer answer plus one function run, a session lasts at most an hour (role chaining), and one must be reusable for at least half its life."
    }

    precondition {
      condition     = var.jwt_issuer == null || var.jwt_audience != null
      error_message = "jwt_issuer needs jwt_audience: the audience (for Cognito, the app client id) that the issuer's tokens carry and the authorizer requires."
    }

    precondition {
      # A wrong guess at the keys' URL would make every request a 500 at run time.
      condition     = var.jwt_issuer == null || var.jwt_jwks_url != null
      error_message = "jwt_issuer needs jwt_jwks_url: the jwks_uri of the issuer's /.well-known/openid-configuration (for Cognito, <jwt_issuer>/.well-known/jwks.json)."
    }

    precondition {
      condition     = var.tenant_identity == "jwt" || (var.jwt_issuer == null && var.jwt_audience == null && var.jwt_jwks_url == null)
      error_message = "jwt_issuer, jwt_audience and jwt_jwks_url apply only with tenant_identity = \"jwt\"; with \"header\" they would be ignored. Remove them or set tenant_identity = \"jwt\"."
    }

    precondition {
      condition     = var.tenant_identity != "jwt" || var.jwt_issuer != null || (var.jwt_audience == null && var.jwt_jwks_url == null)
      error_message = "jwt_audience and jwt_jwks_url describe your own issuer: set jwt_issuer too, or remove them to use the Cognito user pool this module creates."
    }

    # The module's user pool puts the tenant in custom:tenant_id; another claim would refuse
    # every token.
    precondition {
      condition     = !local.create_user_pool || var.jwt_tenant_claim == "custom:${local.user_pool_tenant_attribute}"
      error_message = "With the module's Cognito user pool (tenant_identity = \"jwt\" and no jwt_issuer), jwt_tenant_claim must be custom:${local.user_pool_tenant_attribute}, the claim its tokens carry."
    }
  }
}

resource "aws_api_gateway_resource" "function" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

# Rejects a request to /isolated without x-tenant-id (header mode) with a 400 before Lambda is
# invoked.
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
  authorizer_id = each.value.authorization == "CUSTOM" ? aws_api_gateway_authorizer.route[each.key].id : null

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
# Tenant authorizer: the tenant id policy (header) or a verified JWT (jwt) at the edge, and the
# broker of tenant credentials (tenant_scoped_credentials)
################################################################################

# One REQUEST authorizer per route behind it, all running the same function. API Gateway caches
# an answer per authorizer and identity value and reuses the cached policy for every method
# behind that authorizer, so a cached policy must cover the method it is reused for. Only the
# /isolated answer may carry tenant credentials; with an authorizer of its own, a /standard
# answer (jwt mode) is never reused for /isolated, nor the other way round.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/configure-api-gateway-lambda-authorization-with-console.html
#
# The identity source is the cache key: x-tenant-id (the last value, if repeated), or the
# Authorization header with the bearer token. A tenant costs one authorizer invoke per value
# per TTL. With caching on, a request without it never reaches the authorizer (401
# UNAUTHORIZED, answered below); with caching off it does, and the authorizer answers
# Unauthorized itself. A refused tenant gets ACCESS_DENIED.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
resource "aws_api_gateway_authorizer" "route" {
  for_each = local.authorized_routes

  name                             = "${each.key}-tenant"
  rest_api_id                      = aws_api_gateway_rest_api.this.id
  type                             = "REQUEST"
  authorizer_uri                   = aws_lambda_function.this["authorizer"].invoke_arn
  identity_source                  = var.tenant_identity == "jwt" ? "method.request.header.Authorization" : "method.request.header.x-tenant-id"
  authorizer_result_ttl_in_seconds = var.authorizer_cache_ttl_seconds
}

resource "aws_lambda_permission" "authorizer" {
  for_each = local.authorized_routes

  statement_id  = "AllowApiGatewayAuthorizer-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["authorizer"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.route[each.key].id}"
}

# The refusals of local.identity_gateway_responses for the chosen mode. Gateway responses apply
# to the whole API; the authorizers are the only source of these two.
resource "aws_api_gateway_gateway_response" "identity" {
  for_each = {
    for type, response in local.identity_gateway_responses[var.tenant_identity] :
    type => response if length(local.authorized_routes) > 0
  }

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  status_code   = each.value.status

  response_templates = {
    "application/json" = each.value.body
  }
  response_parameters = merge(
    { "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'" },
    { for name, value in each.value.headers : "gatewayresponse.header.${name}" => value },
  )
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
      aws_api_gateway_gateway_response.identity,
      aws_api_gateway_authorizer.route,
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
    # No execution logging: full request logging would write the Lambda proxy payload, whose
    # requestContext.authorizer carries the brokered tenant credentials, into CloudWatch.
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html
    logging_level      = "OFF"
    data_trace_enabled = false
  }
}

################################################################################
# Operations per tenant: saved CloudWatch Logs Insights queries and one dashboard, created and
# destroyed with the stack
################################################################################

locals {
  # The queries, over the functions' JSON logs. Field names are those Lambda writes:
  # - application lines: timestamp, level, requestId, message, and tenantId on a function with
  #   tenant isolation; a single object logged (src/log.ts) stays structured under message
  #   (message.errorName, ...);
  #   https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation-monitor.html
  #   https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/blob/main/src/LogPatch.js
  # - platform events: type (platform.start, platform.report, ...) and record, with
  #   record.tenantId on a function with tenant isolation; a report's record has requestId,
  #   status (success, failure, error or timeout) and metrics, whose initDurationMs is there only
  #   when the invoke started a new environment;
  #   https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation-monitor.html
  #   https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html#platform-report
  # - @logStream, one per execution environment, and @log, the log group.
  #   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html
  # Only a function with tenant isolation has a tenant in its logs, so the tenant queries read
  # those functions' groups; the errors query reads every function's, grouped by log group too.
  # count_distinct is approximate for many distinct values.
  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
  tenant_log_functions = [for key, function in local.functions : key if function.tenant_isolation]

  log_queries = {
    requests-by-tenant = {
      title     = "Requests by tenant (invocations of the functions with tenant isolation)"
      functions = local.tenant_log_functions
      query = join("\n| ", [
        "filter type = 'platform.report'",
        "fields record.tenantId as tenant",
        "stats count(*) as requests by tenant",
        "sort requests desc",
      ])
    }
    errors-by-tenant = {
      title     = "Errors by tenant and function (ERROR lines, and invocations that did not succeed)"
      functions = keys(local.functions)
      query = join("\n| ", [
        "filter level = 'ERROR' or (type = 'platform.report' and record.status != 'success')",
        "fields coalesce(tenantId, record.tenantId) as tenant, coalesce(requestId, record.requestId) as request",
        "stats count_distinct(request) as failedRequests by tenant, @log",
        "sort failedRequests desc",
      ])
    }
    cold-starts-by-tenant = {
      title     = "Cold starts by tenant (Init Duration of new environments, ms)"
      functions = local.tenant_log_functions
      query = join("\n| ", [
        "filter type = 'platform.report' and ispresent(record.metrics.initDurationMs)",
        "fields record.tenantId as tenant, record.metrics.initDurationMs as initMs",
        "stats count(*) as coldStarts, pct(initMs, 50) as p50InitMs, max(initMs) as maxInitMs by tenant",
        "sort coldStarts desc",
      ])
    }
    environments-by-tenant = {
      title     = "Tenants by execution environments (distinct log streams)"
      functions = local.tenant_log_functions
      query = join("\n| ", [
        "filter type = 'platform.report'",
        "fields record.tenantId as tenant",
        "stats count_distinct(@logStream) as environments, count(*) as requests by tenant",
        "sort environments desc",
      ])
    }
  }

  # What templates/dashboard.json.tftpl is rendered with. A log widget names its log groups in
  # the query itself (SOURCE '<group>' | ...).
  # https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
  dashboard = {
    region         = var.aws_region
    api_name       = aws_api_gateway_rest_api.this.name
    stage          = aws_api_gateway_stage.this.stage_name
    function_names = [for key in keys(local.functions) : aws_lambda_function.this[key].function_name]
    log_widgets = {
      for name, query in local.log_queries : name => {
        title = query.title
        query = "${join(" | ", [for key in query.functions : "SOURCE '${local.log_group_names[key]}'"])} | ${query.query}"
      }
    }
  }
}

# The queries, saved under <prefix>/ in CloudWatch Logs Insights.
resource "aws_cloudwatch_query_definition" "tenant" {
  for_each = local.log_queries

  name            = "${var.prefix}/${each.key}"
  log_group_names = [for key in each.value.functions : aws_cloudwatch_log_group.function[key].name]
  query_string    = each.value.query
}

# One dashboard: the queries as log widgets, the stage's API Gateway metrics and each function's
# Lambda metrics.
resource "aws_cloudwatch_dashboard" "tenants" {
  dashboard_name = "${var.prefix}-tenants"
  dashboard_body = templatefile("${path.module}/templates/dashboard.json.tftpl", local.dashboard)

  # The log widgets read these groups.
  depends_on = [aws_cloudwatch_log_group.function]
}

################################################################################
# Renamed resources: a stack deployed before the per-route authorizers keeps its authorizer and
# gateway responses, updated in place (the authorizer's permission is replaced: its statement id
# now names the route)
################################################################################

moved {
  from = aws_api_gateway_authorizer.tenant_id[0]
  to   = aws_api_gateway_authorizer.route["isolated"]
}

moved {
  from = aws_api_gateway_gateway_response.tenant_id
  to   = aws_api_gateway_gateway_response.identity
}
