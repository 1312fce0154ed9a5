/**
 * The README's table of `npm start` flags, written from the same list `--help` prints
 * (src/local/options.ts), so the two cannot drift: `npm run docs` rewrites it, and a test fails
 * while the README disagrees.
 */
import { FLAGS, type FlagDoc } from '../../src/local/options.js';

const BEGIN = '<!-- BEGIN_FLAGS -->';
const END = '<!-- END_FLAGS -->';

const row = (doc: FlagDoc): string =>
  `| \`--${doc.flag}${doc.value === undefined ? '' : ` ${doc.value}`}\` | ${doc.description.replaceAll('|', '\\|')} | ${doc.forTests === undefined ? 'everyday use' : 'tests and fault injection'} |`;

/** The table, in `--help`'s order: everyday flags first, then those for tests. */
export const flagsTable = (): string =>
  [
    '| flag | what it does | meant for |',
    '|---|---|---|',
    ...FLAGS.filter((doc) => doc.forTests === undefined).map(row),
    ...FLAGS.filter((doc) => doc.forTests !== undefined).map(row),
  ].join('\n');

/** The README's current table, or undefined when its markers are missing. */
export const flagsSection = (readme: string): string | undefined => {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) return undefined;
  return readme.slice(start + BEGIN.length, end).trim();
};

export const withFlagsSection = (readme: string, table: string): string => {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end < start) throw new Error(`README.md lacks ${BEGIN} … ${END}`);
  return `${readme.slice(0, start + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
};
