/**
 * What Lambda itself accepts, independent of our product's stricter tenant id policy
 * (src/domain/tenant-id.ts): a tenant id of 1–256 characters from `[a-zA-Z0-9._:/=+\-@ ]`.
 * An invoke with anything else is refused by the Lambda API before any environment runs.
 */
export const LAMBDA_TENANT_ID_PATTERN = /^[a-zA-Z0-9._:/=+\-@ ]{1,256}$/;

export const lambdaAcceptsTenantId = (value: string): boolean =>
  LAMBDA_TENANT_ID_PATTERN.test(value);
