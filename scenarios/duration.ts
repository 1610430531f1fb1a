// Durations as scenarios and the command line write them: seconds, or a number with a unit.
// Leaves out calendar arithmetic: a year is 365.25 days, as AFR figures count it.

const unitS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 7 * 86_400, y: 365.25 * 86_400 };

/** "90" → 90, "15m" → 900, "1.5h" → 5400, "1y" → 31 557 600; throws an Error naming the problem. */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') {
    if (!(Number.isFinite(value) && value >= 0)) throw new Error(`must be a duration >= 0, got ${value}`);
    return value;
  }
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([smhdwy]?)$/.exec(value.trim()) : null;
  if (match === null) throw new Error(`must be seconds or a number with a unit s, m, h, d, w, y (like "14d"), got ${JSON.stringify(value)}`);
  return Number(match[1]) * unitS[match[2] || 's']!;
}

/** The shortest exact unit for a summary line: 86400 → "1d", 5400 → "1.5h". */
export function formatDuration(seconds: number): string {
  for (const unit of ['y', 'd', 'h', 'm'] as const) {
    const n = seconds / unitS[unit]!;
    if (n >= 1) return `${Number(n.toFixed(2))}${unit}`;
  }
  return `${Number(seconds.toFixed(2))}s`;
}
