/**
 * A route's Lambda REQUEST authorizer as API Gateway runs it (main.tf's
 * `aws_api_gateway_authorizer.route`, one resource per route): identity source
 * `method.request.header.x-tenant-id` in header mode, `method.request.header.Authorization` in
 * jwt mode, and a cached answer. Each route has its own, so its cache is its own: an answer
 * cached for one route is never reused for another.
 *
 * - a missing or empty identity source never reaches the authorizer: 401 UNAUTHORIZED. API
 *   Gateway checks identity sources only when caching is on; with a TTL of 0 the authorizer runs
 *   anyway (ours then answers Unauthorized, the same 401). identitySource in
 *   https://docs.aws.amazon.com/apigateway/latest/api/API_CreateAuthorizer.html
 * - otherwise the authorizer function runs in its own execution environments (a pool of its
 *   own, like any function) with a REQUEST authorizer event, and its answer is cached per header
 *   value for the TTL;
 * - the policy it returns is evaluated against the method ARN: Allow → the request goes on with
 *   the authorizer's context; Deny, or no statement that allows → ACCESS_DENIED;
 * - an error "Unauthorized" → UNAUTHORIZED; any other error, a crash, a timeout or an answer that
 *   is not a valid policy → AUTHORIZER_CONFIGURATION_ERROR.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { isRecord } from '../../types/is-record.js';
import { AUTHORIZER_FUNCTION } from '../lambda/functions.js';
import type { LambdaService } from '../lambda/service.js';
import { AuthorizerCache, DEFAULT_CACHE_BOUNDS } from './authorizer-cache.js';

/**
 * Live environments of the authorizer function at most. Its answers are cached per tenant and it
 * runs in well under a millisecond, so a few environments keep up with any local load, and each
 * one costs memory a tenant environment could use.
 */
export const AUTHORIZER_MAX_ENVIRONMENTS = 4;

/** Values an authorizer's context may carry (no objects or arrays). */
export type AuthorizerContext = Record<string, string | number | boolean>;

export type AuthorizerDecision =
  | { kind: 'allow'; principalId: string; context: AuthorizerContext }
  | { kind: 'deny' }
  | { kind: 'unauthorized' }
  | { kind: 'error'; failure: string };

export interface Authorization {
  decision: AuthorizerDecision;
  /** Time spent on the authorizer, as `requestContext.authorizer.integrationLatency` (ms). */
  latencyMs: number;
}

/** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<resource path>`. */
export const methodArn = (parts: {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  method: string;
  resource: string;
}): string =>
  `arn:aws:execute-api:${parts.region}:${parts.accountId}:${parts.apiId}/${parts.stage}/${parts.method}${parts.resource}`;

/**
 * The REQUEST authorizer event for a request, from the proxy event the integration would get:
 * the same headers, query string, path and request context, plus `type` and `methodArn`, and no
 * body. Where the proxy event has null for a map with no entries, this event has `{}`, as API
 * Gateway sends it (the REQUEST samples in test/support/event-samples: query string, path
 * parameters and stage variables are `{}`, the proxy event's are null).
 */
export const authorizerEvent = (
  event: APIGatewayProxyEvent,
  arn: string,
): APIGatewayRequestAuthorizerEvent => {
  // Before authorization there is no authorizer context: no `authorizer` key at all.
  const { authorizer: _none, ...requestContext } = event.requestContext;
  return {
    type: 'REQUEST',
    methodArn: arn,
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers ?? {},
    multiValueHeaders: event.multiValueHeaders ?? {},
    queryStringParameters: event.queryStringParameters ?? {},
    multiValueQueryStringParameters: event.multiValueQueryStringParameters ?? {},
    pathParameters: event.pathParameters ?? {},
    stageVariables: event.stageVariables ?? {},
    // @types/aws-lambda declares `authorizer` required (as undefined) here.
    requestContext: requestContext as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
};

const asList = (value: unknown): unknown[] | undefined => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  return undefined;
};

/** IAM-style wildcards: `*` any run of characters, `?` one character. */
const globMatches = (pattern: string, value: string, ignoreCase: boolean): boolean => {
  const source = pattern
    .split('')
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
};

/**
 * Turns what the authorizer function returned into a decision for `arn`. The output must have a
 * string principalId and a policyDocument whose statements have an Effect, Action(s) and
 * Resource(s); a context may only hold strings, numbers and booleans. An explicit Deny on the
 * method wins; otherwise an Allow on it allows; otherwise access is denied.
 */
export const evaluateAuthorizerResult = (result: unknown, arn: string): AuthorizerDecision => {
  const invalid = (why: string): AuthorizerDecision => ({
    kind: 'error',
    failure: `invalid authorizer response: ${why}`,
  });
  if (!isRecord(result)) return invalid('not an object');
  const { principalId, policyDocument, context } = result;
  if (typeof principalId !== 'string') return invalid('no principalId');
  if (!isRecord(policyDocument)) return invalid('no policyDocument');
  const statements = Array.isArray(policyDocument.Statement)
    ? policyDocument.Statement
    : [policyDocument.Statement];
  let allowed = false;
  for (const statement of statements) {
    if (!isRecord(statement)) return invalid('a statement is not an object');
    const actions = asList(statement.Action);
    const resources = asList(statement.Resource);
    const effect = statement.Effect;
    if (actions === undefined || resources === undefined) {
      return invalid('a statement without Action or Resource');
    }
    if (effect !== 'Allow' && effect !== 'Deny') return invalid('an Effect other than Allow/Deny');
    const applies =
      actions.some((action) => globMatches(String(action), 'execute-api:Invoke', true)) &&
      resources.some((resource) => globMatches(String(resource), arn, false));
    if (!applies) continue;
    if (effect === 'Deny') return { kind: 'deny' };
    allowed = true;
  }
  if (!allowed) return { kind: 'deny' };
  const values: AuthorizerContext = {};
  if (context !== undefined && context !== null) {
    if (!isRecord(context)) return invalid('context is not an object');
    for (const [key, value] of Object.entries(context)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        return invalid(`context.${key} is not a string, number or boolean`);
      }
      values[key] = value;
    }
  }
  return { kind: 'allow', principalId, context: values };
};

export interface RouteAuthorizerOptions {
  lambda: LambdaService;
  /** The header of the identity source, lower case. */
  identityHeader: string;
  /** The authorizer's result TTL; 0 turns caching off. */
  ttlMs: number;
  now?: () => number;
}

export class RouteAuthorizer {
  private readonly cache: AuthorizerCache<AuthorizerDecision>;

  readonly identityHeader: string;

  constructor(private readonly options: RouteAuthorizerOptions) {
    this.identityHeader = options.identityHeader;
    this.cache = new AuthorizerCache(
      { ttlMs: options.ttlMs, ...DEFAULT_CACHE_BOUNDS },
      options.now ?? Date.now,
    );
  }

  /**
   * Decides on one request. `identity` is the identity source's value (the last value of the
   * header, as `method.request.header.<name>` reads it); `event` is built only when the
   * authorizer has to run.
   */
  async authorize(
    identity: string | undefined,
    event: () => APIGatewayRequestAuthorizerEvent,
  ): Promise<Authorization> {
    const started = performance.now();
    const caching = this.options.ttlMs > 0;
    if (caching && (identity === undefined || identity === '')) {
      return { decision: { kind: 'unauthorized' }, latencyMs: 0 };
    }
    const { value } = await this.cache.get(
      identity ?? '',
      () => this.invoke(event()),
      // Allow and Deny are cached, as API Gateway caches the returned policy; failures are not.
      (decision) => decision.kind === 'allow' || decision.kind === 'deny',
    );
    return { decision: value, latencyMs: Math.round(performance.now() - started) };
  }

  private async invoke(event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerDecision> {
    const outcome = await this.options.lambda.invoke(AUTHORIZER_FUNCTION, undefined, event);
    switch (outcome.kind) {
      case 'result':
        return evaluateAuthorizerResult(outcome.value, event.methodArn);
      case 'function-error':
        return outcome.errorMessage === 'Unauthorized'
          ? { kind: 'unauthorized' }
          : { kind: 'error', failure: `authorizer ${outcome.errorType}: ${outcome.errorMessage}` };
      case 'failed':
      case 'rejected':
        return { kind: 'error', failure: `authorizer ${outcome.failure}` };
    }
  }
}
