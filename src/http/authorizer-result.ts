import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/** Values an authorizer context may carry: API Gateway passes them on as strings. */
export type AuthorizerContextValues = Record<string, string>;

/**
 * The answer of the authorizer. API Gateway caches it per authorizer and identity source value,
 * so it depends on nothing else. The tenant travels on as `context.authorizer.tenantId`, which the
 * isolated integration maps to X-Amz-Tenant-Id; the context may also carry the tenant's
 * credentials (the /isolated route only).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */
export const allowTenant = (
  tenantId: string,
  methodArn: string,
  context: AuthorizerContextValues = {},
): APIGatewayAuthorizerResult => ({
  principalId: tenantId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
  },
  context: { tenantId, ...context },
});

/** A refusal: API Gateway answers with the ACCESS_DENIED gateway response. */
export const denyTenant = (methodArn: string): APIGatewayAuthorizerResult => ({
  principalId: 'invalid-tenant',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: methodArn }],
  },
});

/**
 * The resource path of a method ARN,
 * `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<resource path>`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
 */
export const resourcePathOf = (methodArn: string): string | undefined => {
  const path = methodArn.split(':').slice(5).join(':');
  const [, , , ...resource] = path.split('/');
  return resource.length === 0 ? undefined : `/${resource.join('/')}`;
};
