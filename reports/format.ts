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

/**
 * A number for people on a page: whole numbers as they are, others to four significant digits
 * (0.003577013691 → 0.003577, 722697.9408 → 722698), plus one per leading nine of a share or a
 * percentage just under whole, so that 99.9912 % does not read as 99.99 %. CSV keeps ten digits.
 */
export function formatForPeople(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return formatNumber(x);
  if (Math.abs(x) >= 1000) return formatNumber(Math.round(x));
  const whole = x >= 90 && x < 100 ? 100 : x >= 0.9 && x < 1 ? 1 : undefined;
  const nines = whole === undefined ? 0 : Math.floor(-Math.log10(1 - x / whole));
  return formatNumber(Number(x.toPrecision(Math.min(10, 4 + nines))));
}
