/**
 * What the authorizer reads from its environment, all set by main.tf (and by the local stack
 * from the same function table): how tenants are identified, and whether it brokers tenant
 * credentials. Read once at init; a missing value fails the init loudly.
 */
import { requireEnv } from './env.js';

export type IdentityMode = 'header' | 'jwt';

export interface AuthorizerConfig {
  identity:
    | { mode: 'header' }
    | {
        mode: 'jwt';
        issuer: string;
        audience: string;
        jwksUrl: URL;
        tenantClaim: string;
      };
  /** Present when tenant_scoped_credentials is on. */
  broker?: {
    roleArn: string;
    sessionSeconds: number;
    minValiditySeconds: number;
    /** Resource paths (e.g. `/isolated`) whose answers carry the credentials; no other does. */
    resources: readonly string[];
  };
}

const wholeSeconds = (name: string): number => {
  const value = Number(requireEnv(name));
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`Environment variable ${name} must be a whole number of seconds`);
  }
  return value;
};

export const authorizerConfigFromEnv = (): AuthorizerConfig => {
  const mode = requireEnv('TENANT_IDENTITY');
  if (mode !== 'header' && mode !== 'jwt') {
    throw new Error('Environment variable TENANT_IDENTITY must be header or jwt');
  }
  const identity: AuthorizerConfig['identity'] =
    mode === 'header'
      ? { mode }
      : {
          mode,
          issuer: requireEnv('JWT_ISSUER'),
          audience: requireEnv('JWT_AUDIENCE'),
          jwksUrl: new URL(requireEnv('JWT_JWKS_URL')),
          tenantClaim: requireEnv('JWT_TENANT_CLAIM'),
        };
  const roleArn = process.env.TENANT_DATA_ROLE_ARN;
  if (roleArn === undefined || roleArn === '') return { identity };
  return {
    identity,
    broker: {
      roleArn,
      sessionSeconds: wholeSeconds('TENANT_SESSION_SECONDS'),
      minValiditySeconds: wholeSeconds('TENANT_CREDENTIALS_MIN_VALIDITY_SECONDS'),
      resources: requireEnv('TENANT_CREDENTIALS_RESOURCES').split(','),
    },
  };
};
