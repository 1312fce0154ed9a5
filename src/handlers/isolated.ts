import { tenantCounterKey } from '../domain/counter-keys.js';
import { isolatedBody } from '../domain/response-bodies.js';
import { parseTenantId } from '../domain/tenant-id.js';
import { httpEndpoint } from '../http/http-endpoint.js';
import { jsonResponse } from '../http/json-response.js';
import { tenantCounterStoresFromEnv } from '../store/counter-store-from-env.js';

const counters = tenantCounterStoresFromEnv();

/**
 * GET /isolated — runs with `tenant_isolation_mode = PER_TENANT`. The authorizer establishes
 * the tenant (from x-tenant-id, or from a verified token), API Gateway maps it to
 * `X-Amz-Tenant-Id`, and Lambda routes the invoke to that tenant's own execution environments
 * with the id as `context.tenantId`. That is the id trusted here, and it must agree with the
 * authorizer's and with the tenant the environment is bound to. With tenant-scoped credentials
 * the write is signed with the tenant's own credentials from the authorizer, so IAM enforces it
 * too.
 */
export const handler = httpEndpoint(async (event, context) => {
  const tenantId = parseTenantId(context.tenantId);
  const store = counters.forRequest(tenantId, event.requestContext.authorizer);
  const counter = await store.increment(tenantCounterKey(tenantId));
  return jsonResponse(200, isolatedBody(counter, tenantId));
});
