// Text sparklines and bars for the TUI: pure string functions of numbers already computed.
// Leaves out colour and layout (the components).

const ticks = '▁▂▃▄▅▆▇█';

/** The last `width` values as block characters scaled between their own min and max. */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(1, width));
  if (shown.length === 0) return '';
  const lo = Math.min(...shown);
  const hi = Math.max(...shown);
  // A flat series draws as a middle line, so that "nothing changed" does not read as "all zero".
  if (hi === lo) return ticks[3]!.repeat(shown.length);
  return shown.map((v) => ticks[Math.round(((v - lo) / (hi - lo)) * (ticks.length - 1))]!).join('');
}

/** Splits `width` cells among counts in proportion, rounding so that a non-zero count gets a cell. */
export function barCells(counts: readonly number[], width: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const cells = counts.map((c) => (c === 0 ? 0 : Math.max(1, Math.floor((c / total) * width))));
  // Give the rounding remainder to the largest count, which can best absorb it.
  const largest = cells.indexOf(Math.max(...cells));
  cells[largest] = Math.max(0, cells[largest]! + width - cells.reduce((a, b) => a + b, 0));
  return cells;
}
