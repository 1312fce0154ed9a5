/**
 * The AWS limits the local stack applies, each as the documentation states it. Every check the
 * local Lambda service or gateway makes against a limit reads it from here.
 */

// Lambda ─────────────────────────────────────────────────────────────────────────────────────

/**
 * What Lambda itself accepts as a tenant id, independent of the product's stricter policy
 * (src/domain/tenant-id.ts): 1–256 characters from `[a-zA-Z0-9._:/=+\-@ ]`. An invoke with
 * anything else is refused by the Lambda API before any environment runs.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (X-Amz-Tenant-Id)
 */
export const LAMBDA_TENANT_ID_PATTERN = /^[a-zA-Z0-9._:/=+\-@ ]{1,256}$/;

/**
 * Invocation payload, request and response, of a synchronous invoke: 6 MB each.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_MAX_REQUEST_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const LAMBDA_MAX_RESPONSE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * The init phase is limited to 10 seconds.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib
 */
export const LAMBDA_INIT_TIMEOUT_MS = 10_000;

/**
 * Function timeout: 1 to 900 seconds; memory: 128 to 10,240 MB.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
export const LAMBDA_MEMORY_MB = { min: 128, max: 10_240 } as const;

/**
 * A role session assumed with role chaining (the authorizer's execution role assuming the tenant
 * data role) lasts at most one hour; DurationSeconds is at least 900.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (DurationSeconds)
 */
export const ROLE_CHAINING_SESSION_SECONDS = { min: 900, max: 3600 } as const;

// API Gateway (REST) ─────────────────────────────────────────────────────────────────────────

/**
 * Payload size of a REST API request: 10 MB.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 */
export const REST_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * "Total combined size of all header values": 10,240 bytes for a REST API (the HTTP API row
 * counts the request line too; the REST row names header values only). Not adjustable.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 */
export const REST_MAX_HEADER_VALUES_BYTES = 10_240;

/**
 * "Length, in characters, of the URL for a regional API": 10,240 (8,192 for an edge-optimized
 * API; main.tf deploys a REGIONAL one). Not adjustable.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 */
export const REST_REGIONAL_MAX_URL_CHARACTERS = 10_240;

/**
 * Integration timeout: 50 ms to 29 s by default for REST APIs (Regional APIs may raise it).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 */
export const REST_DEFAULT_INTEGRATION_TIMEOUT_SECONDS = 29;

/**
 * Authorizer result TTL: at most 3600 s; 0 turns caching off.
 * https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html (authorizerResultTtlInSeconds)
 */
export const AUTHORIZER_TTL_SECONDS = { max: 3600 } as const;

/**
 * Stage names: letters, digits, hyphens and underscores, at most 128 characters.
 * https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html (stageName)
 */
export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
