/**
 * The store going away: a clean JSON 500 without internals, the environment survives, and the
 * next request after the store returns succeeds with no count lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createCountersTable,
  type RunningStore,
  startDynalite,
} from '../../scripts/lib/dynalite.js';
import { lambdaContext, restEvent } from '../../scripts/lib/lambda-fixtures.js';
import { loadHandler, parseResponse, uniqueTableName, VARIANTS } from '../support/handlers.js';
import { captureLambdaLog } from '../support/lambda-log.js';

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(VARIANTS)('store failure (%s)', (variant) => {
  it('answers 500 JSON while the store is down and recovers when it is back', async () => {
    const path = mkdtempSync(join(tmpdir(), 'counters-'));
    dataDirs.push(path);
    let store: RunningStore = await startDynalite({ path });
    const tableName = uniqueTableName('outage');
    await createCountersTable(store.endpoint, tableName);
    const handler = await loadHandler('isolated', variant, { tableName, endpoint: store.endpoint });
    const context = lambdaContext({ tenantId: 'Tenant-1', functionName: 'demo-isolated' });
    const call = async () =>
      parseResponse(await handler(restEvent({ path: '/isolated' }), context));

    expect((await call()).json.counter).toBe(1);

    await store.close();
    const { result: down, lines } = await captureLambdaLog(context, call);

    expect(down.statusCode).toBe(500);
    expect(down.json).toEqual({ error: 'InternalServerError', message: 'Internal server error' });
    expect(down.raw).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at |Error:/);
    expect(lines.at(-1)).toMatchObject({
      level: 'ERROR',
      tenantId: 'Tenant-1',
      message: { message: 'Request failed' },
    });

    store = await startDynalite({ path, port: store.port });
    try {
      const recovered = await call();
      expect(recovered.statusCode).toBe(200);
      expect(recovered.json.counter).toBe(2);
    } finally {
      await store.close();
    }
  });
});
