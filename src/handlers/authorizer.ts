import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { isValidTenantId } from '../domain/tenant-id.js';
import { allowTenant, denyTenant } from '../http/authorizer-result.js';
import { type EventHeaderMaps, identitySourceHeader } from '../http/rest-event.js';

interface AuthorizerEvent extends EventHeaderMaps {
  methodArn?: unknown;
}

/**
 * REQUEST authorizer on GET /isolated: applies the tenant id policy at the edge, before the
 * isolated function — and a tenant environment — is ever involved. In AWS, an id Lambda itself
 * refuses (a slash, over 256 characters…) would otherwise fail the invoke with a 5xx, and an id
 * Lambda accepts but our policy forbids would still cost a new tenant environment.
 *
 * API Gateway caches the answer per identity source value — the last `x-tenant-id` value — so
 * the answer depends on that value alone. Deciding on anything else (say, refusing a repeated
 * header) would let one request cache a Deny under another tenant's id and lock that tenant out
 * for the TTL.
 *
 * No value at all (only possible with caching off, when API Gateway invokes the authorizer even
 * without its identity source): `Unauthorized`, which API Gateway turns into the same UNAUTHORIZED
 * answer as a missing header with caching on. Anything else never throws (a throw is a 500).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 */
export const handler = async (event: AuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '*';
  const tenantId = identitySourceHeader(event ?? {}, 'x-tenant-id');
  if (tenantId === undefined) throw new Error('Unauthorized');
  return isValidTenantId(tenantId) ? allowTenant(tenantId, methodArn) : denyTenant(methodArn);
};
