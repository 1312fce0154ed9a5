/**
 * What API Gateway does with a request at the HTTP level, before any route is looked at: read
 * the target and the body within the REST quotas, admit or refuse the request as a whole, and
 * answer the bytes Node's parser refused. Each piece is one step of server.ts.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import {
  REST_MAX_HEADER_VALUES_BYTES,
  REST_MAX_PAYLOAD_BYTES,
  REST_REGIONAL_MAX_URL_CHARACTERS,
} from '../aws-limits.js';
import {
  BAD_REQUEST,
  GATEWAY_RESPONSE_HEADERS,
  type GatewayAnswer,
  MISSING_AUTHENTICATION_TOKEN,
  REQUEST_HEADER_FIELDS_TOO_LARGE,
  REQUEST_TIMEOUT,
  URI_TOO_LONG,
} from './answers.js';
import { rawHeaderValues } from './proxy-event.js';

/** The scheme and authority of an absolute-form request target. */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The path and query string of a request target. The absolute form (`GET http://host/dev/x`),
 * which "a server MUST accept", is routed by its path like the origin form (`GET /dev/x`).
 * https://www.rfc-editor.org/rfc/rfc9112#section-3.2.2
 */
export const splitTarget = (target: string): { path: string; query: string } => {
  const rest = target.slice(ABSOLUTE_FORM.exec(target)?.[0].length ?? 0);
  const queryAt = rest.indexOf('?');
  const path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  return { path: path === '' ? '/' : path, query: queryAt === -1 ? '' : rest.slice(queryAt + 1) };
};

/**
 * Step 1, read the body up to the REST API payload limit. Beyond it the rest is read and dropped
 * (up to a bound) so the client can still read the 413 instead of a reset connection. A client
 * that goes away before the end gets nothing: there is no one left to answer, and no function
 * runs.
 */
export const readBody = (request: IncomingMessage): Promise<Buffer | 'too-large' | 'aborted'> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= REST_MAX_PAYLOAD_BYTES) chunks.push(chunk);
      else if (size > 4 * REST_MAX_PAYLOAD_BYTES) request.destroy();
    });
    request.on('end', () =>
      resolve(size > REST_MAX_PAYLOAD_BYTES ? 'too-large' : Buffer.concat(chunks)),
    );
    // An 'aborted' error or a close before the end: the client went away mid-request.
    const gone = (): void => resolve(size > REST_MAX_PAYLOAD_BYTES ? 'too-large' : 'aborted');
    request.on('error', gone);
    request.on('close', () => {
      if (!request.complete) gone();
    });
  });

/** The size of every header value, in bytes as received (Node reads header bytes as Latin-1). */
const headerValuesBytes = (rawHeaders: readonly string[]): number => {
  let total = 0;
  for (let i = 1; i < rawHeaders.length; i += 2) {
    total += Buffer.byteLength(rawHeaders[i] ?? '', 'latin1');
  }
  return total;
};

/**
 * Step 2, admit: the checks on the request as a whole, before any route is looked at. `undefined`
 * lets it in; otherwise the answer, and why (for the log line).
 *
 * - Host: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request
 *   message that lacks a Host header field and to any request message that contains more than
 *   one Host header field line". https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 * - the REST quotas on the URL's length and on the total size of all header values
 *   (aws-limits.ts). The URL is measured as the request target the client sent (path and query,
 *   or the whole absolute form): the host name locally is not the one of execute-api.
 */
export const admission = (
  request: IncomingMessage,
): { answer: GatewayAnswer; failure: string } | undefined => {
  const hosts = rawHeaderValues(request.rawHeaders, 'host').length;
  if (hosts > 1 || (hosts === 0 && request.httpVersion === '1.1')) {
    return { answer: BAD_REQUEST, failure: `${hosts} Host headers` };
  }
  const urlLength = (request.url ?? '').length;
  if (urlLength > REST_REGIONAL_MAX_URL_CHARACTERS) {
    return {
      answer: URI_TOO_LONG,
      failure: `URL of ${urlLength} characters, over the REST quota of ${REST_REGIONAL_MAX_URL_CHARACTERS}`,
    };
  }
  const valuesBytes = headerValuesBytes(request.rawHeaders);
  if (valuesBytes > REST_MAX_HEADER_VALUES_BYTES) {
    return {
      answer: REQUEST_HEADER_FIELDS_TOO_LARGE,
      failure: `header values of ${valuesBytes} bytes, over the REST quota of ${REST_MAX_HEADER_VALUES_BYTES}`,
    };
  }
  return undefined;
};

/** What Node's parser errors carry besides the code (lib/_http_server.js, prepareError). */
export interface ParseError extends Error {
  code?: string;
  /** Where in `rawPacket` the parser stopped. */
  bytesParsed?: number;
  rawPacket?: Buffer;
}

/** A method token (RFC 9110 `token`) and the space after it: the start of a request line. */
const METHOD_AND_SPACE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

/**
 * A request line whose method Node does not know (`get`, `FOO`), rather than bytes that are no
 * request line at all: the line the parser stopped in starts with a token and a space.
 */
const isUnknownMethod = (error: ParseError): boolean => {
  const packet = error.rawPacket;
  if (packet === undefined) return false;
  const lineStart = packet.subarray(0, error.bytesParsed ?? 0).lastIndexOf(0x0a) + 1;
  return METHOD_AND_SPACE.test(packet.subarray(lineStart, lineStart + 64).toString('latin1'));
};

/** The answer to a request Node refused before any handler saw it. */
export const parseErrorAnswer = (error: ParseError): GatewayAnswer => {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return REQUEST_HEADER_FIELDS_TOO_LARGE;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return REQUEST_TIMEOUT;
    case 'HPE_INVALID_METHOD':
      // An unsupported method, as API Gateway answers one.
      return isUnknownMethod(error) ? MISSING_AUTHENTICATION_TOKEN : BAD_REQUEST;
    default:
      return BAD_REQUEST;
  }
};

/** A gateway answer as bytes, for a socket no ServerResponse writes to any more. */
export const rawAnswer = (answer: GatewayAnswer): string => {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(answer.body)),
    'x-amzn-ErrorType': answer.errorType,
    ...(answer.responseType === undefined ? {} : GATEWAY_RESPONSE_HEADERS),
    ...answer.headers,
    'x-amzn-RequestId': randomUUID(),
    Date: new Date().toUTCString(),
    Connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const reason = STATUS_CODES[answer.statusCode] ?? '';
  return `HTTP/1.1 ${answer.statusCode} ${reason}\r\n${lines.join('')}\r\n${answer.body}`;
};
