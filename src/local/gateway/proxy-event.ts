/**
 * Builds the event an API Gateway REST API sends through an AWS_PROXY integration (payload
 * format 1.0) from a raw HTTP request. Pure: the request id and the time come from the caller,
 * and every other per-request id is derived from the request id.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 *
 * test/unit/local/gateway/event-samples.test.ts compares the shape with events API Gateway
 * really sent (test/support/event-samples/README.md names their sources).
 */
import { createHash } from 'node:crypto';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_DEPLOYMENT_ID } from '../constants.js';

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
  /**
   * The port the client connected to (`socket.localPort`), for `X-Forwarded-Port`. Without it,
   * the port named in the Host header, else 80.
   */
  localPort?: number;
}

export interface EventSettings {
  stage: string;
  resource: string;
  requestId: string;
  nowMs: number;
  accountId: string;
  apiId: string;
  /** `requestContext.deploymentId`: the local stack is one deployment (LOCAL_DEPLOYMENT_ID). */
  deploymentId?: string;
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

/** Lower-case alphanumerics, as in API Gateway's resource and deployment ids. */
const BASE36 = 36n;

/** `length` base-36 digits (0-9, a-z) from the first 8 bytes of a digest. */
const base36 = (digest: Buffer, length: number): string =>
  (digest.readBigUInt64BE(0) % BASE36 ** BigInt(length)).toString(36).padStart(length, '0');

/**
 * `requestContext.resourceId`: API Gateway's id of the resource (`3nq1cq`), six lower-case
 * alphanumerics. A deployed resource keeps its id, so this one is derived from the resource path
 * and is the same on every request and every run.
 */
export const resourceIdOf = (resource: string): string =>
  base36(createHash('sha256').update(`resource:${resource}`).digest(), 6);

/** 11 bytes for the extended request id, then 12 for the trace id, all from the request id. */
const requestDigest = (requestId: string): Buffer =>
  createHash('sha256').update(`request:${requestId}`).digest();

/**
 * `requestContext.extendedRequestId`: API Gateway's own id of the request (`ZhDrKF5dDoEEHfA=`),
 * base64 of 11 bytes, distinct from the requestId (a UUID).
 */
export const extendedRequestIdOf = (requestId: string): string =>
  requestDigest(requestId).subarray(0, 11).toString('base64');

/**
 * The `X-Amzn-Trace-Id` API Gateway adds when a request has none: `Root=1-<8 hex digits of the
 * epoch second>-<24 hex digits>` (the X-Ray trace id format).
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html
 */
export const traceIdOf = (requestId: string, nowMs: number): string => {
  const epoch = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${requestDigest(requestId).subarray(11, 23).toString('hex')}`;
};

/** The port a Host header names (`127.0.0.1:3000` → 3000), if it names a valid one. */
const hostPort = (host: string): number | undefined => {
  const port = /:(\d{1,5})$/.exec(host)?.[1];
  const value = port === undefined ? Number.NaN : Number(port);
  return value >= 1 && value <= 65_535 ? value : undefined;
};

/** Sets one header in both maps under `name`, replacing any spelling of it the client used. */
const setHeader = (maps: ProxyHeaderMaps, name: string, value: string): void => {
  const lower = name.toLowerCase();
  for (const key of Object.keys(maps.single)) {
    if (key.toLowerCase() === lower) {
      delete maps.single[key];
      delete maps.multi[key];
    }
  }
  maps.single[name] = value;
  maps.multi[name] = [value];
};

/**
 * The headers API Gateway adds on the way to the integration, as real events show them (the
 * samples in test/support/event-samples):
 * - `X-Forwarded-For`: the client IP, appended to what the client sent, as each proxy does;
 * - `X-Forwarded-Port` and `X-Forwarded-Proto`: where the client connected. API Gateway is
 *   `443` and `https`; locally it is the port the gateway listens on, over plain `http`, so a
 *   handler that builds its own URL from them gets one that works;
 * - `X-Amzn-Trace-Id`: added only "to incoming HTTP requests that don't already have one"
 *   (X-Ray developer guide, API Gateway active tracing support); a client's passes unchanged.
 */
const addGatewayHeaders = (
  maps: ProxyHeaderMaps,
  request: IncomingRequest,
  host: string,
  traceId: string,
): void => {
  const forwardedFor = [
    ...rawHeaderValues(request.rawHeaders, 'x-forwarded-for'),
    request.sourceIp,
  ];
  setHeader(maps, 'X-Forwarded-For', forwardedFor.join(', '));
  setHeader(maps, 'X-Forwarded-Port', String(request.localPort ?? hostPort(host) ?? 80));
  setHeader(maps, 'X-Forwarded-Proto', 'http');
  if (rawHeaderValues(request.rawHeaders, 'x-amzn-trace-id').length === 0) {
    setHeader(maps, 'X-Amzn-Trace-Id', traceId);
  }
};

type ProxyRequestContext = APIGatewayProxyEvent['requestContext'];

export const buildProxyEvent = (
  request: IncomingRequest,
  settings: EventSettings,
): APIGatewayProxyEvent => {
  const maps = proxyHeaderMaps(request.rawHeaders);
  const userAgent = rawHeaderValues(request.rawHeaders, 'user-agent').at(-1) ?? null;
  const host = rawHeaderValues(request.rawHeaders, 'host').at(-1) ?? '127.0.0.1';
  addGatewayHeaders(maps, request, host, traceIdOf(settings.requestId, settings.nowMs));
  // No `authorizer` key at all: API Gateway sends none for a method without an authorizer, and
  // the gateway adds it once the method's authorizer (if any) has allowed the request.
  // (@types/aws-lambda declares the key required, with undefined allowed.)
  const requestContext: Omit<ProxyRequestContext, 'authorizer'> & {
    authorizer?: ProxyRequestContext['authorizer'];
    deploymentId: string;
  } = {
    accountId: settings.accountId,
    apiId: settings.apiId,
    deploymentId: settings.deploymentId ?? LOCAL_DEPLOYMENT_ID,
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    extendedRequestId: extendedRequestIdOf(settings.requestId),
    httpMethod: request.method,
    identity: anonymousIdentity(request.sourceIp, userAgent),
    path: request.path,
    protocol: 'HTTP/1.1',
    requestId: settings.requestId,
    requestTime: clfTime(settings.nowMs),
    requestTimeEpoch: settings.nowMs,
    resourceId: resourceIdOf(settings.resource),
    resourcePath: settings.resource,
    stage: settings.stage,
  };
  return {
    resource: settings.resource,
    // Without the stage, as on the default execute-api domain; requestContext.path has it.
    path: request.path.slice(settings.stage.length + 1),
    httpMethod: request.method,
    headers: maps.single,
    multiValueHeaders: maps.multi,
    ...queryMaps(request.query),
    pathParameters: null,
    stageVariables: null,
    requestContext: requestContext as ProxyRequestContext,
    body: request.body.length === 0 ? null : request.body.toString('utf8'),
    isBase64Encoded: false,
  };
};

/**
 * `requestContext.identity` of a REST proxy event for a caller with no IAM, Cognito or API key
 * identity (authorization NONE or a Lambda authorizer): every field null but the source IP and
 * user agent. The keys are those of events API Gateway sent in 2024 (test/support/event-samples):
 * `apiKey` and `apiKeyId` appear only on methods that require an API key (and in the console's
 * test invoke), `clientCert` only with mutual TLS, so neither is here, although @types/aws-lambda
 * declares them required.
 */
export const anonymousIdentity = (
  sourceIp: string,
  userAgent: string | null,
): APIGatewayEventIdentity => {
  const identity: Omit<APIGatewayEventIdentity, 'apiKey' | 'apiKeyId' | 'clientCert'> = {
    accessKey: null,
    accountId: null,
    caller: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
  return identity as APIGatewayEventIdentity;
};
