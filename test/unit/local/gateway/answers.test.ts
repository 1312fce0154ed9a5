import { describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSE_HEADERS, refusalsFor } from '../../../../src/local/gateway/answers.js';
import {
  defaultGatewayResponseHeaders,
  identityGatewayResponses,
} from '../../../support/terraform-responses.js';

/** The local refusals of each identity mode must be main.tf's gateway responses, byte for byte. */
describe.each([
  { mode: 'header' as const, identity: { mode: 'header' as const } },
  { mode: 'jwt' as const, identity: { mode: 'jwt' as const, tenantClaim: 'custom:tenant_id' } },
])('local gateway responses in $mode mode', ({ mode, identity }) => {
  const local = refusalsFor(identity);

  it.each([
    ['ACCESS_DENIED', local.accessDenied],
    ['UNAUTHORIZED', local.unauthorized],
  ] as const)('answer %s exactly as main.tf configures it', async (type, answer) => {
    const configured = (await identityGatewayResponses(mode))[type];

    expect(configured).toBeDefined();
    expect(answer.statusCode).toBe(configured?.status);
    expect(answer.body).toBe(configured?.body);
    expect({ ...GATEWAY_RESPONSE_HEADERS, ...answer.headers }).toEqual(configured?.headers);
  });
});

describe('local gateway responses', () => {
  it('adds the headers main.tf gives every default 4XX and 5XX gateway response', async () => {
    expect(GATEWAY_RESPONSE_HEADERS).toEqual(await defaultGatewayResponseHeaders());
  });
});
