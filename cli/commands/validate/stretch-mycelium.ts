// Mycelium's steady-state stretch in the JSON shape of `validate stretch` (issue 15's contract), for
// stretch.ts to call when `--overlay mycelium` is given. The model lives in sim/network/mycelium/.

import type { MyceliumStretchReport } from '../../../sim/network/mycelium/stretch.js';
import type { MyceliumVersion } from '../../../sim/network/mycelium/router.js';

export interface MyceliumStretchFlags {
  readonly topology: string;
  readonly pairs: number;
  readonly seed: string;
  /** Destinations in use (the pairs are spread over them); default min(pairs, 100). */
  readonly destinations?: number;
  readonly version?: MyceliumVersion;
}

/** The contract's fields first, in order ("roots" is the spread over destinations), the rest after. */
export async function myceliumStretch(flags: MyceliumStretchFlags): Promise<Record<string, unknown>> {
  const [{ loadTopology }, { measureMyceliumStretch }] = await Promise.all([
    import('../../../sim/network/topology/load.js'),
    import('../../../sim/network/mycelium/stretch.js'),
  ]);
  const r: MyceliumStretchReport = measureMyceliumStretch(loadTopology(flags.topology), {
    pairs: flags.pairs,
    seed: flags.seed,
    ...(flags.destinations !== undefined && { destinations: flags.destinations }),
    ...(flags.version !== undefined && { version: flags.version }),
  });
  const { nodes, edges, overlay, meanStretch, p99Stretch, maxStretch, meanLatencyStretch, deliveryRatio, meanRoutingEntries, maxRoutingEntries, roots, ...extra } = r;
  return { nodes, edges, overlay, meanStretch, p99Stretch, maxStretch, meanLatencyStretch, deliveryRatio, meanRoutingEntries, maxRoutingEntries, roots, ...extra };
}

/** The human summary of the same report. */
export function myceliumStretchSummary(file: string, r: Record<string, unknown>): string {
  const f = (x: unknown, digits = 3): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
  const roots = r.roots as { p10: number; median: number; p90: number };
  return [
    `${file}: ${String(r.nodes)} nodes, ${String(r.edges)} links; mycelium, ${String(r.destinations)} destinations in use`,
    `  ${String(r.pairs)} pairs, delivered ${f((r.deliveryRatio as number) * 100, 2)} %`,
    `  hop stretch      mean ${f(r.meanStretch)}  p99 ${f(r.p99Stretch)}  max ${f(r.maxStretch)}`,
    `  latency stretch  mean ${f(r.meanLatencyStretch)}  p99 ${f(r.p99LatencyStretch)}`,
    `  per destination  p10 ${f(roots.p10)}  median ${f(roots.median)}  p90 ${f(roots.p90)}`,
    `  route entries per destination  mean ${f(r.meanRoutingEntries, 2)}  max ${String(r.maxRoutingEntries)}`,
  ].join('\n');
}
