/**
 * `npm run smoke` against the real local stack: the flow passes step by step, and it fails when
 * the endpoints do not behave (pointed at the wrong URLs), so a green smoke run means something.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCli, startCli } from '../../scripts/lib/local-cli.js';
import { runSmoke } from '../../scripts/smoke.js';

describe('smoke flow against the local stack', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['--in-memory']);
  });
  afterAll(async () => {
    await cli.stop();
  });

  it('passes every step', async () => {
    const steps = await runSmoke({ standardUrl: cli.standardUrl, isolatedUrl: cli.isolatedUrl });
    expect(steps.filter((step) => !step.pass)).toEqual([]);
    expect(steps).toHaveLength(10);
  });

  it('passes again with fresh tenants on the same stack', async () => {
    const steps = await runSmoke({ standardUrl: cli.standardUrl, isolatedUrl: cli.isolatedUrl });
    expect(steps.every((step) => step.pass)).toBe(true);
  });

  it('fails the isolated steps when the URLs are swapped', async () => {
    const steps = await runSmoke({ standardUrl: cli.isolatedUrl, isolatedUrl: cli.standardUrl });
    const failed = steps.filter((step) => !step.pass).map((step) => step.name);
    expect(failed.some((name) => name.startsWith('isolated'))).toBe(true);
    expect(failed.some((name) => name.startsWith('standard'))).toBe(true);
  });
});
