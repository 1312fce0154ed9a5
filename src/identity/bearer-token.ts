/**
 * The token of an `Authorization: Bearer <token>` header value (RFC 6750, section 2.1). Strict on
 * purpose: exactly the scheme `Bearer`, one space, then a token of the b64token characters. A
 * value in any other shape — no scheme, another letter case, two tokens — is not a bearer token,
 * and the client gets a 401 rather than a guess.
 * https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export const bearerToken = (header: string | undefined): string | undefined =>
  header === undefined ? undefined : BEARER.exec(header)?.[1];
