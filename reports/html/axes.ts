// Axis arithmetic for the SVG charts: "nice" tick steps, linear scales and the time unit an axis
// reads best in. Leaves out log scales: latencies are shown linearly, with p99 on its own line.

import { formatNumber } from '../format.js';

export interface Scale {
  (value: number): number;
  readonly ticks: readonly number[];
}

/** Step of 1, 2 or 5 × 10^k giving about `count` intervals over [min, max]. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const fraction = raw / magnitude;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
}

/**
 * Maps [min, max] onto [from, to] in pixels. A value axis widens its domain out to whole ticks;
 * a time axis (`exact`) keeps the run's own span and puts ticks only inside it.
 */
export function linearScale(min: number, max: number, from: number, to: number, tickCount = 5, exact = false): Scale {
  const step = niceStep(max - min, tickCount);
  const lo = exact ? min : Math.floor(min / step) * step;
  const hi = exact ? max : Math.max(lo + step, Math.ceil(max / step) * step);
  const first = Math.ceil(lo / step - 1e-9);
  const ticks: number[] = [];
  // Ticks are derived from integers so that float steps do not drift (0.1 × 3 ≠ 0.3).
  for (let i = first; i * step <= hi + step / 1e9; i++) ticks.push(Number((i * step).toPrecision(12)));
  const f = ((v: number) => from + ((v - lo) / (hi - lo)) * (to - from)) as Scale;
  return Object.assign(f, { ticks });
}

export interface TimeUnit {
  readonly name: string;
  readonly seconds: number;
}

/** The largest of days, hours, minutes, seconds that leaves at least three units on the axis. */
export function timeUnit(spanS: number): TimeUnit {
  if (spanS >= 3 * 86400) return { name: 'days', seconds: 86400 };
  if (spanS >= 3 * 3600) return { name: 'h', seconds: 3600 };
  if (spanS >= 3 * 60) return { name: 'min', seconds: 60 };
  return { name: 's', seconds: 1 };
}

/** Below this many hundredths the fast path below is exact; beyond it formatNumber's 10 digits round. */
const pxFastLimit = 1e9;

/**
 * Pixel coordinates with two decimals: enough for the eye, and the same bytes every run. The same
 * string as formatNumber(Math.round(v × 100) / 100), built from the integer of hundredths: a page
 *  of year-long charts has ~10^5 coordinates, and formatNumber (toPrecision, then Number) showed in its profile.
 */
export function px(v: number): string {
  const hundredths = Math.round(v * 100);
  if (!(Math.abs(hundredths) < pxFastLimit)) return formatNumber(hundredths / 100);
  const abs = Math.abs(hundredths);
  const whole = Math.floor(abs / 100);
  const cents = abs - whole * 100;
  const sign = hundredths < 0 ? '-' : '';
  if (cents === 0) return sign + String(whole);
  return sign + String(whole) + (cents % 10 === 0 ? `.${cents / 10}` : cents < 10 ? `.0${cents}` : `.${cents}`);
}
