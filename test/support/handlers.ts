/**
 * Loads a handler the way a fresh Lambda execution environment does: sets the environment
 * Terraform sets, then evaluates the module (its init phase builds the DynamoDB client).
 *
 * - `source`: the TypeScript in src/handlers, through vitest.
 * - `bundle`: the built dist/<key>/index.mjs — the very file Terraform uploads — loaded by
 *   Node's own ESM loader (vitest.config.ts externalises dist/), with a query string so every
 *   load is a fresh module instance, i.e. a fresh environment.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { vi } from 'vitest';
import { bundlePath } from '../../src/local/lambda/functions.js';

export type Variant = 'source' | 'bundle';
export const VARIANTS: Variant[] = ['source', 'bundle'];
export type FunctionKey = 'standard' | 'isolated' | 'authorizer';

export type LoadedHandler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;

export const loadHandler = async (
  key: FunctionKey,
  variant: Variant,
  env: { tableName: string; endpoint?: string },
): Promise<LoadedHandler> => {
  process.env.TABLE_NAME = env.tableName;
  if (env.endpoint !== undefined) process.env.AWS_ENDPOINT_URL_DYNAMODB = env.endpoint;
  if (variant === 'bundle') {
    const url = `${pathToFileURL(bundlePath(key)).href}?environment=${randomUUID()}`;
    // dist/ is externalised in vitest.config.ts, so this import is Node's, not vitest's.
    const module = (await import(/* @vite-ignore */ url)) as { handler: LoadedHandler };
    return module.handler;
  }
  vi.resetModules();
  const module = (await import(`../../src/handlers/${key}.ts`)) as { handler: LoadedHandler };
  return module.handler;
};

export interface ParsedResponse {
  statusCode: number;
  headers: Record<string, string | number | boolean>;
  /** The body exactly as sent: field order matters to clients. */
  raw: string;
  json: Record<string, unknown>;
}

export const parseResponse = (result: APIGatewayProxyResult): ParsedResponse => ({
  statusCode: result.statusCode,
  headers: result.headers ?? {},
  raw: result.body,
  json: JSON.parse(result.body) as Record<string, unknown>,
});

export const uniqueTableName = (label: string): string =>
  `test-${label}-${randomUUID().slice(0, 8)}`;
