import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblems, listTfFiles, parseTf } from '../../scripts/lib/terraform/hcl.js';
import { REPO_ROOT } from './support/paths.js';

const files = listTfFiles(REPO_ROOT);

describe('top-level Terraform files (terraform fmt, offline)', () => {
  it('exist, so the checks below are not vacuous', () => {
    expect(files).toEqual(
      expect.arrayContaining(['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']),
    );
  });

  it.each(files)('%s parses with the HCL parser', async (name) => {
    const { problem } = await parseTf(name, readFileSync(join(REPO_ROOT, name), 'utf8'));

    expect(problem).toBeUndefined();
  });

  it.each(files)('%s is formatted exactly as the HCL formatter writes it', async (name) => {
    const problems = await formatProblems(name, readFileSync(join(REPO_ROOT, name), 'utf8'));

    expect(problems.join('\n\n')).toBe('');
  });
});
