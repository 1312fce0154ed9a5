/**
 * One JSON object per line on stderr. With the function's JSON log format Lambda also stamps
 * `requestId` and `tenantId` on the record itself; we include both explicitly so the line reads
 * the same in CloudWatch and in the local stack.
 */
export interface LogFields {
  level: 'INFO' | 'WARN' | 'ERROR';
  message: string;
  requestId: string;
  tenantId: string | null;
  [field: string]: unknown;
}

export const logLine = (fields: LogFields): void => {
  console.error(JSON.stringify(fields));
};
