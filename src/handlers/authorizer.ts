import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { isValidTenantId } from '../domain/tenant-id.js';
import { allowTenant, denyTenant } from '../http/authorizer-result.js';
import { type HeaderMaps, singleHeader } from '../http/rest-event.js';

interface AuthorizerEvent extends HeaderMaps {
  methodArn?: unknown;
}

/**
 * REQUEST authorizer on GET /isolated: applies the tenant id policy at the edge, before the
 * isolated function — and a tenant environment — is ever involved. In AWS, an id Lambda itself
 * refuses (a slash, over 256 characters…) would otherwise fail the invoke with a 5xx, and an id
 * Lambda accepts but our policy forbids would still cost a new tenant environment.
 *
 * It never throws (a throw is a 500 AUTHORIZER_FAILURE): anything it cannot read is a Deny.
 */
export const handler = async (event: AuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '*';
  let tenantId: string | undefined;
  try {
    tenantId = singleHeader(event ?? {}, 'x-tenant-id');
  } catch {
    // Sent twice: ambiguous, so refused like any other invalid id.
    return denyTenant(methodArn);
  }
  return isValidTenantId(tenantId) ? allowTenant(tenantId, methodArn) : denyTenant(methodArn);
};
