/**
 * The bench's reference, never shipped: a Lambda handler that makes the standard function's one
 * DynamoDB request — the same UpdateItem as src/store/dynamodb-counter-store.ts — with nothing
 * but Node built-ins: `node:crypto` to sign it with Signature Version 4, `node:http` to send it
 * to the embedded store. No client library can do less work for that request, so its cold
 * request is the physical floor the shipped bundles are compared with (bench/report.md).
 *
 * The signing follows the SigV4 specification step by step
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * canonical request, string to sign, derived signing key, signature, Authorization header.
 * Plain HTTP only: the bench's store listens on 127.0.0.1 (TLS is one of the things the bench
 * cannot measure, see the report). Built with scripts/build.ts's esbuild options, so it loads
 * its built-ins the same way the shipped bundles do.
 */
import { createHash, createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { SHARED_COUNTER_KEY } from '../../src/domain/counter-keys.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'dynamodb';
const TARGET = 'DynamoDB_20120810.UpdateItem';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface UnsignedRequest {
  method: string;
  /** Host header value (host, or host:port). */
  host: string;
  path: string;
  /** Headers to sign besides `host`, `x-amz-date` and `x-amz-security-token`. */
  headers: Record<string, string>;
  body: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** `20260101T120000Z`: ISO 8601 basic format, UTC, no fractional seconds. */
export const amzDate = (now: Date): string =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * Every header of `input` plus `host`, `x-amz-date` and (with a session token)
 * `x-amz-security-token`, and the `authorization` header that signs them all.
 */
export const signV4 = (
  input: UnsignedRequest,
  credentials: Credentials,
  region: string,
  service: string,
  now: Date,
): Record<string, string> => {
  const dateTime = amzDate(now);
  const date = dateTime.slice(0, 8);
  const headers: Record<string, string> = { host: input.host, 'x-amz-date': dateTime };
  if (credentials.sessionToken !== undefined) {
    headers['x-amz-security-token'] = credentials.sessionToken;
  }
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;

  // Step 1: the canonical request. Header names lowercase and sorted; values trimmed, inner
  // runs of spaces collapsed. No query string here, and the path "/" needs no encoding.
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${(headers[name] ?? '').trim().replace(/ +/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    input.path,
    '',
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');

  // Step 2: the string to sign, over the credential scope of this date, Region and service.
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, dateTime, scope, sha256Hex(canonicalRequest)].join('\n');

  // Step 3: the signing key, HMAC-chained from the secret through date, Region and service.
  const dateKey = hmac(`AWS4${credentials.secretAccessKey}`, date);
  const signingKey = hmac(hmac(hmac(dateKey, region), service), 'aws4_request');

  // Step 4: the signature; step 5: the Authorization header carrying it.
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
};

const agent = new Agent({ keepAlive: true, maxSockets: 50 });

const post = (url: URL, headers: Record<string, string>, body: string) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        agent,
        method: 'POST',
        hostname: url.hostname,
        port: url.port,
        path: '/',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  const env = process.env;
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (endpoint === undefined || !endpoint.startsWith('http:')) {
    throw new Error('The reference handler speaks plain HTTP to AWS_ENDPOINT_URL_DYNAMODB only');
  }
  const url = new URL(endpoint);
  const body = JSON.stringify({
    TableName: env.TABLE_NAME,
    Key: { pk: { S: SHARED_COUNTER_KEY } },
    UpdateExpression: 'ADD #counter :one',
    ExpressionAttributeNames: { '#counter': 'counter' },
    ExpressionAttributeValues: { ':one': { N: '1' } },
    ReturnValues: 'UPDATED_NEW',
  });
  const headers = signV4(
    {
      method: 'POST',
      host: url.host,
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': TARGET },
      body,
    },
    {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(env.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: env.AWS_SESSION_TOKEN }),
    },
    env.AWS_REGION ?? 'us-east-1',
    SERVICE,
    new Date(),
  );
  const answer = await post(url, headers, body);
  const counter = Number(
    (JSON.parse(answer.text) as { Attributes?: { counter?: { N?: string } } }).Attributes?.counter
      ?.N,
  );
  if (answer.status !== 200 || !Number.isSafeInteger(counter)) {
    return { statusCode: 502, body: JSON.stringify({ message: 'UpdateItem failed' }) };
  }
  return { statusCode: 200, body: JSON.stringify({ counter }) };
};
