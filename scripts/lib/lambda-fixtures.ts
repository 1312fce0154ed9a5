/**
 * Builders for what API Gateway and Lambda hand a handler: a REST API proxy event (payload
 * format 1.0, as an AWS_PROXY integration sends it) and a Lambda context (with `tenantId` for a
 * PER_TENANT function).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { anonymousIdentity } from '../../src/local/gateway/proxy-event.js';

export interface RestEventInput {
  method?: string;
  path?: string;
  stage?: string;
  /** Header name → value; an array sends the header once per value. */
  headers?: Record<string, string | string[]>;
  query?: Record<string, string>;
  body?: string | null;
  /** `requestContext.authorizer`, as API Gateway fills it from an authorizer's context. */
  authorizer?: Record<string, string>;
}

export const restEvent = (input: RestEventInput = {}): APIGatewayProxyEvent => {
  const method = input.method ?? 'GET';
  const path = input.path ?? '/standard';
  const stage = input.stage ?? 'dev';
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    multiValueHeaders[name] = values;
    // Like API Gateway: `headers` keeps the last value of a repeated header.
    const last = values[values.length - 1];
    if (last !== undefined) headers[name] = last;
  }
  const query = input.query ?? null;
  return {
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: null,
    stageVariables: null,
    body: input.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'localapi01',
      authorizer: input.authorizer ?? null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      path: `/${stage}${path}`,
      stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'abc123',
      resourcePath: path,
      identity: anonymousIdentity('127.0.0.1', 'vitest'),
    },
  };
};

export const lambdaContext = (
  input: { functionName?: string; tenantId?: string } = {},
): Context => {
  const functionName = input.functionName ?? 'test-function';
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/30/[$LATEST]0123456789abcdef',
    ...(input.tenantId === undefined ? {} : { tenantId: input.tenantId }),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
