/**
 * The answers API Gateway (REST) gives on its own, without the function having the last word.
 * Bodies are byte for byte what AWS sends, spacing included: clients and tests compare them.
 *
 * Gateway response types and their default status codes:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
 */
export interface GatewayAnswer {
  statusCode: number;
  /** `x-amzn-ErrorType`, which API Gateway sets on the answers it makes itself. */
  errorType: string;
  body: string;
}

/** MISSING_AUTHENTICATION_TOKEN: no resource/method matches (REST answers 403, not 404). */
export const MISSING_AUTHENTICATION_TOKEN: GatewayAnswer = {
  statusCode: 403,
  errorType: 'MissingAuthenticationTokenException',
  body: '{"message":"Missing Authentication Token"}',
};

/**
 * A stage that is not deployed. Assumption from observed AWS behaviour (not in the gateway
 * response table): API Gateway answers 403 `{"message":"Forbidden"}` before any route matching.
 */
export const FORBIDDEN: GatewayAnswer = {
  statusCode: 403,
  errorType: 'ForbiddenException',
  body: '{"message":"Forbidden"}',
};

/** BAD_REQUEST_PARAMETERS: the method's request validator found a required header missing. */
export const missingRequestParameters = (names: readonly string[]): GatewayAnswer => ({
  statusCode: 400,
  errorType: 'BadRequestException',
  body: `{"message": "Missing required request parameters: [${names.join(', ')}]"}`,
});

/**
 * REQUEST_TOO_LARGE: the REST API payload quota is 10 MB.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 * The body text is an assumption (the quota table gives the limit, not the message).
 */
export const REQUEST_TOO_LARGE: GatewayAnswer = {
  statusCode: 413,
  errorType: 'RequestTooLargeException',
  body: '{"message":"Request Too Long"}',
};
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Lambda's own limit on a synchronous invoke's request payload (the proxy event as JSON): 6 MB.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

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
export const INVOKE_REJECTED: GatewayAnswer = {
  statusCode: 500,
  errorType: 'InternalServerErrorException',
  body: '{"message": "Internal server error"}',
};

/** The function ran and failed: it threw, crashed, timed out, or returned a malformed result. */
export const FUNCTION_ERROR: GatewayAnswer = {
  statusCode: 502,
  errorType: 'InternalServerErrorException',
  body: '{"message": "Internal server error"}',
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
};
