/**
 * Builds the event an API Gateway REST API sends through an AWS_PROXY integration (payload
 * format 1.0) from a raw HTTP request. Pure: ids and time come from the caller.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 */
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';

export interface IncomingRequest {
  method: string;
  /** Path without the query string, stage included (`/dev/standard`). */
  path: string;
  /** Raw query string without `?`, or '' when there is none. */
  query: string;
  /** Node's `rawHeaders`: name, value, name, value… in the order and letter case sent. */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
}

export interface EventSettings {
  stage: string;
  resource: string;
  requestId: string;
  nowMs: number;
  accountId: string;
  apiId: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** `requestContext.requestTime`, in API Gateway's CLF format: `09/Apr/2015:12:34:56 +0000`. */
export const clfTime = (ms: number): string => {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
};

/** The event's `headers` and `multiValueHeaders`, built from the raw HTTP headers. */
export interface ProxyHeaderMaps {
  /** Last value of each header, as `headers` carries it. */
  single: Record<string, string>;
  multi: Record<string, string[]>;
}

/**
 * A map from client-chosen names with no prototype: a header or query parameter named
 * `constructor`, `valueOf` or `__proto__` is an ordinary entry, not an inherited property.
 */
const dictionary = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * Headers keyed by the name as the client spelled it. Names differing only in letter case are
 * one header (HTTP names are case-insensitive); the first spelling seen names the entry.
 */
export const proxyHeaderMaps = (rawHeaders: readonly string[]): ProxyHeaderMaps => {
  const single = dictionary<string>();
  const multi = dictionary<string[]>();
  const spelling = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const value = rawHeaders[i + 1] ?? '';
    const lower = name.toLowerCase();
    const key = spelling.get(lower) ?? name;
    spelling.set(lower, key);
    single[key] = value;
    const list = multi[key] ?? [];
    list.push(value);
    multi[key] = list;
  }
  return { single, multi };
};

/** Every value of one raw HTTP header, whatever letter case the client used. */
export const rawHeaderValues = (rawHeaders: readonly string[], name: string): string[] => {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === wanted) values.push(rawHeaders[i + 1] ?? '');
  }
  return values;
};

const queryMaps = (
  query: string,
): Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'> => {
  if (query === '') return { queryStringParameters: null, multiValueQueryStringParameters: null };
  const single = dictionary<string>();
  const multi = dictionary<string[]>();
  for (const [key, value] of new URLSearchParams(query)) {
    single[key] = value;
    const list = multi[key] ?? [];
    list.push(value);
    multi[key] = list;
  }
  return { queryStringParameters: single, multiValueQueryStringParameters: multi };
};

export const buildProxyEvent = (
  request: IncomingRequest,
  settings: EventSettings,
): APIGatewayProxyEvent => {
  const { single, multi } = proxyHeaderMaps(request.rawHeaders);
  const hasHeaders = request.rawHeaders.length > 0;
  const userAgent = rawHeaderValues(request.rawHeaders, 'user-agent').at(-1) ?? null;
  const host = rawHeaderValues(request.rawHeaders, 'host').at(-1) ?? '127.0.0.1';
  return {
    resource: settings.resource,
    // Without the stage, as on the default execute-api domain; requestContext.path has it.
    path: request.path.slice(settings.stage.length + 1),
    httpMethod: request.method,
    headers: hasHeaders ? single : {},
    multiValueHeaders: hasHeaders ? multi : {},
    ...queryMaps(request.query),
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: settings.accountId,
      apiId: settings.apiId,
      // Filled in by the gateway once the method's authorizer (if any) has allowed the request.
      authorizer: undefined,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      extendedRequestId: settings.requestId,
      httpMethod: request.method,
      identity: anonymousIdentity(request.sourceIp, userAgent),
      path: request.path,
      protocol: 'HTTP/1.1',
      requestId: settings.requestId,
      requestTime: clfTime(settings.nowMs),
      requestTimeEpoch: settings.nowMs,
      resourceId: settings.resource.slice(1),
      resourcePath: settings.resource,
      stage: settings.stage,
    },
    body: request.body.length === 0 ? null : request.body.toString('utf8'),
    isBase64Encoded: false,
  };
};

/**
 * `requestContext.identity` of a REST proxy event for a caller with no IAM, Cognito or API key
 * identity (authorization NONE or a Lambda authorizer): every field null but the source IP and
 * user agent.
 */
export const anonymousIdentity = (
  sourceIp: string,
  userAgent: string | null,
): APIGatewayEventIdentity => ({
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp,
  user: null,
  userAgent,
  userArn: null,
});
