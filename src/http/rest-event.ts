import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isRecord } from '../types/is-record.js';
import { BadRequestError } from './errors.js';

const isOptionalRecord = (value: unknown): boolean =>
  value === undefined || value === null || isRecord(value);

/**
 * True for the event an API Gateway REST API sends through an AWS_PROXY integration (payload
 * format 1.0). An HTTP API (payload 2.0) event, a direct invoke with arbitrary JSON or anything
 * else is not one; the handlers answer those with 400 instead of guessing.
 */
export const isRestProxyEvent = (event: unknown): event is APIGatewayProxyEvent =>
  isRecord(event) &&
  event.version !== '2.0' &&
  typeof event.httpMethod === 'string' &&
  typeof event.path === 'string' &&
  isRecord(event.requestContext) &&
  isOptionalRecord(event.headers) &&
  isOptionalRecord(event.multiValueHeaders);

export const assertRestProxyEvent = (event: unknown): APIGatewayProxyEvent => {
  if (!isRestProxyEvent(event)) {
    throw new BadRequestError('Expected an API Gateway REST proxy event', 'UnsupportedEvent');
  }
  return event;
};

/**
 * The header maps of a REST proxy event or of a REQUEST authorizer event (same shape), as the
 * handlers read them. (The local gateway builds these maps from raw HTTP headers:
 * src/local/gateway/proxy-event.ts.)
 */
export interface EventHeaderMaps {
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
}

/** Every value sent for one header, whatever letter case the client or gateway used. */
const eventHeaderValues = (event: EventHeaderMaps, name: string): string[] => {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  // multiValueHeaders carries every occurrence; `headers` only the last one. Read the fuller one
  // when the gateway sent it (it always does for REST proxy events).
  const multi = event.multiValueHeaders;
  if (isRecord(multi)) {
    for (const [key, list] of Object.entries(multi)) {
      if (key.toLowerCase() !== wanted || !Array.isArray(list)) continue;
      for (const value of list) values.push(String(value));
    }
    if (values.length > 0) return values;
  }
  const single = event.headers;
  if (isRecord(single)) {
    for (const [key, value] of Object.entries(single)) {
      if (key.toLowerCase() === wanted && value !== undefined && value !== null) {
        values.push(String(value));
      }
    }
  }
  return values;
};

/**
 * The single value of a header, or undefined when absent. A header sent more than once is
 * ambiguous (which tenant did the client mean?), so it is a client error rather than a guess.
 */
export const singleHeader = (event: EventHeaderMaps, name: string): string | undefined => {
  const values = eventHeaderValues(event, name);
  if (values.length > 1) {
    throw new BadRequestError(`Send the ${name} header once`, 'DuplicateHeader');
  }
  return values[0];
};

/**
 * The value API Gateway uses for `method.request.header.<name>` (an authorizer's identity source
 * and its cache key): the single-value `headers` map, which holds the last value of a repeated
 * header. Letter case is ignored; absent or empty → undefined.
 */
export const identitySourceHeader = (event: EventHeaderMaps, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  const single = event.headers;
  if (isRecord(single)) {
    for (const [key, value] of Object.entries(single)) {
      if (key.toLowerCase() === wanted && typeof value === 'string') found = value;
    }
  }
  return found === '' ? undefined : found;
};

/**
 * The tenant an authorizer established for this request (`requestContext.authorizer.tenantId`,
 * which only API Gateway can set), or undefined when the method has no authorizer.
 */
export const authorizerTenant = (event: APIGatewayProxyEvent): string | undefined => {
  const authorizer: unknown = event.requestContext?.authorizer;
  if (!isRecord(authorizer)) return undefined;
  const { tenantId } = authorizer;
  return typeof tenantId === 'string' && tenantId !== '' ? tenantId : undefined;
};
