/**
 * One line per request on stdout, readable by people and by the e2e tests:
 * `<time> <method> <path> <status> <ms>ms tenant=<json|-> env=<id|-> <cold|warm|-> live=<n>
 * req=<x-amzn-RequestId>`. The tenant is JSON-quoted because Lambda allows spaces in tenant ids.
 * `env` is the gateway's own name for the environment that served the request: a function
 * reports its own id in `x-environment-id`, but one that crashed or timed out reports nothing.
 */
export interface RequestLogEntry {
  time: Date;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  tenantId: string | undefined;
  environmentId: string | undefined;
  cold: boolean | undefined;
  liveEnvironments: number;
  /** The answer's x-amzn-RequestId, so a client can find its line. */
  requestId: string;
  failure: string | undefined;
}

export const formatRequestLine = (entry: RequestLogEntry): string => {
  const parts = [
    entry.time.toISOString(),
    entry.method,
    entry.path,
    String(entry.status),
    `${Math.round(entry.durationMs)}ms`,
    `tenant=${entry.tenantId === undefined ? '-' : JSON.stringify(entry.tenantId)}`,
    `env=${entry.environmentId ?? '-'}`,
    entry.cold === undefined ? '-' : entry.cold ? 'cold' : 'warm',
    `live=${entry.liveEnvironments}`,
    `req=${entry.requestId}`,
  ];
  if (entry.failure !== undefined) parts.push(`error=${JSON.stringify(entry.failure)}`);
  return parts.join(' ');
};

/** Function output, prefixed with the environment that wrote it. */
export const formatFunctionLine = (environmentId: string, line: string): string =>
  `[${environmentId}] ${line}`;
