import { describe, expect, it } from 'vitest';
import {
  GATEWAY_RESPONSE_HEADERS,
  TENANT_ID_ACCESS_DENIED,
  TENANT_ID_UNAUTHORIZED,
} from '../../../../src/local/gateway/answers.js';
import {
  defaultGatewayResponseHeaders,
  tenantIdGatewayResponses,
} from '../../../support/terraform-responses.js';

describe('local gateway responses', () => {
  it('answers a refused tenant id exactly as main.tf configures ACCESS_DENIED', async () => {
    const configured = (await tenantIdGatewayResponses()).ACCESS_DENIED;

    expect(configured).toBeDefined();
    expect(TENANT_ID_ACCESS_DENIED.statusCode).toBe(configured?.status);
    expect(TENANT_ID_ACCESS_DENIED.body).toBe(configured?.body);
    expect(GATEWAY_RESPONSE_HEADERS).toEqual(configured?.headers);
  });

  it('answers a missing tenant id exactly as main.tf configures UNAUTHORIZED', async () => {
    const configured = (await tenantIdGatewayResponses()).UNAUTHORIZED;

    expect(configured).toBeDefined();
    expect(TENANT_ID_UNAUTHORIZED.statusCode).toBe(configured?.status);
    expect(TENANT_ID_UNAUTHORIZED.body).toBe(configured?.body);
    expect(GATEWAY_RESPONSE_HEADERS).toEqual(configured?.headers);
  });

  it('adds the headers main.tf gives every default 4XX and 5XX gateway response', async () => {
    expect(GATEWAY_RESPONSE_HEADERS).toEqual(await defaultGatewayResponseHeaders());
  });
});
