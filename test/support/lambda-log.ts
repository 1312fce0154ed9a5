/**
 * What a handler's console output becomes in CloudWatch under `log_format = "JSON"`: the calls
 * are captured and formatted by the runtime interface client's rule (src/local/lambda/json-log.ts)
 * with the invocation's requestId and tenantId, then parsed back, so tests assert on the fields
 * a Logs Insights query would see.
 */
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { formatJsonLogLine } from '../../src/local/lambda/json-log.js';

const LEVELS = { info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

export const captureLambdaLog = async <T>(
  context: Context,
  act: () => Promise<T>,
): Promise<{ result: T; lines: Record<string, unknown>[] }> => {
  const lines: Record<string, unknown>[] = [];
  const spies = Object.entries(LEVELS).map(([method, level]) =>
    vi.spyOn(console, method as keyof typeof LEVELS).mockImplementation((...params: unknown[]) => {
      const line = formatJsonLogLine(
        {
          timestamp: new Date().toISOString(),
          level,
          requestId: context.awsRequestId,
          tenantId: context.tenantId,
        },
        params,
      );
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }),
  );
  try {
    return { result: await act(), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
};
