// Issue 13's budget on a real plan: 5 demand levels × 20 candidate node counts × 2 seeds through the
// CLI, each evaluation a full scenario run. The search must run at most 30 % of the full grid's runs
// and still land on the closed-form answer ⌈VMs ÷ VMs per node⌉ at every level.
import test from 'ava';
import { World } from '../../sim/grid/world.js';
import { SimBackend } from '../../workers/sim-backend.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { cli } from '../helpers/cli.js';
import { scenarioDir, writeScenario } from '../helpers/scenario-files.js';

const GiB = 2 ** 30;
const vmBytes = 8 * GiB;

/** Whole 8 GiB VMs one fresh farmer-server admits, read from a simulated node, not from the planner. */
async function vmsPerNode(): Promise<number> {
  const world = new World({ seed: 'plan', grid: { farms: [{ name: 'f', publicIpv4Count: 0, nodes: [{ template: 'farmer-server', count: 1 }] }] }, armDeviceFailures: false });
  const [node] = await new SimBackend(world).nodeCapacities();
  return Math.floor(node!.freeMruBytes / vmBytes);
}

test('5 levels × 20 sizes × 2 seeds: the closed-form frontier from at most 30 % of the full grid', async (t) => {
  const perNode = await vmsPerNode();
  // Three nodes' worth of VMs at 1×: the answers 3, 6, 9, 12, 15 spread over the 20 sizes.
  const count = 3 * perNode;
  const scenario: Scenario = {
    name: 'plan-5x20',
    description: 'VMs only, sized by the one node group',
    grid: { farms: [{ name: 'f', publicIpv4Count: 0, nodes: [{ template: 'farmer-server', count: 1 }] }] },
    durationS: '1h',
    workload: [{ name: 'web', kind: 'vm', count, cpu: 1, memoryBytes: vmBytes, diskBytes: GiB }],
    invariants: [{ kind: 'converged' }],
  };
  const file = writeScenario(scenarioDir(), 'plan-5x20', scenario);
  const r = await cli('plan', file, '--size', 'grid.farms[0].nodes[0].count', '--demand', '1,2,3,4,5', '--max-nodes', '20', '--seeds', '2', '--workers', '1',
    '--slo', 'deploymentsUnplacedCount<=0,deploymentsOkFraction>=1', '--out', scenarioDir(), '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { frontier: { demand: number; nodes: number; sloMet: boolean }[]; evaluatedRuns: number; fullGridRuns: number };
  t.deepEqual(doc.frontier.map((f) => f.nodes), [1, 2, 3, 4, 5].map((x) => Math.ceil((count * x) / perNode)), `${perNode} VMs per node`);
  t.true(doc.frontier.every((f) => f.sloMet));
  t.is(doc.fullGridRuns, 5 * 20 * 2);
  t.true(doc.evaluatedRuns <= 0.3 * doc.fullGridRuns, `${doc.evaluatedRuns} of ${doc.fullGridRuns} runs`);
  t.log(`evaluatedRuns ${doc.evaluatedRuns}, fullGridRuns ${doc.fullGridRuns} (${Math.round((100 * doc.evaluatedRuns) / doc.fullGridRuns)} %)`);
});
