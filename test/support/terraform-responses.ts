/**
 * The gateway responses main.tf configures, read from main.tf itself (not copied), so the local
 * stack's answers can be compared with what AWS would send for this configuration.
 */
import { fileURLToPath } from 'node:url';
import { loadModule } from '../../scripts/lib/terraform/index.js';

export interface ConfiguredResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * HCL's jsonencode for an object of strings: keys in lexical order, and <, > and & escaped as
 * Terraform does.
 */
const jsonencode = (value: Record<string, string>): string =>
  JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))))
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026');

/** `'*'` in a response parameter is a static value; the quotes are not part of it. */
const staticValue = (value: unknown): string => String(value).replace(/^'(.*)'$/, '$1');

/**
 * `aws_api_gateway_gateway_response.tenant_id` with tenant_id_authorizer = true, keyed by
 * response type (ACCESS_DENIED, UNAUTHORIZED). Its for_each is one conditional expression whose
 * true branch maps each type to a jsonencode() of string attributes; only `${local.x}`
 * interpolations occur in them, and they are resolved from the module's locals.
 */
export const tenantIdGatewayResponses = async (): Promise<Record<string, ConfiguredResponse>> => {
  const mod = await loadModule(ROOT);
  const resource = mod.resources['aws_api_gateway_gateway_response.tenant_id']?.body;
  if (resource === undefined)
    throw new Error('main.tf has no aws_api_gateway_gateway_response.tenant_id');
  const forEach = String(resource.for_each);
  const status = Number(resource.status_code);
  const parameters = (resource.response_parameters ?? {}) as Record<string, unknown>;
  const headers = Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [
      name.replace(/^gatewayresponse\.header\./, ''),
      staticValue(value),
    ]),
  );
  const responses: Record<string, ConfiguredResponse> = {};
  for (const match of forEach.matchAll(/(\w+) = jsonencode\(\{([\s\S]*?)\n\s*\}\)/g)) {
    const [, type = '', attributes = ''] = match;
    const object: Record<string, string> = {};
    for (const attribute of attributes.matchAll(/(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
      const [, key = '', raw = ''] = attribute;
      object[key] = raw.replace(/\$\{local\.(\w+)\}/g, (_all, name: string) => {
        const local = mod.locals[name]?.value;
        if (typeof local !== 'string') throw new Error(`local.${name} is not a string`);
        return local;
      });
    }
    responses[type] = { status, body: jsonencode(object), headers };
  }
  return responses;
};

/** Headers main.tf's DEFAULT_4XX and DEFAULT_5XX responses add to every gateway answer. */
export const defaultGatewayResponseHeaders = async (): Promise<Record<string, string>> => {
  const mod = await loadModule(ROOT);
  const resource = mod.resources['aws_api_gateway_gateway_response.cors']?.body;
  const parameters = (resource?.response_parameters ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => [
      name.replace(/^gatewayresponse\.header\./, ''),
      staticValue(value),
    ]),
  );
};
