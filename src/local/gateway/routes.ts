/**
 * The routes of the Terraform API: `GET /<key>` for every function of the table that is a
 * route, each with a CORS `OPTIONS` method, under one stage. Matching is exact and
 * case-sensitive, as API Gateway's is.
 */
import { ROUTE_KEYS, type RouteKey } from '../lambda/functions.js';

export type Route =
  | { kind: 'invoke'; functionKey: RouteKey; resource: string }
  | { kind: 'cors'; resource: string }
  | { kind: 'unknown-stage' }
  | { kind: 'no-route' };

const RESOURCES: ReadonlyMap<string, RouteKey> = new Map(ROUTE_KEYS.map((key) => [`/${key}`, key]));

/** `path` is the request path without its query string. */
export const matchRoute = (method: string, path: string, stage: string): Route => {
  const stagePrefix = `/${stage}`;
  if (path !== stagePrefix && !path.startsWith(`${stagePrefix}/`)) return { kind: 'unknown-stage' };
  const resource = path.slice(stagePrefix.length);
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
