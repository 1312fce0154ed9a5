/**
 * `npm start` end to end: the original pattern's curl walk-through against the real CLI, and
 * what survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningCli, startCli } from '../../scripts/lib/local-cli.js';
import { STANDARD_MESSAGE } from '../../src/domain/response-bodies.js';

const get = async (url: string, tenantId?: string): Promise<string> => {
  const response = await fetch(url, {
    headers: tenantId === undefined ? {} : { 'x-tenant-id': tenantId },
  });
  return response.text();
};

const standard = (counter: number, tenant: string): string =>
  `{"counter":${counter},"tenant_id":"${tenant}","isolation_enabled":false,"message":"${STANDARD_MESSAGE}"}`;
const isolated = (counter: number, tenant: string): string =>
  `{"counter":${counter},"tenant_id":"${tenant}","isolation_enabled":true,"message":"Counter incremented for tenant ${tenant}"}`;

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-stack-'));
  const running: RunningCli[] = [];
  const start = async (args: string[]): Promise<RunningCli> => {
    const cli = await startCli(args);
    running.push(cli);
    return cli;
  };

  afterAll(async () => {
    await Promise.all(running.map((cli) => cli.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints both endpoint URLs under their Terraform output names and the curl commands', async () => {
    const cli = await start(['--in-memory']);

    expect(cli.standardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev\/standard$/);
    expect(cli.isolatedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dev\/isolated$/);
    expect(cli.stdout).toContain(`  curl -H "x-tenant-id: Tenant-1" "${cli.standardUrl}"`);
    expect(cli.stdout).toContain(`  curl -H "x-tenant-id: Tenant-2" "${cli.isolatedUrl}"`);
  });

  it('answers the original curl flow with the exact bodies', async () => {
    const cli = await start(['--data-dir', dataDir]);

    expect(await get(cli.standardUrl, 'Tenant-1')).toBe(standard(1, 'Tenant-1'));
    expect(await get(cli.standardUrl, 'Tenant-2')).toBe(standard(2, 'Tenant-2'));
    expect(await get(cli.isolatedUrl, 'Tenant-1')).toBe(isolated(1, 'Tenant-1'));
    expect(await get(cli.isolatedUrl, 'Tenant-2')).toBe(isolated(1, 'Tenant-2'));
    expect(await get(cli.isolatedUrl, 'Tenant-1')).toBe(isolated(2, 'Tenant-1'));
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('keeps every counter across a restart on the same data directory', async () => {
    const cli = await start(['--data-dir', dataDir]);

    expect(await get(cli.standardUrl, 'Tenant-3')).toBe(standard(3, 'Tenant-3'));
    expect(await get(cli.isolatedUrl, 'Tenant-1')).toBe(isolated(3, 'Tenant-1'));
    expect(await get(cli.isolatedUrl, 'Tenant-2')).toBe(isolated(2, 'Tenant-2'));
    expect(await cli.stop('SIGINT')).toBe(0);
  });

  it('starts every counter at zero with --in-memory', async () => {
    const cli = await start(['--in-memory']);

    expect(await get(cli.standardUrl, 'Tenant-1')).toBe(standard(1, 'Tenant-1'));
    expect(await get(cli.isolatedUrl, 'Tenant-1')).toBe(isolated(1, 'Tenant-1'));
  });
});
