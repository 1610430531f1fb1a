// `bench scale`: whether a simulated year costs the same per event at any grid size. The built-in
// capacity-10k-year scenario at N nodes (the reference) and at K × N, farms and deployments scaled alike.

import v8 from 'node:v8';
import vm from 'node:vm';
import type { Args } from '../cli/args.js';
import { durationFlag } from '../cli/duration-flag.js';
import { InputError } from '../sim/errors.js';
import { capacity10kYear } from '../scenarios/builtin/capacity.js';
import { compileBuiltin } from '../scenarios/builtin/index.js';
import { runScenario } from '../scenarios/runner.js';
import type { DeploymentGroupSpec, Scenario } from '../scenarios/scenario.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';
import { benchMain } from './bench-main.js';

/** The built-in's farms: 250 nodes each (150 farmer servers, 60 small DIY, 40 storage-heavy). */
const baseFarms = (capacity10kYear.grid as GridSpec).farms;
const nodesPerFarm = baseFarms[0]!.nodes.reduce((n, p) => n + p.count, 0);
const referenceNodes = 10_000;

/**
 * The built-in at `nodes` nodes: its farms repeated, each deployment group's count scaled by the same
 * factor and its arrivals that much closer together, so they all arrive within the same weeks. The
 * faults are per node or a fraction of the grid already; the seed and everything else stay as they are.
 * At 10,000 nodes it is the built-in itself.
 */
export function scaledCapacityScenario(nodes: number, durationS?: number): Scenario {
  if (durationS !== undefined) return { ...scaledCapacityScenario(nodes), durationS };
  if (nodes === referenceNodes) return capacity10kYear;
  const factor = nodes / referenceNodes;
  const farms = Array.from({ length: nodes / nodesPerFarm }, (_, i) => ({ ...baseFarms[i % baseFarms.length]!, name: `farm-${String(i).padStart(5, '0')}` }));
  const workload = capacity10kYear.workload!.map((group): DeploymentGroupSpec => {
    const interval = group.intervalS;
    if (interval === undefined || typeof interval !== 'object' || interval.kind !== 'exponential' || !('meanS' in interval)) throw new Error(`group ${group.name}: expected exponential arrivals by mean`);
    return { ...group, count: Math.max(1, Math.round(group.count! * factor)), intervalS: { ...interval, meanS: interval.meanS / factor } };
  });
  return { ...capacity10kYear, name: `capacity-${nodes}-year`, grid: { farms }, workload };
}

export interface ScaleRun {
  readonly nodes: number;
  readonly events: number;
  readonly deploymentsPlaced: number;
  readonly simulatedS: number;
  readonly cpuS: number;
  readonly wallS: number;
  readonly cpuUsPerEvent: number;
  /** The process's peak resident set so far (after this run): the larger run's peak once it has run. */
  readonly peakRssBytes: number;
  readonly invariantsOk: boolean;
}

/** One year of the scaled scenario, CPU from process.cpuUsage (user + system) around the whole run. */
async function measure(nodes: number, gc: () => void, durationS: number | undefined): Promise<ScaleRun> {
  const scenario = compileBuiltin(scaledCapacityScenario(nodes, durationS));
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runScenario(scenario);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const placed = (summary.metrics['deployments'] as { placed: number } | undefined)?.placed ?? 0;
  return {
    nodes,
    events: summary.events,
    deploymentsPlaced: placed,
    simulatedS: summary.simulatedSeconds,
    cpuS: round(cpuS, 3),
    wallS: round(wallS, 3),
    cpuUsPerEvent: round((cpuS * 1e6) / summary.events, 3),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    invariantsOk: summary.failed === null,
  };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function line(r: ScaleRun): string {
  return `${r.nodes} nodes: ${r.events} events in ${r.cpuS} CPU-s (${r.wallS} s wall), ${r.cpuUsPerEvent} µs per event, ${r.deploymentsPlaced} deployments, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB${r.invariantsOk ? '' : ', an invariant failed'}`;
}

await benchMain('scale', {
  async run(args: Args) {
    const nodes = args.number('nodes', { min: nodesPerFarm, max: 1e6, integer: true, default: referenceNodes });
    const scale = args.number('scale', { min: 1, max: 1000, integer: true, default: 10 });
    const durationS = durationFlag(args, 'until')?.seconds;
    if (nodes % nodesPerFarm !== 0) throw new InputError('bench scale', '--nodes', `must be a multiple of ${nodesPerFarm} (one farm of the built-in), got ${nodes}`);
    if (nodes * scale > 1e7) throw new InputError('bench scale', '--scale', `at most 10,000,000 nodes in the scaled run, got ${nodes * scale}`);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // An untimed warm-up at the reference size first: otherwise the reference alone pays for the JIT
    // and the scaled run looks cheaper per event than it is.
    await measure(nodes, gc, durationS);
    const reference = await measure(nodes, gc, durationS);
    const scaled = await measure(nodes * scale, gc, durationS);
    const document = { scenario: capacity10kYear.name, scale, reference, scaled, ratio: round(scaled.cpuUsPerEvent / reference.cpuUsPerEvent, 3), peakRssBytes: scaled.peakRssBytes };
    const human = [line(reference), line(scaled), `CPU per event at ×${scale}: ${document.ratio} × the reference`].join('\n');
    return { document, human };
  },
});
