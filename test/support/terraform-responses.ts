/**
 * The gateway responses main.tf configures, evaluated from main.tf itself (not copied) with the
 * shared Terraform evaluator, so the local stack's answers can be compared with what AWS would
 * send for this configuration.
 */
import { fileURLToPath } from 'node:url';
import { moduleEvaluator } from '../../scripts/lib/terraform/evaluate.js';
import type { HclValue } from '../../scripts/lib/terraform/hcl.js';
import { loadModule } from '../../scripts/lib/terraform/index.js';
import type { IdentityMode } from '../../src/config/authorizer-config.js';

export interface ConfiguredResponse {
  status: number;
  body: string;
  /** Every header the response sends (`gatewayresponse.header.*`), without the static quotes. */
  headers: Record<string, string>;
}

/** The authorizer's refusals in one identity mode (`tenant_identity`), keyed by response type. */
export type IdentityGatewayResponses = Record<'ACCESS_DENIED' | 'UNAUTHORIZED', ConfiguredResponse>;

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROMPTED = { aws_region: 'us-east-1', prefix: 'acme' };

/** `gatewayresponse.header.<name> = "'value'"` → `{ name: value }`. */
const headersOf = (parameters: HclValue | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries((parameters ?? {}) as Record<string, string>).map(([name, value]) => [
      name.replace('gatewayresponse.header.', ''),
      value.replace(/^'|'$/g, ''),
    ]),
  );

const responseOf = async (
  vars: Record<string, HclValue>,
  address: string,
  type: string,
): Promise<ConfiguredResponse> => {
  const ev = moduleEvaluator(await loadModule(ROOT), { ...PROMPTED, ...vars });
  const instance = await ev.instance(address, type);
  const templates = (instance.response_templates ?? {}) as Record<string, string>;
  return {
    status: Number(instance.status_code),
    body: templates['application/json'] ?? '',
    headers: headersOf(instance.response_parameters),
  };
};

export const identityGatewayResponses = async (
  mode: IdentityMode,
): Promise<IdentityGatewayResponses> => {
  const vars = { tenant_identity: mode };
  const address = 'aws_api_gateway_gateway_response.identity';
  const [accessDenied, unauthorized] = await Promise.all([
    responseOf(vars, address, 'ACCESS_DENIED'),
    responseOf(vars, address, 'UNAUTHORIZED'),
  ]);
  return { ACCESS_DENIED: accessDenied, UNAUTHORIZED: unauthorized };
};

export const defaultGatewayResponseHeaders = async (): Promise<Record<string, string>> =>
  (await responseOf({}, 'aws_api_gateway_gateway_response.cors', 'DEFAULT_4XX')).headers;
