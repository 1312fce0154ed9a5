/**
 * The tenant of a verified JWT. Verification is jose's, against the issuer's JWKS fetched over
 * HTTP(S) by `createRemoteJWKSet` — the same code path for Cognito in AWS and for the local
 * issuer of `npm start -- --identity jwt`:
 *
 * - signature: a key of the JWKS, with an asymmetric algorithm only (so `alg: none` and an HMAC
 *   made with a public key never verify);
 * - `iss` equal to the configured issuer; `exp` required and in the future, `nbf` if present in
 *   the past (jose, with no clock tolerance);
 * - audience: `aud` contains the configured audience, or, for an access token that carries no
 *   `aud`, `client_id` equals it (Cognito puts the app client id in `aud` of ID tokens and in
 *   `client_id` of access tokens);
 * - `token_use`, which Cognito sets: when present, it must be `id`, since the tenant attribute
 *   is in Cognito's ID tokens only.
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
 *
 * A token failing any of these is `invalid` (a 401). A valid token whose tenant claim is missing
 * or fails the tenant id policy is `no-tenant` (a 403): the caller is known, but not as a tenant.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { isValidTenantId } from '../domain/tenant-id.js';

export interface JwtTenantSettings {
  issuer: string;
  audience: string;
  jwksUrl: URL;
  /** The claim that names the tenant, e.g. `custom:tenant_id`. */
  tenantClaim: string;
}

export type JwtTenant =
  | { kind: 'tenant'; tenantId: string; subject: string | undefined }
  | { kind: 'invalid'; reason: string }
  | { kind: 'no-tenant'; reason: string };

/** Asymmetric algorithms only: Cognito signs with RS256; the local issuer does too. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];

/**
 * jose's error codes that mean the token is at fault. Everything else — the JWKS endpoint down,
 * slow (ERR_JWKS_TIMEOUT) or answering garbage (ERR_JWKS_INVALID) — is ours, and is thrown on
 * to become a 500: a client must not be told its token is bad when the issuer is unreachable.
 */
const TOKEN_FAULTS = new Set([
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
]);

const audienceMatches = (payload: JWTPayload, audience: string): boolean => {
  const { aud } = payload;
  if (aud !== undefined) return Array.isArray(aud) ? aud.includes(audience) : aud === audience;
  return payload.client_id === audience;
};

/** Builds the verifier once per execution environment: the JWKS is fetched once and cached. */
export const jwtTenantVerifier = (settings: JwtTenantSettings) => {
  const keys = createRemoteJWKSet(settings.jwksUrl);
  return async (token: string): Promise<JwtTenant> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && TOKEN_FAULTS.has(code))
        return { kind: 'invalid', reason: code };
      throw error;
    }
    if (!audienceMatches(payload, settings.audience)) {
      return { kind: 'invalid', reason: 'audience' };
    }
    if (payload.token_use !== undefined && payload.token_use !== 'id') {
      return { kind: 'invalid', reason: 'token_use' };
    }
    const tenantId = payload[settings.tenantClaim];
    if (tenantId === undefined) return { kind: 'no-tenant', reason: 'no tenant claim' };
    if (!isValidTenantId(tenantId)) return { kind: 'no-tenant', reason: 'tenant id policy' };
    return { kind: 'tenant', tenantId, subject: payload.sub };
  };
};
