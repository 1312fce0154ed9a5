import { describe, expect, it } from 'vitest';
import { formatJsonLogLine } from '../../../../src/local/lambda/json-log.js';

const context = { timestamp: '2026-12-01T00:00:00.000Z', level: 'ERROR', requestId: 'req-1' };
const parsed = (params: unknown[], tenantId?: string) =>
  JSON.parse(formatJsonLogLine({ ...context, tenantId }, params)) as Record<string, unknown>;

/** The rule of the Node.js runtime interface client's LogPatch.js, formatJsonMessage. */
describe('formatJsonLogLine', () => {
  it('keeps a single object as structured JSON under message', () => {
    expect(parsed([{ message: 'Request failed', errorName: 'Error' }], 'Tenant-1')).toEqual({
      ...context,
      tenantId: 'Tenant-1',
      message: { message: 'Request failed', errorName: 'Error' },
    });
  });

  it('keeps a JSON string a string: nothing in it becomes a field', () => {
    expect(parsed([JSON.stringify({ errorName: 'Error' })]).message).toBe('{"errorName":"Error"}');
  });

  it('adds tenantId only when the invocation has one', () => {
    expect(parsed([{ a: 1 }])).not.toHaveProperty('tenantId');
  });

  it('formats several arguments into one string and lifts the first error', () => {
    const line = parsed(['failed: %s', 'boom', new TypeError('bad')]);
    expect(line.message).toMatch(/^failed: boom TypeError: bad/);
    expect(line).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad' });
  });

  it('falls back to util.format for a value JSON cannot hold', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(parsed([cycle]).message).toBe('<ref *1> { self: [Circular *1] }');
  });
});
