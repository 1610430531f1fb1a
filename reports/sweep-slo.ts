// The service-level objective a sweep point must meet, and the recommendation: the smallest point
// that meets it. Leaves out SLOs over time windows; bounds apply to each run's end-of-run metrics.

import { InputError } from '../sim/errors.js';
import { sweepMetricNames, type SloBound, type SweepMetricName } from '../scenarios/sweep-metrics.js';
import type { ParamValue } from '../scenarios/sweep-params.js';
import type { SweepPoint } from '../scenarios/sweep-plan.js';

export { meetsSlo, type SloBound } from '../scenarios/sweep-metrics.js';

/** At least 99.9 % of deployments ok at the end, and no zstor object nor qsfs file lost. */
export const defaultSlo = 'deploymentsOkFraction>=0.999,lostObjectsCount<=0,filesLostCount<=0';

/** `METRIC>=V` or `METRIC<=V`, comma-separated; metrics are the sweep.csv metric names. */
export function parseSlo(text: string): SloBound[] {
  return text.split(',').map((part) => {
    const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(>=|<=)\s*(-?[\d.]+(?:e[-+]?\d+)?)\s*$/i.exec(part);
    if (m === null) throw new InputError('command line', '--slo', `'${part}' is not METRIC>=V or METRIC<=V`);
    if (!(sweepMetricNames as readonly string[]).includes(m[1]!)) throw new InputError('command line', '--slo', `unknown metric '${m[1]}' (valid: ${sweepMetricNames.join(', ')})`);
    return { metric: m[1] as SweepMetricName, op: m[2] as '>=' | '<=', value: Number(m[3]) };
  });
}


/**
 * The passing point that is smallest: fewest nodes, then each parameter's value ascending in the
 * order the parameters were given (numbers numerically, otherwise as text; durations descending). A
 * point whose run ends before some of its faults is no candidate. A point passes only
 * when every one of its seeds meets the SLO: "no data lost" must hold in every replication.
 */
export function recommend(points: readonly SweepPoint[], passing: readonly boolean[], names: readonly string[] = []): SweepPoint | undefined {
  return points.filter((p) => passing[p.index] && p.faultsPastEnd.length === 0).sort((a, b) => bySize(a, b, names))[0];
}

/** Fewest nodes; then each value ascending, except durations (a name ending in S), which are not
 * sizing knobs: among equal grids the longest run is the better evidence, so they go descending. */
function bySize(a: SweepPoint, b: SweepPoint, names: readonly string[]): number {
  if (a.nodes !== b.nodes) return a.nodes - b.nodes;
  for (let i = 0; i < a.values.length; i++) {
    const c = compareValues(a.values[i]!, b.values[i]!);
    if (c !== 0) return /S$/.test(names[i] ?? '') ? -c : c;
  }
  return a.index - b.index;
}

function compareValues(a: ParamValue, b: ParamValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
