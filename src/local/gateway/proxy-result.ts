/**
 * Checks what a function returned against the proxy integration's output format and turns it
 * into an HTTP answer. Anything else is a malformed response, which API Gateway answers with a
 * 502 (see answers.ts).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-output-format
 */
import { isRecord } from '../../types/is-record.js';

/** What the function answered, as HTTP. */
export interface HttpAnswer {
  statusCode: number;
  /** Header name → values (a list keeps repeated headers apart). */
  headers: Record<string, string[]>;
  body: Buffer;
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

export const toHttpAnswer = (result: unknown): HttpAnswer | undefined => {
  if (!isRecord(result)) return undefined;
  const { statusCode, headers, multiValueHeaders, body, isBase64Encoded } = result;
  const status = typeof statusCode === 'string' ? Number(statusCode) : statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return undefined;
  }
  if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') return undefined;
  const out: Record<string, string[]> = {};
  if (headers !== undefined && headers !== null) {
    if (!isRecord(headers)) return undefined;
    for (const [name, value] of Object.entries(headers)) {
      if (!isScalar(value)) return undefined;
      out[name] = [String(value)];
    }
  }
  if (multiValueHeaders !== undefined && multiValueHeaders !== null) {
    if (!isRecord(multiValueHeaders)) return undefined;
    for (const [name, values] of Object.entries(multiValueHeaders)) {
      if (!Array.isArray(values) || !values.every(isScalar)) return undefined;
      // API Gateway merges both maps; values from multiValueHeaders come first.
      out[name] = [...values.map(String), ...(out[name] ?? [])];
    }
  }
  const text = typeof body === 'string' ? body : '';
  return {
    statusCode: status,
    headers: out,
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
};
