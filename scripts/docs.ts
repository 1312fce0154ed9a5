/**
 * `npm run docs`: rewrites the README's generated tables — Inputs and Outputs from variables.tf
 * and outputs.tf (terraform-docs' markdown table format), and the `npm start` flags from the
 * list `--help` prints. `npm test` fails while they disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.js';
import { flagsTable, withFlagsSection } from './lib/flags-table.js';
import { loadModule } from './lib/terraform/module.js';
import { terraformDocs, withDocsSection } from './lib/terraform/terraform-docs.js';

const readmePath = join(ROOT, 'README.md');
const module = await loadModule(ROOT);
const readme = readFileSync(readmePath, 'utf8');
writeFileSync(
  readmePath,
  withFlagsSection(withDocsSection(readme, terraformDocs(module)), flagsTable()),
);
console.log('README.md: Inputs, Outputs and npm start flags tables updated');
