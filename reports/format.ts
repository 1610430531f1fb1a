// Deterministic number formatting shared by the CSV files and the HTML page. Leaves out locales:
// Intl and toLocaleString depend on the machine, and outputs must be byte-identical everywhere.

/**
 * Ten significant digits, trailing zeros dropped, JavaScript's shortest round-trip spelling of
 * that (exponent form below 1e-6 and from 1e21). Ten digits hide float noise such as
 * 0.30000000000000004 without losing anything a plan needs. NaN — "not measured" — is empty.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Number.isInteger(x) && Math.abs(x) < 1e21) return Object.is(x, -0) ? '0' : String(x);
  const rounded = Number(x.toPrecision(10));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** A cell: numbers formatted, strings as they are, booleans as true/false. */
export function cell(value: number | string | boolean): string {
  return typeof value === 'number' ? formatNumber(value) : String(value);
}
