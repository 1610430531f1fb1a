// Random scenarios from a seed (fast-check arbitraries: grid size, fault mixes, rates, workload),
// run until the first violated invariant, then shrunk. Leaves out printing (cli/commands/swarm.ts).

import fc from 'fast-check';
import type { FarmSpec } from '../sim/grid/grid-spec.js';
import { compileScenario } from './compile.js';
import { runScenario, type RunOptions, type RunSummary } from './runner.js';
import type { FaultSpec, InvariantSpec, Scenario } from './scenario.js';

export interface SwarmOptions {
  readonly runs: number;
  readonly seed: number;
  /** Largest grid generated (the CI budget keeps this small); at least 50. */
  readonly maxNodes: number;
  /** Replays one case of an earlier swarm (fast-check's counterexample path). */
  readonly path?: string;
  /**
   * Adds an invariant that random correlated outages do break (at most 10 % of nodes down), so that
   * a test can show the swarm finding, shrinking and replaying a violation.
   */
  readonly plant?: boolean;
  /** Runs spent shrinking after the first failure; a budget in runs, not wall time, keeps it replayable. */
  readonly maxShrinkRuns?: number;
  readonly onRun?: (index: number, scenario: Scenario, summary: RunSummary) => void;
  /** How each run's jobs travel and whether it heals (the CLI's --transport, --redis, --no-reconcile). */
  readonly run?: Pick<RunOptions, 'transport' | 'reconcile'>;
}

export interface SwarmResult {
  readonly runs: number;
  readonly failure: null | {
    readonly seed: number;
    readonly path: string;
    readonly shrinks: number;
    /** The shrunk case: a scenario `zos-testbed run` takes as a JSON file. */
    readonly scenario: Scenario;
    readonly summary: RunSummary;
  };
}

const DAY_S = 86_400;
const perFarmMax = 250;

/** Invariants that hold for any fault mix the grid can take: the properties the swarm tests. */
const alwaysHold: readonly InvariantSpec[] = [{ kind: 'errors-terminal' }, { kind: 'capacity-bounds' }, { kind: 'converged' }, { kind: 'capacity-released' }];

function gridOf(nodes: number): { farms: FarmSpec[] } {
  const farmCount = Math.max(1, Math.ceil(nodes / perFarmMax));
  return {
    farms: Array.from({ length: farmCount }, (_, i) => {
      const count = Math.floor(nodes / farmCount) + (i < nodes % farmCount ? 1 : 0);
      const small = Math.floor(count * 0.25);
      const storage = Math.floor(count * 0.15);
      return {
        name: `farm-${i}`,
        publicIpv4Count: 8,
        nodes: [
          { template: 'farmer-server', count: count - small - storage },
          { template: 'diy-small', count: small },
          { template: 'storage-heavy', count: storage },
        ],
      };
    }),
  };
}

export function scenarioArbitrary(maxNodes: number, plant: boolean): fc.Arbitrary<Scenario> {
  const faultArb = (durationS: number, farmCount: number): fc.Arbitrary<FaultSpec> =>
    fc.oneof(
      fc.record({ meanDays: fc.integer({ min: 1, max: 60 }), repairH: fc.integer({ min: 1, max: 24 }) }).map(
        ({ meanDays, repairH }): FaultSpec => ({ kind: 'node-failures', timeToFailureS: { kind: 'exponential', meanS: meanDays * DAY_S }, timeToRepairS: { kind: 'exponential', meanS: repairH * 3600 } }),
      ),
      fc.record({ everyH: fc.integer({ min: 1, max: 72 }), percent: fc.integer({ min: 1, max: 30 }), hours: fc.integer({ min: 1, max: 12 }) }).map(
        ({ everyH, percent, hours }): FaultSpec => ({
          kind: 'correlated',
          intervalS: { kind: 'exponential', meanS: everyH * 3600 },
          fraction: { kind: 'uniform', min: 0, max: percent / 100 },
          durationS: { kind: 'exponential', meanS: hours * 3600 },
        }),
      ),
      fc.record({ hddPercent: fc.integer({ min: 0, max: 50 }), ssdPercent: fc.integer({ min: 1, max: 50 }) }).map(
        ({ hddPercent, ssdPercent }): FaultSpec => ({ kind: 'disk-failures', hddAfr: hddPercent / 100, ssdAfr: ssdPercent / 100 }),
      ),
      fc.record({ farm: fc.integer({ min: 0, max: farmCount - 1 }), at: fc.double({ min: 0, max: 0.9, noNaN: true }), hours: fc.integer({ min: 1, max: 24 }) }).map(
        ({ farm, at, hours }): FaultSpec => ({ kind: 'partition', farm: `farm-${farm}`, atS: Math.round(at * durationS), durationS: hours * 3600 }),
      ),
      fc.record({ at: fc.double({ min: 0, max: 0.9, noNaN: true }), hours: fc.integer({ min: 1, max: 12 }) }).map(
        ({ at, hours }): FaultSpec => ({ kind: 'hub-outage', atS: Math.round(at * durationS), durationS: hours * 3600 }),
      ),
    );
  return fc
    .record({
      nodes: fc.integer({ min: 50, max: Math.max(50, maxNodes) }),
      days: fc.integer({ min: 1, max: 7 }),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      zdbs: fc.integer({ min: 0, max: 200 }),
      vms: fc.integer({ min: 0, max: 100 }),
    })
    .chain(({ nodes, days, seed, zdbs, vms }) => {
      const durationS = days * DAY_S;
      const grid = gridOf(nodes);
      // At most one node-failures process per scenario (compile refuses two); other kinds may repeat.
      const key = (f: FaultSpec): string => (f.kind === 'node-failures' ? f.kind : JSON.stringify(f));
      return fc.uniqueArray(faultArb(durationS, grid.farms.length), { minLength: 1, maxLength: 4, selector: key }).map((faults): Scenario => ({
        name: 'swarm-case',
        description: `generated: ${nodes} nodes, ${days} d, ${faults.map((f) => f.kind).join(' + ')}`,
        seed,
        grid,
        durationS,
        convergeWithinS: '6h',
        workload: [
          ...(zdbs > 0 ? [{ name: 'dbs', kind: 'zdb' as const, count: zdbs, intervalS: { kind: 'exponential' as const, meanS: durationS / zdbs / 2 } }] : []),
          ...(vms > 0 ? [{ name: 'vms', kind: 'vm' as const, count: vms, intervalS: { kind: 'exponential' as const, meanS: durationS / vms / 2 } }] : []),
        ],
        faults,
        // zdbs need neither the hub nor an SSD: after every crash the boot re-run must bring each one back.
        invariants: [...alwaysHold, ...(zdbs > 0 ? [{ kind: 'deployments-ok', group: 'dbs' } as const] : []), ...(plant ? [{ kind: 'max-down-fraction', fraction: 0.1 } as const] : [])],
      }));
    })
    .chain(withNetworkFault);
}

/**
 * Half the cases also get one network fault. It is drawn last, so the rest of each case is what the
 * same seed generated before network faults existed. The underlay's ids follow from the grid spec
 * (node i is i, farm f's site is nodes + f, every node links to its site), so a node's uplink is a
 * link every grid has.
 */
function withNetworkFault(scenario: Scenario): fc.Arbitrary<Scenario> {
  const grid = scenario.grid as { farms: FarmSpec[] };
  const sizes = grid.farms.map((f) => f.nodes.reduce((n, g) => n + g.count, 0));
  const nodes = sizes.reduce((a, b) => a + b, 0);
  const durationS = scenario.durationS as number;
  const at = fc.double({ min: 0, max: 0.9, noNaN: true }).map((x) => Math.round(x * durationS));
  const farmOf = (node: number): number => {
    let f = 0;
    for (let first = sizes[0]!; node >= first; first += sizes[++f]!);
    return f;
  };
  const kinds: fc.Arbitrary<FaultSpec>[] = [
    at.map((atS): FaultSpec => ({ kind: 'planetary-root-loss', atS })),
    fc.record({ node: fc.integer({ min: 0, max: nodes - 1 }), atS: at, hours: fc.integer({ min: 1, max: 24 }) }).map(
      ({ node, atS, hours }): FaultSpec => ({ kind: 'link-cut', a: node, b: nodes + farmOf(node), atS, durationS: hours * 3600 }),
    ),
  ];
  if (grid.farms.length > 1) {
    kinds.push(
      fc.record({ farm: fc.integer({ min: 0, max: grid.farms.length - 1 }), atS: at, hours: fc.integer({ min: 1, max: 24 }) }).map(
        ({ farm, atS, hours }): FaultSpec => ({ kind: 'partition-farms', farms: [grid.farms[farm]!.name], atS, durationS: hours * 3600 }),
      ),
    );
  }
  return fc.option(fc.oneof(...kinds), { freq: 2, nil: undefined }).map((fault): Scenario => {
    if (fault === undefined) return scenario;
    return {
      ...scenario,
      description: `${scenario.description} + ${fault.kind}`,
      faults: [...(scenario.faults ?? []), fault],
      // A network fault heals at the liveness phase like any other: the grid must be one piece again.
      invariants: [...scenario.invariants, { kind: 'no-partition-at-end' }],
    };
  });
}

export async function runSwarm(options: SwarmOptions): Promise<SwarmResult> {
  let index = 0;
  let failures = 0;
  const budget = options.maxShrinkRuns ?? 100;
  let last: { scenario: Scenario; summary: RunSummary } | undefined;
  const run = (scenario: Scenario): Promise<RunSummary> => runScenario(compileScenario(scenario, 'swarm'), options.run ?? {});
  const property = fc.asyncProperty(scenarioArbitrary(options.maxNodes, options.plant ?? false), async (scenario) => {
    // Past the shrink budget every case passes, which ends shrinking at the smallest failure so far.
    if (failures > budget) return true;
    const summary = await run(scenario);
    options.onRun?.(index++, scenario, summary);
    if (summary.failed === null) return true;
    failures++;
    last = { scenario, summary };
    return false;
  });
  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed, ...(options.path === undefined ? {} : { path: options.path }) });
  if (!details.failed || details.counterexample === null) return { runs: details.numRuns, failure: null };
  const [scenario] = details.counterexample;
  // The counterexample is the last failing case fast-check kept; re-run it for its summary if needed.
  const summary = last !== undefined && last.scenario === scenario ? last.summary : await run(scenario);
  return { runs: details.numRuns, failure: { seed: details.seed, path: details.counterexamplePath ?? '', shrinks: details.numShrinks, scenario, summary } };
}
