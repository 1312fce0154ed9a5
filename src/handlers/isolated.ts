import { tenantCounterKey } from '../domain/counter-keys.js';
import { isolatedBody } from '../domain/response-bodies.js';
import { parseTenantId } from '../domain/tenant-id.js';
import { httpEndpoint } from '../http/http-endpoint.js';
import { jsonResponse } from '../http/json-response.js';
import { tenantCounterStoresFromEnv } from '../store/counter-store-from-env.js';

// Top-level await: the init phase finishes building the store before the first invocation.
const counters = await tenantCounterStoresFromEnv();

/**
 * GET /isolated — runs with `tenant_isolation_mode = PER_TENANT`. API Gateway maps the client's
 * `x-tenant-id` to `X-Amz-Tenant-Id`; Lambda routes the invoke to that tenant's own execution
 * environments and hands the id over as `context.tenantId`. That is the only id trusted here:
 * the raw header in the event is ignored, so the row written always belongs to the tenant whose
 * environment is running — and with tenant-scoped credentials, IAM enforces it too.
 */
export const handler = httpEndpoint(async (_event, context) => {
  const tenantId = parseTenantId(context.tenantId);
  const counter = await counters.forTenant(tenantId).increment(tenantCounterKey(tenantId));
  return jsonResponse(200, isolatedBody(counter, tenantId));
});
