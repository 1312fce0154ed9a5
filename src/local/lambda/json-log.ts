/**
 * Lambda's JSON log format for `console` output, as the Node.js runtime interface client writes
 * it (aws/aws-lambda-nodejs-runtime-interface-client, src/LogPatch.js, formatJsonMessage): one
 * line `{ timestamp, level, requestId, tenantId?, message }`. A single argument is kept as
 * structured JSON under `message` (an Error as errorType, errorMessage and stackTrace); several
 * arguments become one util.format string, with the first Error's fields added at the top.
 * Written from that description for the local runtime and the tests; the client itself is not
 * a dependency (it builds native code on install).
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
import { format } from 'node:util';

export interface JsonLogContext {
  timestamp: string;
  level: string;
  requestId: string;
  /** Only on a function with tenant isolation. */
  tenantId?: string | undefined;
}

const errorFields = (error: Error) => ({
  errorType: error.constructor?.name ?? 'UnknownError',
  errorMessage: error.message,
  stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
});

const errorReplacer = (_key: string, value: unknown): unknown =>
  value instanceof Error ? { ...errorFields(value), ...value } : value;

export const formatJsonLogLine = (context: JsonLogContext, params: readonly unknown[]): string => {
  const line: Record<string, unknown> = {
    timestamp: context.timestamp,
    level: context.level,
    requestId: context.requestId,
  };
  if (context.tenantId !== undefined) line.tenantId = context.tenantId;
  if (params.length === 1) {
    line.message = params[0];
    try {
      return JSON.stringify(line, errorReplacer);
    } catch {
      line.message = format(params[0]);
      return JSON.stringify(line);
    }
  }
  line.message = format(...params);
  const error = params.find((param): param is Error => param instanceof Error);
  return JSON.stringify(error === undefined ? line : { ...line, ...errorFields(error) });
};
