import { SHARED_COUNTER_KEY } from '../domain/counter-keys.js';
import { standardBody } from '../domain/response-bodies.js';
import { parseTenantId } from '../domain/tenant-id.js';
import { httpEndpoint } from '../http/http-endpoint.js';
import { jsonResponse } from '../http/json-response.js';
import { authorizerTenant, singleHeader } from '../http/rest-event.js';
import { counterStoreFromEnv } from '../store/counter-store-from-env.js';

const counters = counterStoreFromEnv();

/**
 * GET /standard — no tenant isolation, on purpose: every caller increments the one shared row.
 * The tenant is only echoed: in jwt mode the one the authorizer verified (x-tenant-id is then
 * ignored), in header mode the optional x-tenant-id header, after the same policy check as
 * /isolated, so a bad id is refused the same way and nothing is written.
 */
export const handler = httpEndpoint(async (event) => {
  const verified = authorizerTenant(event);
  const header = verified === undefined ? singleHeader(event, 'x-tenant-id') : verified;
  const tenantId = header === undefined ? null : parseTenantId(header);
  const counter = await counters.increment(SHARED_COUNTER_KEY);
  return jsonResponse(200, standardBody(counter, tenantId));
});
