/**
 * Tokens as an attacker, a careless client or a broken issuer would send them, each really
 * signed (or really mis-signed) with jose. `issuerKey` is the private JWK of the issuer under
 * test: tokens "signed by the issuer" are signed with it, so every refusal below is refused by
 * real verification, not by a shortcut.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import {
  LOCAL_CLIENT_ID,
  LOCAL_ISSUER,
  LOCAL_TENANT_CLAIM,
  signingKeyFile,
} from '../../src/local/cognito/local-issuer.js';

export interface TokenClaims {
  iss: string;
  aud: string;
  tenantClaim: string;
}

export interface ForgedCase {
  label: string;
  /** The whole Authorization header value(s) to send; undefined sends none. */
  authorization: string | string[] | undefined;
  /** What the edge must answer: 401 (no or bad token) or 403 (no acceptable tenant). */
  expected: 401 | 403;
  /**
   * What the gateway answers before the authorizer runs, where a request quota applies first
   * (the 10,240-byte total of header values: 431, the status the local stack chooses).
   */
  gateway?: 431;
}

const now = (): number => Math.floor(Date.now() / 1000);

export const tokenFactory = (issuerKey: JWK, claims: TokenClaims) => {
  const sign = async (
    payload: Record<string, unknown>,
    options: { key?: JWK; kid?: string; exp?: number; nbf?: number } = {},
  ): Promise<string> => {
    const key = await importJWK(options.key ?? issuerKey, 'RS256');
    const jwt = new SignJWT({
      iss: claims.iss,
      aud: claims.aud,
      sub: randomUUID(),
      token_use: 'id',
      iat: now(),
      exp: options.exp ?? now() + 600,
      ...(options.nbf === undefined ? {} : { nbf: options.nbf }),
      ...payload,
    }).setProtectedHeader({ alg: 'RS256', kid: options.kid ?? issuerKey.kid ?? '', typ: 'JWT' });
    return jwt.sign(key);
  };

  /** A token the issuer really signed, for `tenantId`. */
  const valid = (tenantId: string, extra: Record<string, unknown> = {}) =>
    sign({ [claims.tenantClaim]: tenantId, ...extra });

  /** Every forged or broken token of the table, for a tenant the attacker would like to be. */
  const forgeries = async (victim: string): Promise<ForgedCase[]> => {
    const genuine = await valid('Attacker-1');
    const [header, payload, signature] = genuine.split('.');
    const victimPayload = base64url.encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))),
        [claims.tenantClaim]: victim,
      }),
    );
    const { privateKey: otherKey } = await generateKeyPair('RS256', { extractable: true });
    const otherJwk = await exportJWK(otherKey);
    const publicKey = await importJWK({ kty: 'RSA', n: issuerKey.n, e: issuerKey.e }, 'RS256');
    const publicPem = await exportSPKI(publicKey as CryptoKey);
    const hmac = (secret: string) =>
      new SignJWT({
        iss: claims.iss,
        aud: claims.aud,
        token_use: 'id',
        exp: now() + 600,
        [claims.tenantClaim]: victim,
      })
        .setProtectedHeader({ alg: 'HS256', kid: issuerKey.kid ?? '' })
        .sign(new TextEncoder().encode(secret));
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${victimPayload}.`;
    const bearer = (token: string) => `Bearer ${token}`;
    return [
      { label: 'no Authorization header', authorization: undefined, expected: 401 },
      { label: 'alg none', authorization: bearer(unsigned), expected: 401 },
      {
        label: 'payload swapped under the original signature',
        authorization: bearer(`${header}.${victimPayload}.${signature}`),
        expected: 401,
      },
      {
        label: 'signed by another key with the same kid',
        authorization: bearer(
          await sign({ [claims.tenantClaim]: victim }, { key: otherJwk, kid: issuerKey.kid ?? '' }),
        ),
        expected: 401,
      },
      {
        label: 'HS256 with the public key as secret',
        authorization: bearer(await hmac(publicPem)),
        expected: 401,
      },
      {
        label: 'HS256 with a guessable secret',
        authorization: bearer(await hmac('secret')),
        expected: 401,
      },
      {
        label: 'expired',
        authorization: bearer(await sign({ [claims.tenantClaim]: victim }, { exp: now() - 60 })),
        expected: 401,
      },
      {
        label: 'nbf in the future',
        authorization: bearer(await sign({ [claims.tenantClaim]: victim }, { nbf: now() + 600 })),
        expected: 401,
      },
      {
        label: 'wrong iss',
        authorization: bearer(
          await sign({ [claims.tenantClaim]: victim, iss: 'https://evil.example/pool' }),
        ),
        expected: 401,
      },
      {
        label: 'wrong audience',
        authorization: bearer(await sign({ [claims.tenantClaim]: victim, aud: 'another-client' })),
        expected: 401,
      },
      {
        label: 'an access token (token_use access)',
        authorization: bearer(await sign({ [claims.tenantClaim]: victim, token_use: 'access' })),
        expected: 401,
      },
      { label: 'truncated', authorization: bearer(genuine.slice(0, -12)), expected: 401 },
      {
        label: 'a 10 KB token',
        authorization: bearer(
          await sign(
            { [claims.tenantClaim]: victim, padding: 'x'.repeat(10_240) },
            { key: otherJwk, kid: issuerKey.kid ?? '' },
          ),
        ),
        expected: 401,
        gateway: 431,
      },
      { label: 'no Bearer prefix', authorization: genuine, expected: 401 },
      { label: 'a lower-case scheme', authorization: `bearer ${genuine}`, expected: 401 },
      {
        label: 'two tokens in one header',
        authorization: `Bearer ${genuine} ${genuine}`,
        expected: 401,
      },
      {
        label: 'Authorization sent twice, the last one broken',
        authorization: [bearer(await valid(victim)), 'Bearer garbage'],
        expected: 401,
      },
      {
        label: 'missing tenant claim',
        authorization: bearer(await sign({})),
        expected: 403,
      },
      {
        label: 'a tenant claim that fails the policy',
        authorization: bearer(await valid(`${victim}/../x`)),
        expected: 403,
      },
      {
        label: 'a tenant claim that is not a string',
        authorization: bearer(await sign({ [claims.tenantClaim]: 42 })),
        expected: 403,
      },
    ];
  };

  return { sign, valid, forgeries };
};

/** Tokens signed with the local issuer's key in `dataDir`, shaped as the local issuer's are. */
export const localIssuerTokens = (dataDir: string) =>
  tokenFactory(JSON.parse(readFileSync(signingKeyFile(dataDir), 'utf8')) as JWK, {
    iss: LOCAL_ISSUER,
    aud: LOCAL_CLIENT_ID,
    tenantClaim: LOCAL_TENANT_CLAIM,
  });
