/**
 * Partition keys of the counters table (docs/architecture.md, "Data model").
 *
 * The `TENANT#` prefix keeps a tenant literally named `SHARED` away from the shared row, and it
 * is what the isolated function's IAM policy pins with `dynamodb:LeadingKeys = TENANT#*`.
 */
export const SHARED_COUNTER_KEY = 'SHARED';
const TENANT_KEY_PREFIX = 'TENANT#';

export const tenantCounterKey = (tenantId: string): string => `${TENANT_KEY_PREFIX}${tenantId}`;
