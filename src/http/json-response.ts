import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * This execution environment's id, made once at init: the same for every invocation the
 * environment serves, different in every other. Returned as `x-environment-id`, so a client
 * (and `npm run smoke`) can see, in AWS as locally, that two tenants never share an environment
 * of the isolated function while the standard function serves everyone from the same ones.
 */
const ENVIRONMENT_ID = randomUUID();

/** Headers on every response: JSON, never cached (counters change on each call), CORS open. */
const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
  'x-environment-id': ENVIRONMENT_ID,
};

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  extraHeaders: Readonly<Record<string, string>> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { ...RESPONSE_HEADERS, ...extraHeaders },
  body: JSON.stringify(body),
});
