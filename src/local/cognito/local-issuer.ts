/**
 * The local stand-in for a Cognito user pool's token issuer (`npm start -- --identity jwt`): one
 * RSA signing key, ID tokens shaped like Cognito's (`iss`, `aud` = the app client id,
 * `token_use: id`, `custom:tenant_id`), and the public key as a JWKS for the authorizer to fetch.
 *
 * The key is generated on first use and kept in the data directory, so tokens outlive restarts
 * and `npm run -s token` can sign for a running stack; with `--in-memory` it lives only as long
 * as the process. The issuer identifier does not name the port, so a token stays valid under
 * `--port 0` and across restarts.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import { isValidTenantId, TENANT_ID_FORMAT } from '../../domain/tenant-id.js';

/** `iss` of every local token; `.invalid` is reserved, so it can never name a real host. */
export const LOCAL_ISSUER = 'https://cognito-idp.local.invalid/local_userpool';
/** `aud`: the app client id the local authorizer expects. */
export const LOCAL_CLIENT_ID = 'local-app-client';
/** The claim carrying the tenant, as the Cognito user pool's custom attribute names it. */
export const LOCAL_TENANT_CLAIM = 'custom:tenant_id';
/** Cognito's default ID token validity is one hour. */
export const DEFAULT_TOKEN_SECONDS = 3600;

const ALGORITHM = 'RS256';
/** Where the signing key of a data dir is kept. */
export const signingKeyFile = (dataDir: string): string =>
  join(dataDir, 'issuer', 'signing-key.jwk.json');

export interface LocalIssuer {
  /** The public keys, as Cognito serves them at `<iss>/.well-known/jwks.json`. */
  jwks: { keys: JWK[] };
  /** An ID token for `tenantId`, valid for `expiresInSeconds`. */
  sign(tenantId: string, expiresInSeconds?: number): Promise<string>;
}

const newPrivateJwk = async (): Promise<JWK> => {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  // jose matches a token's `kid` against the JWKS: the key must carry one.
  return { ...jwk, alg: ALGORITHM, use: 'sig', kid: await calculateJwkThumbprint(jwk) };
};

/**
 * The signing key kept under `dataDir`, created there atomically if missing (a stack and a
 * `token` command starting at once both end up with the same key); a fresh one when `dataDir`
 * is undefined.
 */
const loadPrivateJwk = async (dataDir: string | undefined): Promise<JWK> => {
  if (dataDir === undefined) return newPrivateJwk();
  const file = signingKeyFile(dataDir);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = await newPrivateJwk();
  mkdirSync(join(dataDir, 'issuer'), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify(jwk), { mode: 0o600 });
  try {
    // A hard link appears whole or not at all, and fails if the file exists: whichever key
    // landed first is the key.
    linkSync(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
};

export class InvalidTokenRequestError extends Error {
  override readonly name = 'InvalidTokenRequestError';
}

export const loadLocalIssuer = async (dataDir: string | undefined): Promise<LocalIssuer> => {
  const privateJwk = await loadPrivateJwk(dataDir);
  const { kty, n, e, kid, alg, use } = privateJwk;
  const publicJwk: JWK = { kty, n, e, kid, alg, use };
  const key = await importJWK(privateJwk, ALGORITHM);
  return {
    jwks: { keys: [publicJwk] },
    sign: async (tenantId, expiresInSeconds = DEFAULT_TOKEN_SECONDS) => {
      if (!isValidTenantId(tenantId)) {
        throw new InvalidTokenRequestError(`invalid tenant id: it must be ${TENANT_ID_FORMAT}`);
      }
      return new SignJWT({ token_use: 'id', [LOCAL_TENANT_CLAIM]: tenantId })
        .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid ?? '', typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_CLIENT_ID)
        .setSubject(randomUUID())
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(key);
    },
  };
};
