import type { APIGatewayProxyResult } from 'aws-lambda';

/** Headers on every response: JSON, never cached (counters change on each call), CORS open. */
const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'Access-Control-Allow-Origin': '*',
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
