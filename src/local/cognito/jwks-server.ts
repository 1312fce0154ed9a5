/**
 * Serves the local issuer's public keys over HTTP, at the path Cognito uses
 * (`/.well-known/jwks.json`), so the authorizer bundle fetches them with jose's ordinary remote
 * JWKS code — the same request it makes to Cognito in AWS, only over http to 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_HOST } from '../constants.js';
import type { LocalIssuer } from './local-issuer.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export interface JwksServer {
  /** Where the authorizer fetches the keys (JWT_JWKS_URL). */
  url: string;
  close(): Promise<void>;
}

export const startJwksServer = async (issuer: LocalIssuer): Promise<JwksServer> => {
  const body = JSON.stringify(issuer.jwks);
  const server = createServer((request, response) => {
    const found = request.method === 'GET' && request.url === JWKS_PATH;
    response.writeHead(found ? 200 : 404, { 'Content-Type': 'application/json' });
    response.end(found ? body : '{"message":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, LOCAL_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOCAL_HOST}:${port}${JWKS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
