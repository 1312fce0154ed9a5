/**
 * Events API Gateway sent (or AWS documents), stored next to this file with their sources in
 * README.md, and the tools to compare an event built locally with them: the shape (key paths and
 * value types) and the formats of the ids.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { IncomingRequest } from '../../../src/local/gateway/proxy-event.js';

export const SAMPLE_FILES = {
  powertoolsNoAuth: 'powertools-rest-no-auth.json',
  powertoolsLambdaAuthorizer: 'powertools-rest-lambda-authorizer-auth.json',
  powertoolsRequestAuthorizer: 'powertools-rest-authorizer-request.json',
  goProxy: 'aws-lambda-go-apigw-request.json',
  goRequestAuthorizer: 'aws-lambda-go-apigw-custom-auth-request-type-request.json',
  docsProxy: 'aws-docs-proxy-event.json',
  docsRequestAuthorizer: 'aws-docs-request-authorizer-event.json',
} as const;

export type SampleName = keyof typeof SAMPLE_FILES;

export const readSample = <T = APIGatewayProxyEvent & APIGatewayRequestAuthorizerEvent>(
  name: SampleName,
): T => JSON.parse(readFileSync(new URL(SAMPLE_FILES[name], import.meta.url), 'utf8')) as T;

/** The formats of API Gateway's ids, as the real samples show them. */
export const ID_FORMATS = {
  /** `puhdx84jy9` */
  apiId: /^[a-z0-9]{10}$/,
  /** `3nq1cq` */
  resourceId: /^[a-z0-9]{6}$/,
  /** `v99qix` */
  deploymentId: /^[a-z0-9]{6}$/,
  /** `ZhDrKF5dDoEEHfA=`: base64 of 11 bytes */
  extendedRequestId: /^[A-Za-z0-9+/]{15}=$/,
  /** `Root=1-66704cad-0fbaf1491365339d168b2a7d` */
  traceId: /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/,
} as const;

/** The headers API Gateway adds to what the client sent. */
export const GATEWAY_HEADERS = [
  'X-Forwarded-For',
  'X-Forwarded-Port',
  'X-Forwarded-Proto',
  'X-Amzn-Trace-Id',
] as const;

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * The shape of an event: every key path with the type of its value. It descends into the
 * objects API Gateway defines (requestContext, its identity and authorizer), not into the maps of
 * client-chosen names (headers, query string, path parameters, stage variables).
 */
export const shapeOf = (
  event: object,
  descend: readonly string[] = ['requestContext', 'requestContext.identity'],
): Record<string, string> => {
  const shape: Record<string, string> = {};
  const walk = (value: object, prefix: string): void => {
    for (const [key, item] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      shape[path] = typeOf(item);
      if (descend.includes(path) && typeof item === 'object' && item !== null) walk(item, path);
    }
  };
  walk(event, '');
  return shape;
};

/** Where two shapes differ: path → [type locally, type in the sample], 'absent' for no key. */
export type ShapeDiff = Record<string, readonly [string, string]>;

export const shapeDiff = (
  local: object,
  sample: object,
  descend?: readonly string[],
): ShapeDiff => {
  const mine = shapeOf(local, descend);
  const theirs = shapeOf(sample, descend);
  const diff: Record<string, readonly [string, string]> = {};
  for (const path of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const pair = [mine[path] ?? 'absent', theirs[path] ?? 'absent'] as const;
    if (pair[0] !== pair[1]) diff[path] = pair;
  }
  return diff;
};

const isGatewayHeader = (name: string): boolean =>
  GATEWAY_HEADERS.some((header) => header.toLowerCase() === name.toLowerCase());

/**
 * The request a sample records, as the client sent it to the local gateway: the same method,
 * path (with the stage), query string, headers (without those API Gateway added), body, client IP
 * and user agent, so that the local event and the sample differ only where the event is built
 * differently.
 */
export const requestOf = (
  sample: Partial<APIGatewayProxyEvent>,
  stage: string,
): { request: IncomingRequest; resource: string } => {
  const sent = Object.entries(
    sample.multiValueHeaders ??
      Object.fromEntries(Object.entries(sample.headers ?? {}).map(([name, v]) => [name, [v]])),
  ).filter(([name]) => !isGatewayHeader(name));
  const userAgent = sample.requestContext?.identity?.userAgent;
  if (typeof userAgent === 'string' && !sent.some(([name]) => /^user-agent$/i.test(name))) {
    sent.push(['User-Agent', [userAgent]]);
  }
  const rawHeaders = sent.flatMap(([name, values]) =>
    (values ?? []).flatMap((value) => [name, String(value)]),
  );
  const query = new URLSearchParams(
    Object.entries(
      sample.multiValueQueryStringParameters ??
        Object.fromEntries(
          Object.entries(sample.queryStringParameters ?? {}).map(([key, v]) => [key, [v]]),
        ),
    ).flatMap(([key, values]) => (values ?? []).map((value) => [key, String(value)])),
  ).toString();
  return {
    request: {
      method: sample.httpMethod ?? 'GET',
      path: `/${stage}${sample.path ?? '/'}`,
      query,
      rawHeaders,
      body: Buffer.from(sample.body ?? ''),
      sourceIp: sample.requestContext?.identity?.sourceIp ?? '127.0.0.1',
      localPort: 3000,
    },
    resource: sample.resource ?? '/',
  };
};
