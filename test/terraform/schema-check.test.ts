import { describe, expect, it } from 'vitest';
import { loadModule } from '../../scripts/lib/terraform/module.js';
import { loadSchema } from '../../scripts/lib/terraform/schema.js';
import { checkModule } from '../../scripts/lib/terraform/schema-check.js';
import { REPO_ROOT } from './support/paths.js';

describe('root module (terraform validate, offline)', () => {
  const schema = loadSchema();

  it('declares resources, so the checks below are not vacuous', async () => {
    const mod = await loadModule(REPO_ROOT);

    expect(Object.keys(mod.resources).length).toBeGreaterThan(0);
  });

  it('has no problems against the provider schema snapshots', async () => {
    const problems = checkModule(await loadModule(REPO_ROOT), schema);

    expect(problems.join('\n')).toBe('');
  });

  it('uses only resource and data types that are in the snapshots', async () => {
    const mod = await loadModule(REPO_ROOT);
    const missing = [
      ...Object.values(mod.resources).filter(
        (r) => !schema.resources[r.type] && r.type !== 'terraform_data',
      ),
      ...Object.values(mod.data).filter((d) => !schema.dataSources[d.type]),
    ].map((b) => b.address);

    expect(missing).toEqual([]);
  });
});
