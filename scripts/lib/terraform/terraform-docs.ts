/**
 * The README's Inputs and Outputs tables, written as terraform-docs' `markdown table` format
 * writes them (sorted by name, `n/a` for no default), from the parsed module. The test compares
 * the README with this; `npm run docs` rewrites the README section between the markers.
 */
import type { HclValue, Module } from './module.js';

const BEGIN_MARKER = '<!-- BEGIN_TF_DOCS -->';
const END_MARKER = '<!-- END_TF_DOCS -->';

const escapeName = (name: string) => name.replaceAll('_', '\\_');
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', '<br>');
const unwrap = (expression: string) => expression.replace(/^\$\{([\s\S]*)\}$/, '$1');

const hclLiteral = (value: HclValue): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(hclLiteral).join(', ')}]`;
  const entries = Object.entries(value);
  return entries.length === 0
    ? '{}'
    : `{ ${entries.map(([k, v]) => `${k} = ${hclLiteral(v)}`).join(', ')} }`;
};

const text = (value: HclValue | undefined): string => (typeof value === 'string' ? value : '');

export const terraformDocs = (module: Module): string => {
  const inputs = Object.entries(module.variables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { body }]) => {
      const hasDefault = Object.hasOwn(body, 'default');
      const defaultCell = hasDefault ? `\`${hclLiteral(body.default ?? null)}\`` : 'n/a';
      return `| <a name="input_${name}"></a> [${escapeName(name)}](#input\\_${escapeName(name)}) | ${cell(text(body.description))} | \`${unwrap(text(body.type))}\` | ${defaultCell} | ${hasDefault ? 'no' : 'yes'} |`;
    });
  const outputs = Object.entries(module.outputs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, { body }]) =>
        `| <a name="output_${name}"></a> [${escapeName(name)}](#output\\_${escapeName(name)}) | ${cell(text(body.description))} |`,
    );
  return [
    '## Inputs',
    '',
    '| Name | Description | Type | Default | Required |',
    '|------|-------------|------|---------|:--------:|',
    ...inputs,
    '',
    '## Outputs',
    '',
    '| Name | Description |',
    '|------|-------------|',
    ...outputs,
  ].join('\n');
};

/** The README text between the markers, or undefined when the markers are missing. */
export const docsSection = (readme: string): string | undefined => {
  const start = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + BEGIN_MARKER.length, end).trim();
};

export const withDocsSection = (readme: string, docs: string): string => {
  const start = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start)
    throw new Error(`README.md needs ${BEGIN_MARKER} and ${END_MARKER}`);
  return `${readme.slice(0, start + BEGIN_MARKER.length)}\n${docs}\n${readme.slice(end)}`;
};
