import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { authorizerConfigFromEnv } from '../config/authorizer-config.js';
import { isValidTenantId } from '../domain/tenant-id.js';
import { allowTenant, denyTenant, resourcePathOf } from '../http/authorizer-result.js';
import { type EventHeaderMaps, identitySourceHeader } from '../http/rest-event.js';
import { bearerToken } from '../identity/bearer-token.js';
import type { TenantCredentialBroker } from '../identity/tenant-credentials.js';

interface AuthorizerEvent extends EventHeaderMaps {
  methodArn?: unknown;
}

/** Who the caller is, as far as the edge can tell. */
type Identified =
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'unauthorized' }
  | { kind: 'deny' };

const config = authorizerConfigFromEnv();

/**
 * The identity source, read as API Gateway reads it (the last value of a repeated header), so
 * the answer depends only on the value API Gateway caches it under. Deciding on anything else
 * would let one request cache a Deny (or an Allow) for every later request with that value.
 */
const identify: (event: AuthorizerEvent) => Promise<Identified> = await (async () => {
  const { identity } = config;
  if (identity.mode === 'header') {
    // The tenant id the client names in x-tenant-id, checked against the tenant id policy.
    return async (event: AuthorizerEvent): Promise<Identified> => {
      const tenantId = identitySourceHeader(event, 'x-tenant-id');
      if (tenantId === undefined) return { kind: 'unauthorized' };
      return isValidTenantId(tenantId) ? { kind: 'tenant', tenantId } : { kind: 'deny' };
    };
  }
  // The tenant a verified token names; x-tenant-id is ignored. jose loads in jwt mode only,
  // during init, like the STS client below.
  const { jwtTenantVerifier } = await import('../identity/jwt-tenant.js');
  const verify = jwtTenantVerifier(identity);
  return async (event: AuthorizerEvent): Promise<Identified> => {
    const token = bearerToken(identitySourceHeader(event, 'authorization'));
    if (token === undefined) return { kind: 'unauthorized' };
    const verified = await verify(token);
    if (verified.kind === 'invalid') return { kind: 'unauthorized' };
    if (verified.kind === 'no-tenant') return { kind: 'deny' };
    return { kind: 'tenant', tenantId: verified.tenantId };
  };
})();

// The STS client loads only where credentials are brokered, during init.
const broker: TenantCredentialBroker | undefined = await (async () => {
  if (config.broker === undefined) return undefined;
  const [{ STSClient }, { TenantCredentialBroker }] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('../identity/tenant-credentials.js'),
  ]);
  return new TenantCredentialBroker(new STSClient({}), config.broker);
})();

/**
 * The REQUEST authorizer of the API's routes: establishes the tenant at the edge, before any
 * function — and any tenant environment — is involved. In header mode the client names its
 * tenant in x-tenant-id; in jwt mode a token the issuer signed names it in a claim. Either way
 * the tenant id policy applies, so an id Lambda would refuse never reaches it.
 *
 * - no identity, or a token that fails verification: `Unauthorized` (API Gateway's 401
 *   UNAUTHORIZED; main.tf shapes the body);
 * - an identity that names no acceptable tenant: Deny (ACCESS_DENIED);
 * - otherwise Allow, with the tenant in the context, and — on the resources that run in the
 *   tenant's own environments only — that tenant's credentials. A failure to obtain them
 *   throws, which API Gateway answers with a 500: the client did nothing wrong.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 */
export const handler = async (event: AuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const methodArn = typeof event?.methodArn === 'string' ? event.methodArn : '*';
  const identified = await identify(event ?? {});
  if (identified.kind === 'unauthorized') throw new Error('Unauthorized');
  if (identified.kind === 'deny') return denyTenant(methodArn);
  const { tenantId } = identified;
  const resource = resourcePathOf(methodArn);
  if (
    broker === undefined ||
    resource === undefined ||
    !config.broker?.resources.includes(resource)
  ) {
    return allowTenant(tenantId, methodArn);
  }
  const { accessKeyId, secretAccessKey, sessionToken } = await broker.credentialsFor(tenantId);
  return allowTenant(tenantId, methodArn, { accessKeyId, secretAccessKey, sessionToken });
};
