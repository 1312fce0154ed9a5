/**
 * `npm run docs`: rewrites the README's Inputs/Outputs tables from variables.tf and outputs.tf
 * (terraform-docs' markdown table format). `npm test` fails while they disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModule } from '../test/terraform/lib/module.js';
import { terraformDocs, withDocsSection } from '../test/terraform/lib/terraform-docs.js';
import { ROOT } from './build.js';

const readmePath = join(ROOT, 'README.md');
const module = await loadModule(ROOT);
writeFileSync(readmePath, withDocsSection(readFileSync(readmePath, 'utf8'), terraformDocs(module)));
console.log('README.md: Inputs and Outputs tables updated');
