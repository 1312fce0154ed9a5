/**
 * A horizontal bar chart of median init times as plain SVG: no library, readable in any
 * Markdown viewer that shows images, and diff-friendly (fixed precision, stable order).
 */
export interface Bar {
  label: string;
  value: number;
  /** Shown after the value, e.g. a ratio to the naive baseline. */
  note: string;
  tone: 'baseline' | 'step' | 'shipped' | 'floor';
}

const COLOURS: Record<Bar['tone'], string> = {
  baseline: '#9aa5b1',
  step: '#5b8def',
  shipped: '#1f6f43',
  floor: '#d9a441',
};

const xmlText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const barChart = (title: string, unit: string, bars: readonly Bar[]): string => {
  const labelWidth = 190;
  const plotWidth = 360;
  const noteWidth = 170;
  const rowHeight = 24;
  const top = 34;
  const width = labelWidth + plotWidth + noteWidth;
  const height = top + bars.length * rowHeight + 12;
  const max = Math.max(...bars.map((bar) => bar.value), 1);
  const rows = bars.map((bar, i) => {
    const y = top + i * rowHeight;
    const length = Math.max(1, (bar.value / max) * plotWidth);
    return [
      `  <text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${xmlText(bar.label)}</text>`,
      `  <rect x="${labelWidth}" y="${y + 3}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${COLOURS[bar.tone]}"/>`,
      `  <text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + 15}">${bar.value.toFixed(1)} ${xmlText(unit)} ${xmlText(bar.note)}</text>`,
    ].join('\n');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `  <title>${xmlText(title)}</title>`,
    `  <rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `  <text x="8" y="20" font-size="14" font-weight="bold">${xmlText(title)}</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
};
