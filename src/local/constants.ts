/**
 * The local stack's stand-ins for what an AWS account gives a deployed stack: where it lives
 * (region, account, API id), what Terraform would name things (the prefix), where it listens, and
 * the dummy credentials the SDK insists on. Placeholders in the shapes AWS uses, so ARNs and
 * events built from them parse like real ones.
 */
import { fileURLToPath } from 'node:url';

/** The repository root (the local stack runs from a checkout, never from a bundle). */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The one interface the local stack listens on: it is never reachable from elsewhere. */
export const LOCAL_HOST = '127.0.0.1';

export const LOCAL_REGION = 'us-east-1';

/** The documentation account id AWS itself uses in examples. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/**
 * The REST API id in ARNs and events (`aws_api_gateway_rest_api.id` in AWS): ten lower-case
 * alphanumerics, like `puhdx84jy9`.
 */
export const LOCAL_API_ID = 'local00000';

/**
 * `requestContext.deploymentId`: the id of the deployment a stage serves (six lower-case
 * alphanumerics, like `v99qix`). The local stack serves one deployment per run of the same code,
 * so the id is the same every time.
 */
export const LOCAL_DEPLOYMENT_ID = 'local0';

/** What Terraform's `var.prefix` is for the local stack: functions are `local-<key>`. */
export const LOCAL_PREFIX = 'local';

/** Dummy credentials: the embedded store checks no signature, but the SDK wants some. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
