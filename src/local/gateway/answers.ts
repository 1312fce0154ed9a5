/**
 * The answers API Gateway (REST) gives on its own, without the function having the last word.
 * Bodies are byte for byte what AWS sends, spacing included: clients and tests compare them.
 *
 * Gateway response types and their default status codes:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
import { TENANT_ID_FORMAT, TENANT_ID_RULE } from '../../domain/tenant-id.js';

export interface GatewayAnswer {
  statusCode: number;
  /** `x-amzn-ErrorType`, which API Gateway sets on the answers it makes itself. */
  errorType: string;
  body: string;
  /**
   * The gateway response type, for the answers API Gateway makes itself. main.tf gives every
   * one of them `Access-Control-Allow-Origin: *` (DEFAULT_4XX, DEFAULT_5XX and the two tenant id
   * responses), so a browser can read them; see GATEWAY_RESPONSE_HEADERS.
   */
  responseType?: string;
  /** Headers main.tf adds to this gateway response, beyond GATEWAY_RESPONSE_HEADERS. */
  headers?: Readonly<Record<string, string>>;
}

/** The headers main.tf's gateway responses add (`gatewayresponse.header.*`). */
export const GATEWAY_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
};

/**
 * MISSING_AUTHENTICATION_TOKEN: no resource/method matches (REST answers 403, not 404): "including
 * the cases when the client attempts to invoke an unsupported API method or resource". Methods
 * are case-sensitive (RFC 9110, section 9.1), so `get`, an unknown `FOO` and CONNECT are
 * unsupported methods too.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export const MISSING_AUTHENTICATION_TOKEN: GatewayAnswer = {
  statusCode: 403,
  errorType: 'MissingAuthenticationTokenException',
  body: '{"message":"Missing Authentication Token"}',
  responseType: 'MISSING_AUTHENTICATION_TOKEN',
};

/**
 * A stage that is not deployed. Assumption from observed AWS behaviour (not in the gateway
 * response table): API Gateway answers 403 `{"message":"Forbidden"}` before any route matching.
 */
export const FORBIDDEN: GatewayAnswer = {
  statusCode: 403,
  errorType: 'ForbiddenException',
  body: '{"message":"Forbidden"}',
  responseType: 'DEFAULT_4XX',
};

/**
 * THROTTLED: the stage's rate or burst for the method is used up (default status 429). The
 * body is the DEFAULT_4XX template's `{"message":$context.error.messageString}`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export const THROTTLED: GatewayAnswer = {
  statusCode: 429,
  errorType: 'TooManyRequestsException',
  body: '{"message":"Too Many Requests"}',
  responseType: 'THROTTLED',
};

/** BAD_REQUEST_PARAMETERS: the method's request validator found a required header missing. */
export const missingRequestParameters = (names: readonly string[]): GatewayAnswer => ({
  statusCode: 400,
  errorType: 'BadRequestException',
  body: `{"message": "Missing required request parameters: [${names.join(', ')}]"}`,
  responseType: 'BAD_REQUEST_PARAMETERS',
});

/**
 * REQUEST_TOO_LARGE: over the REST API payload quota (REST_MAX_PAYLOAD_BYTES).
 * The body text is an assumption (the quota table gives the limit, not the message).
 */
export const REQUEST_TOO_LARGE: GatewayAnswer = {
  statusCode: 413,
  errorType: 'RequestTooLargeException',
  body: '{"message":"Request Too Long"}',
  responseType: 'REQUEST_TOO_LARGE',
};

/*
 * Requests refused for their framing, before any route is looked at. API Gateway documents the
 * limits (aws-limits.ts) but not its answers to them, so these are the local stack's choice:
 * the status that HTTP defines for the case (RFC 9110, section 15.5) and its reason phrase as the
 * message, in JSON like every other answer here. They are no gateway responses of main.tf, so
 * they carry none of its headers. x-amzn-ErrorType is BadRequestException for all of them.
 * https://www.rfc-editor.org/rfc/rfc9110#section-15.5
 */
const localRefusal = (statusCode: number, message: string): GatewayAnswer => ({
  statusCode,
  errorType: 'BadRequestException',
  body: JSON.stringify({ message }),
});

/** Bytes that are not an HTTP/1.1 request, or an HTTP/1.1 request without a Host header. */
export const BAD_REQUEST = localRefusal(400, 'Bad Request');

/**
 * Header values over the REST quota (REST_MAX_HEADER_VALUES_BYTES), or a request line and
 * headers over Node's own bound (16 KB, `maxHeaderSize`), which Node refuses before any handler.
 */
export const REQUEST_HEADER_FIELDS_TOO_LARGE = localRefusal(431, 'Request Header Fields Too Large');

/**
 * A URL over the REST quota (REST_REGIONAL_MAX_URL_CHARACTERS). The status is the one AWS names
 * for its other URL limit: "the API client receives a 414 Request URI too long response" when a
 * method ARN outgrows 1600 bytes.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
export const URI_TOO_LONG = localRefusal(414, 'URI Too Long');

/** An `Expect` other than 100-continue, which is the only expectation HTTP/1.1 defines. */
export const EXPECTATION_FAILED = localRefusal(417, 'Expectation Failed');

/** A request that did not arrive whole within Node's `requestTimeout` (300 s). */
export const REQUEST_TIMEOUT = localRefusal(408, 'Request Timeout');

/**
 * "API Gateway treats all invocation and function errors as internal errors. If the Lambda API
 * rejects the invocation request, API Gateway returns a 500 error code. If the function runs but
 * returns an error, or returns a response in the wrong format, API Gateway returns a 502. In both
 * cases, the body of the response from API Gateway is {"message": "Internal server error"}."
 * https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html
 *
 * Rejected invokes include throttling (Lambda's TooManyRequestsException, 429 to a direct caller)
 * and a tenant id Lambda does not accept.
 */
export const INTERNAL_SERVER_ERROR_BODY = '{"message": "Internal server error"}';

export const INVOKE_REJECTED: GatewayAnswer = {
  statusCode: 500,
  errorType: 'InternalServerErrorException',
  body: INTERNAL_SERVER_ERROR_BODY,
};

/** The function ran and failed: it threw, crashed, timed out, or returned a malformed result. */
export const FUNCTION_ERROR: GatewayAnswer = {
  statusCode: 502,
  errorType: 'InternalServerErrorException',
  body: INTERNAL_SERVER_ERROR_BODY,
};

/**
 * INTEGRATION_TIMEOUT: the integration did not answer within the integration timeout (29 s by
 * default for REST APIs). With a function timeout below it (ours: 10 s), Lambda ends the
 * invocation first and reports a function error, which is a 502, not this 504.
 */
export const INTEGRATION_TIMEOUT: GatewayAnswer = {
  statusCode: 504,
  errorType: 'InternalServerErrorException',
  body: '{"message": "Endpoint request timed out"}',
  responseType: 'INTEGRATION_TIMEOUT',
};

/*
 * The tenant id authorizer's answers (main.tf, tenant_id_authorizer = true).
 *
 * UNAUTHORIZED: a REQUEST authorizer whose identity source (x-tenant-id) is missing or empty is
 * never invoked; API Gateway answers 401 UNAUTHORIZED, and the same when the authorizer fails
 * with the error message "Unauthorized".
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 * main.tf's aws_api_gateway_gateway_response.tenant_id maps it to a 400 whose body is
 * jsonencode({ message = "Missing required request parameters: [x-tenant-id]" }) — no space
 * after the colon, unlike the request validator's own answer above.
 */
export const TENANT_ID_UNAUTHORIZED: GatewayAnswer = {
  statusCode: 400,
  errorType: 'UnauthorizedException',
  body: JSON.stringify({ message: 'Missing required request parameters: [x-tenant-id]' }),
  responseType: 'UNAUTHORIZED',
};

/**
 * ACCESS_DENIED: the authorizer answered with a policy that does not allow the method (our
 * authorizer's Deny). main.tf maps it to a 400 with jsonencode({ error = ..., message = ... });
 * jsonencode writes object keys in lexical order, which here is also the order written.
 * test/e2e/authorizer.test.ts compares both bodies with main.tf.
 */
export const TENANT_ID_ACCESS_DENIED: GatewayAnswer = {
  statusCode: 400,
  errorType: 'AccessDeniedException',
  body: JSON.stringify({
    error: 'InvalidTenantId',
    message: `Invalid tenant id: ${TENANT_ID_RULE}`,
  }),
  responseType: 'ACCESS_DENIED',
};

/**
 * AUTHORIZER_CONFIGURATION_ERROR (default status 500, not customised by main.tf, so the
 * DEFAULT_5XX template `{"message":$context.error.messageString}` applies): the authorizer
 * function threw (with any message but "Unauthorized"), crashed, timed out, could not be invoked
 * or returned something that is not a valid policy. API Gateway reports all of these as an
 * AuthorizerConfigurationException whose message string is null.
 * - status codes: https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * - "Unauthorized" → 401, any other error → 500: the example authorizer in
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 * - the body `{"message":null}` and x-amzn-ErrorType AuthorizerConfigurationException are
 *   observed behaviour, not documented (e.g. https://loige.co/debugging-custom-apigateway-authorizers/).
 * AUTHORIZER_FAILURE (also 500) is the type for an authorizer that "failed to authenticate the
 * caller"; a Lambda authorizer's failures surface as the configuration error instead.
 */
export const AUTHORIZER_CONFIGURATION_ERROR: GatewayAnswer = {
  statusCode: 500,
  errorType: 'AuthorizerConfigurationException',
  body: '{"message":null}',
  responseType: 'AUTHORIZER_CONFIGURATION_ERROR',
};

/** The authorizer's two refusals, as main.tf's gateway responses shape them in one mode. */
export interface AuthorizerRefusals {
  /** No identity, or one that fails verification (UNAUTHORIZED). */
  unauthorized: GatewayAnswer;
  /** An identity that names no acceptable tenant (ACCESS_DENIED). */
  accessDenied: GatewayAnswer;
}

/*
 * The jwt mode's answers (main.tf, tenant_identity = "jwt"): the statuses are API Gateway's own
 * defaults for the two response types — 401 UNAUTHORIZED, 403 ACCESS_DENIED — with JSON bodies,
 * and a 401 says which scheme it wants (RFC 6750, section 3).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 * https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export const TOKEN_UNAUTHORIZED: GatewayAnswer = {
  statusCode: 401,
  errorType: 'UnauthorizedException',
  body: JSON.stringify({ message: 'Unauthorized' }),
  responseType: 'UNAUTHORIZED',
  headers: { 'WWW-Authenticate': 'Bearer' },
};

export const tokenAccessDenied = (tenantClaim: string): GatewayAnswer => ({
  statusCode: 403,
  errorType: 'AccessDeniedException',
  body: JSON.stringify({
    error: 'InvalidTenantClaim',
    message: `The token's ${tenantClaim} claim is missing or is not a valid tenant id: it must be ${TENANT_ID_FORMAT}`,
  }),
  responseType: 'ACCESS_DENIED',
});

export const refusalsFor = (
  identity: { mode: 'header' } | { mode: 'jwt'; tenantClaim: string },
): AuthorizerRefusals =>
  identity.mode === 'header'
    ? { unauthorized: TENANT_ID_UNAUTHORIZED, accessDenied: TENANT_ID_ACCESS_DENIED }
    : { unauthorized: TOKEN_UNAUTHORIZED, accessDenied: tokenAccessDenied(identity.tenantClaim) };
