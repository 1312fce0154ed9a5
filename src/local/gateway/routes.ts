/**
 * The routes of the Terraform API: `GET /<key>` for every function of the table that is a
 * route, each with a CORS `OPTIONS` method, under one stage. Matching is exact and
 * case-sensitive, as API Gateway's is, except for one trailing slash: REST APIs route
 * `/dev/isolated/` as `/dev/isolated` (a resource path part cannot end in a slash, and a request
 * with one reaches the resource without it), as an AWS maintainer showed against execute-api and
 * AWS Powertools confirmed for REST and HTTP APIs:
 * https://github.com/aws/chalice/issues/65 (jamesls, 2016-07-28)
 * https://github.com/aws-powertools/powertools-lambda-python/issues/1552
 * Only one slash is dropped: `/dev/isolated//` matches nothing (an assumption).
 */
import { ROUTE_KEYS, type RouteKey } from '../lambda/functions.js';

export type Route =
  | { kind: 'invoke'; functionKey: RouteKey; resource: string }
  | { kind: 'cors'; resource: string }
  | { kind: 'unknown-stage' }
  | { kind: 'no-route' };

const RESOURCES: ReadonlyMap<string, RouteKey> = new Map(ROUTE_KEYS.map((key) => [`/${key}`, key]));

/** `/isolated/` → `/isolated`; the stage root (`/` or empty) stays as it is. */
const withoutTrailingSlash = (resource: string): string =>
  resource.length > 1 && resource.endsWith('/') ? resource.slice(0, -1) : resource;

/** `path` is the request path without its query string. */
export const matchRoute = (method: string, path: string, stage: string): Route => {
  const stagePrefix = `/${stage}`;
  if (path !== stagePrefix && !path.startsWith(`${stagePrefix}/`)) return { kind: 'unknown-stage' };
  const resource = withoutTrailingSlash(path.slice(stagePrefix.length));
  const functionKey = RESOURCES.get(resource);
  if (functionKey === undefined) return { kind: 'no-route' };
  if (method === 'GET') return { kind: 'invoke', functionKey, resource };
  if (method === 'OPTIONS') return { kind: 'cors', resource };
  return { kind: 'no-route' };
};

/**
 * Headers of the CORS preflight answer (the MOCK integration on each OPTIONS method): the same
 * values as `local.cors_headers` in main.tf (a Terraform test compares them), so a browser client
 * that passes preflight here passes it in AWS too.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET,OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type,Authorization,x-tenant-id',
};
