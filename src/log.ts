/**
 * Log lines as Lambda's JSON log format wants them: one object per `console` call. With
 * `log_format = "JSON"` the Node.js runtime writes `{ timestamp, level, requestId, tenantId?,
 * message }` itself, and keeps a single object argument as structured JSON under `message`
 * (aws/aws-lambda-nodejs-runtime-interface-client, src/LogPatch.js, formatJsonMessage), so these
 * fields become `message.errorName` and so on in CloudWatch Logs Insights. A string argument
 * would stay one opaque string. The runtime adds `requestId`, and `tenantId` on a function with
 * tenant isolation, at the top level: they are not repeated here.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export interface LogFields {
  message: string;
  [field: string]: unknown;
}

/** The console method whose level the runtime writes: console.error is ERROR, and so on. */
const WRITERS: Readonly<Record<LogLevel, (fields: LogFields) => void>> = {
  INFO: (fields) => console.info(fields),
  WARN: (fields) => console.warn(fields),
  ERROR: (fields) => console.error(fields),
};

export const log = (level: LogLevel, fields: LogFields): void => WRITERS[level](fields);
