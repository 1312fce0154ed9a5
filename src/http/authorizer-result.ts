import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/**
 * The answer of the tenant id authorizer. API Gateway caches it per identity source value (the
 * x-tenant-id header), so it depends on nothing else. An allowed tenant travels on as
 * `context.authorizer.tenantId`, which the isolated integration maps to X-Amz-Tenant-Id.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */
export const allowTenant = (tenantId: string, methodArn: string): APIGatewayAuthorizerResult => ({
  principalId: tenantId,
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: methodArn }],
  },
  context: { tenantId },
});

/** A refusal: API Gateway answers with the ACCESS_DENIED gateway response (a JSON 400 here). */
export const denyTenant = (methodArn: string): APIGatewayAuthorizerResult => ({
  principalId: 'invalid-tenant',
  policyDocument: {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: methodArn }],
  },
});
