################################################################################
# Asked at apply time (no defaults)
################################################################################

variable "aws_region" {
  description = "AWS Region to deploy into, e.g. us-east-1. It must offer Lambda tenant isolation: every commercial Region except Asia Pacific (New Zealand) ap-southeast-6 does; AWS GovCloud (us-gov-*), China (cn-*) and the ISO Regions are not commercial Regions and are refused."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a Region code such as us-east-1 or eu-central-2."
  }

  # Lambda offers tenant isolation "in all commercial Regions except Asia Pacific (New Zealand)";
  # GovCloud, China and the ISO Regions are partitions of their own, not commercial Regions.
  # Without it the isolated function cannot be created (its tenancy_config is refused).
  # https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation.html#tenant-isolation-regions
  validation {
    condition     = var.aws_region != "ap-southeast-6" && !can(regex("^(cn|us-gov)-|-iso[a-z]?-", var.aws_region))
    error_message = "aws_region must be a Region where Lambda offers tenant isolation (PER_TENANT), which the isolated function needs: every commercial Region except Asia Pacific (New Zealand) ap-southeast-6. AWS GovCloud (us-gov-*), China (cn-*) and the ISO Regions are not commercial Regions and do not offer it. See https://docs.aws.amazon.com/lambda/latest/dg/tenant-isolation.html#tenant-isolation-regions."
  }
}

variable "prefix" {
  description = "Prefix for every resource name, e.g. acme-demo. 1-46 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen. 46 keeps the longest derived name, the IAM role <prefix>-authorizer-lambda, within IAM's 64-character limit."
  type        = string

  validation {
    # Longest derived names (all <= 64 characters with a 46-character prefix):
    #   IAM role        <prefix>-authorizer-lambda   prefix + 18
    #   Lambda function <prefix>-authorizer          prefix + 11
    # test/terraform/structure.test.ts re-derives this bound from main.tf.
    condition     = can(regex("^[a-z]([a-z0-9-]{0,44}[a-z0-9])?$", var.prefix))
    error_message = "prefix must be 1-46 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen."
  }
}

################################################################################
# Identity: how a request names its tenant
################################################################################

variable "tenant_identity" {
  description = "How a request names its tenant. header: the client names it in x-tenant-id (the original curl flow, unchanged). jwt: both endpoints require Authorization: Bearer <token>, and the tenant is a claim (jwt_tenant_claim) of the token, verified at the edge by the authorizer."
  type        = string
  default     = "header"

  validation {
    condition     = contains(["header", "jwt"], var.tenant_identity)
    error_message = "tenant_identity must be header or jwt."
  }
}

variable "jwt_issuer" {
  description = "jwt mode: the OIDC issuer whose tokens are accepted, exactly as its tokens' iss claim spells it (https://, a trailing slash kept where the issuer has one, e.g. Auth0's), e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123. Needs jwt_audience and jwt_jwks_url. When null, the module creates a Cognito user pool and accepts its ID tokens."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_issuer == null ? true : can(regex("^https://[^/\\s]\\S*$", var.jwt_issuer))
    error_message = "jwt_issuer must be an https:// URL, exactly as the issuer's tokens spell iss, e.g. https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123."
  }
}

variable "jwt_audience" {
  description = "jwt mode with jwt_issuer: the audience (aud claim) the tokens must carry; for Cognito ID tokens, the app client id. Required when jwt_issuer is set; with the module's own user pool it is that pool's app client."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_audience == null ? true : length(var.jwt_audience) > 0
    error_message = "jwt_audience must not be empty; leave it null to use the module's user pool."
  }
}

variable "jwt_jwks_url" {
  description = "jwt mode with jwt_issuer: where the issuer publishes its signing keys (JWKS), https://. When null, <issuer>/.well-known/jwks.json, where Cognito publishes them."
  type        = string
  default     = null

  validation {
    condition     = var.jwt_jwks_url == null ? true : can(regex("^https://[^/\\s]\\S*$", var.jwt_jwks_url))
    error_message = "jwt_jwks_url must be an https:// URL."
  }
}

variable "jwt_tenant_claim" {
  description = "jwt mode: the token claim holding the tenant id. Cognito puts the user pool attribute tenant_id in custom:tenant_id, which the module's own user pool requires."
  type        = string
  default     = "custom:tenant_id"

  validation {
    condition     = length(var.jwt_tenant_claim) > 0
    error_message = "jwt_tenant_claim must name a claim, e.g. custom:tenant_id."
  }
}

################################################################################
# API Gateway
################################################################################

variable "stage_name" {
  description = "Name of the API Gateway stage; it is the first path segment of both URLs. 1-128 letters, digits, hyphens or underscores."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits, hyphens or underscores."
  }
}

variable "tenant_id_authorizer" {
  description = "Header mode only (in jwt mode the authorizer is always on). When true, a Lambda REQUEST authorizer on GET /isolated applies the tenant id policy before Lambda routes on the id, and X-Amz-Tenant-Id is mapped from the authorizer's answer. It costs one more function and one authorizer invoke per distinct x-tenant-id per cache TTL. When false, the raw header is mapped as in the original pattern: an id Lambda refuses then fails inside AWS with a 5xx, and an id our policy refuses still starts a tenant environment before the function answers 400. False needs tenant_scoped_credentials = false: the authorizer brokers those credentials."
  type        = bool
  default     = true
}

variable "authorizer_cache_ttl_seconds" {
  description = "How long API Gateway caches the authorizer's answer for one identity value (an x-tenant-id, or a token), in seconds (0-3600; 0 turns caching off). A cached Allow, and for /isolated the brokered tenant credentials with it, is kept for the whole TTL, so a token that expires or is revoked stays accepted for up to that long. 60 bounds that at one minute, while a tenant still costs only one authorizer invoke per token per minute. With tenant_scoped_credentials, this plus lambda_timeout must be at most 1800 (the brokered sessions last at most an hour and must stay reusable)."
  type        = number
  default     = 60

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600 && floor(var.authorizer_cache_ttl_seconds) == var.authorizer_cache_ttl_seconds
    error_message = "authorizer_cache_ttl_seconds must be a whole number of seconds from 0 to 3600."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state request rate limit for every method of the stage, in requests per second. Must be greater than 0."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be greater than 0 requests per second."
  }
}

variable "throttling_burst_limit" {
  description = "Burst limit for every method of the stage, in requests (a whole number greater than 0)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_burst_limit > 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number greater than 0."
  }
}

################################################################################
# Lambda
################################################################################

variable "lambda_runtime" {
  description = "Lambda runtime of every function (standard, isolated, authorizer): nodejs24.x (the default: its cold request measured the same as nodejs22.x's, and Node 24 is maintained a year longer) or nodejs22.x (maintenance ends April 2027). The bundles target Node.js 22, so both run them."
  type        = string
  default     = "nodejs24.x"

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.lambda_runtime)
    error_message = "lambda_runtime must be nodejs22.x or nodejs24.x."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of every function: arm64 (Graviton, lower price per GB-second) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_memory_size" {
  description = "Memory of every function, in MB (128-10240). CPU share grows with memory; 256 MB keeps cold starts short for a bundled SDK."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout" {
  description = "Timeout of every function, in seconds (1-29). API Gateway's default integration timeout is 29 seconds, so a longer function timeout would never be seen by a client."
  type        = number
  default     = 10

  validation {
    condition     = var.lambda_timeout >= 1 && var.lambda_timeout <= 29 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds from 1 to 29."
  }
}

variable "tenant_scoped_credentials" {
  description = "When true, the authorizer assumes a tenant data role with a session tag per tenant and hands the credentials to the isolated function in its answer, so IAM allows only that tenant's own key (TENANT#<id>), and the isolated function's own role has no table access and cannot assume the role itself. Needs the authorizer (tenant_id_authorizer = true in header mode). When false, the isolated function's own role may write any TENANT#* key and only the code keeps tenants apart; that saves the authorizer one STS call per tenant per credential session."
  type        = bool
  default     = true
}

################################################################################
# Logs and tags
################################################################################

variable "log_retention_in_days" {
  description = "Days CloudWatch Logs keeps each function's logs. One of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "tags" {
  description = "Extra tags for every resource, merged over the module's own (Project, Prefix, ManagedBy) through the provider's default_tags."
  type        = map(string)
  default     = {}
}
