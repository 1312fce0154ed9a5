/**
 * Two checks the report relies on, run by the bench in a child process with a Lambda
 * environment (lambda-runtime.ts) and an empty HOME, so no shared config file exists:
 *
 * 1. The explicit client configuration (ownRoleClientConfig in
 *    src/store/counter-store-from-env.ts) resolves every setting to what the SDK resolves by
 *    itself from the same environment — region, endpoint, FIPS/dual-stack, retry mode and
 *    attempts, defaults mode, account-id endpoints, auth scheme preference, app id, clock skew
 *    correction, credentials — and signs the same request: same URL, same signed headers. An
 *    SDK release that changes a default shows up here as a mismatch.
 * 2. The reference handler's SigV4 signer (reference-handler.ts), fed the request the SDK
 *    signed, computes the SDK's Authorization header exactly.
 *
 * Each client sends the UpdateItem of src/store/dynamodb-counter-store.ts; a middleware after
 * signing records the request and stops it before it leaves the process.
 *
 * Prints one JSON line: ClientConfigCheck.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { ownRoleClientConfig } from '../../src/store/counter-store-from-env.js';
import { signV4 } from './reference-handler.js';

export interface SettingComparison {
  setting: string;
  sdk: string;
  explicit: string;
  equal: boolean;
}

export interface ClientConfigCheck {
  /** Whether AWS_ENDPOINT_URL_DYNAMODB was set (the bench's probes) or not (Lambda). */
  endpointFromEnv: boolean;
  settings: SettingComparison[];
  /** The reference signer reproduced the SDK's signature of the same request. */
  referenceSignatureMatches: boolean;
}

interface CapturedRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

const STOP = 'bench: request recorded, not sent';

const capture = async (client: DynamoDBClient): Promise<CapturedRequest> => {
  let captured: CapturedRequest | undefined;
  client.middlewareStack.add(
    () => async (args) => {
      captured = args.request as CapturedRequest;
      throw new Error(STOP);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchCaptureRequest' },
  );
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: 'bench-counters',
        Key: { pk: { S: 'SHARED' } },
        UpdateExpression: 'ADD #counter :one',
        ExpressionAttributeNames: { '#counter': 'counter' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error) || error.message !== STOP) throw error;
  }
  if (captured === undefined) throw new Error('the request was not recorded');
  return captured;
};

const signedHeaderNames = (request: CapturedRequest): string =>
  /SignedHeaders=([^,]+)/.exec(request.headers.authorization ?? '')?.[1] ?? '';

const url = (request: CapturedRequest): string =>
  `${request.protocol}//${request.hostname}${request.port === undefined ? '' : `:${request.port}`}${request.path}`;

/** Resolved value of a client setting: called when it is a provider, as the SDK does. */
const resolved = async (client: DynamoDBClient, name: string): Promise<string> => {
  const value = (client.config as unknown as Record<string, unknown>)[name];
  try {
    const result = typeof value === 'function' ? await (value as () => unknown)() : value;
    return JSON.stringify(result) ?? 'undefined';
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
};

const SETTINGS = [
  'region',
  'useFipsEndpoint',
  'useDualstackEndpoint',
  'maxAttempts',
  'retryMode',
  'defaultsMode',
  'accountIdEndpointMode',
  'authSchemePreference',
  'userAgentAppId',
  'disableClockSkewCorrection',
];

const referenceSignatureMatches = (request: CapturedRequest): boolean => {
  const names = signedHeaderNames(request).split(';');
  const date = request.headers['x-amz-date'] ?? '';
  const now = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const own = ['host', 'x-amz-date', 'x-amz-security-token'];
  const headers = Object.fromEntries(
    names.filter((name) => !own.includes(name)).map((name) => [name, request.headers[name] ?? '']),
  );
  const token = process.env.AWS_SESSION_TOKEN;
  const signed = signV4(
    {
      method: 'POST',
      host: request.headers.host ?? '',
      path: request.path,
      headers,
      body: request.body,
    },
    {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(token === undefined ? {} : { sessionToken: token }),
    },
    process.env.AWS_REGION ?? '',
    'dynamodb',
    now,
  );
  return signed.authorization === request.headers.authorization;
};

const main = async (): Promise<void> => {
  const sdk = new DynamoDBClient({});
  const explicit = new DynamoDBClient(ownRoleClientConfig());
  const settings: SettingComparison[] = [];
  const compare = (setting: string, a: string, b: string) =>
    settings.push({ setting, sdk: a, explicit: b, equal: a === b });
  for (const name of SETTINGS) {
    compare(name, await resolved(sdk, name), await resolved(explicit, name));
  }
  const sdkRetry = (await sdk.config.retryStrategy()) as { mode?: string };
  const explicitRetry = (await explicit.config.retryStrategy()) as { mode?: string };
  compare('retry strategy', String(sdkRetry.mode), String(explicitRetry.mode));
  const [fromSdk, fromExplicit] = [await capture(sdk), await capture(explicit)];
  compare('request URL', url(fromSdk), url(fromExplicit));
  compare('signed headers', signedHeaderNames(fromSdk), signedHeaderNames(fromExplicit));
  compare(
    'credentials (access key id)',
    /Credential=([^/]+)/.exec(fromSdk.headers.authorization ?? '')?.[1] ?? '',
    /Credential=([^/]+)/.exec(fromExplicit.headers.authorization ?? '')?.[1] ?? '',
  );
  const result: ClientConfigCheck = {
    endpointFromEnv: process.env.AWS_ENDPOINT_URL_DYNAMODB !== undefined,
    settings,
    referenceSignatureMatches: referenceSignatureMatches(fromSdk),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
