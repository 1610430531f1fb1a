// `plan` against closed forms: with capacity-only demand the smallest grid is ⌈demand ÷ deployments
// per node⌉, and with k nodes lost for good it is k more (the reconciler must find room for what they
// held); a per-node figure read from a fresh simulated node, not from the planner's own arithmetic.
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan, type PlanInput } from '../../scenarios/plan.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { runSweepTasks } from '../../scenarios/sweep-pool.js';
import { parseSlo } from '../../reports/sweep-slo.js';
import { World } from '../../sim/grid/world.js';
import { SimBackend } from '../../workers/sim-backend.js';
import { cli } from '../helpers/cli.js';
import { scenarioDir, writeScenario } from '../helpers/scenario-files.js';

const GiB = 2 ** 30;
const sizePath = 'grid.farms[0].nodes[0].count';

/** Whole VMs of `vmBytes` one fresh node of `template` admits: its free memory as zos counts it. */
async function vmsPerNode(template: string, vmBytes: number): Promise<number> {
  const world = new World({ seed: 'plan', grid: { farms: [{ name: 'f', publicIpv4Count: 0, nodes: [{ template, count: 1 }] }] }, armDeviceFailures: false });
  const [node] = await new SimBackend(world).nodeCapacities();
  return Math.floor(node!.freeMruBytes / vmBytes);
}

function capacityOnly(template: string, vmBytes: number, count: number, lostNodes = 0): Scenario {
  return {
    name: 'plan-capacity',
    description: 'VMs only; optionally the first nodes lost for good at 10 min',
    grid: { farms: [{ name: 'f', publicIpv4Count: 0, nodes: [{ template, count: 4 }] }] },
    durationS: '1h',
    workload: [{ name: 'web', kind: 'vm', count, cpu: 1, memoryBytes: vmBytes, diskBytes: GiB }],
    faults: Array.from({ length: lostNodes }, (_, node) => ({ kind: 'crash' as const, node, atS: '10m' })),
    invariants: [{ kind: 'converged' }],
  };
}

function input(scenario: Scenario, demand: number[], slo: string): PlanInput {
  return { scenario, source: 'test', sizePath, demand, slo: parseSlo(slo), seedCount: 1, baseSeed: '1', maxNodes: 64 };
}

const placedSlo = 'deploymentsUnplacedCount<=0,deploymentsOkFraction>=1';
// Lost nodes never come back in the safety phase: healed within 30 min only if there was room elsewhere.
const healedSlo = `${placedSlo},timeToHealP99S<=1800`;

for (const [template, vmGiB, count] of [['farmer-server', 8, 10], ['diy-small', 4, 6], ['storage-heavy', 16, 5]] as const) {
  test(`capacity only on ${template}: ⌈demand ÷ ${vmGiB} GiB VMs per node⌉ at every level`, async (t) => {
    const perNode = await vmsPerNode(template, vmGiB * GiB);
    const demand = [1, 2, 3, 5];
    const result = await plan(input(capacityOnly(template, vmGiB * GiB, count), demand, placedSlo), (tasks) => runSweepTasks(tasks, 1));
    t.deepEqual(result.frontier.map((f) => f.nodes), demand.map((x) => Math.ceil(Math.ceil(count * x) / perNode)), `${perNode} VMs per node`);
    t.true(result.frontier.every((f) => f.sloMet));
    t.true(result.evaluatedRuns < result.fullGridRuns * 0.3, `${result.evaluatedRuns} of ${result.fullGridRuns} runs`);
  });
}

test('k nodes lost for good: k more than capacity alone needs, and the binding names the healing bound', async (t) => {
  const perNode = await vmsPerNode('farmer-server', 16 * GiB);
  const count = 20;
  for (const k of [1, 2]) {
    const result = await plan(input(capacityOnly('farmer-server', 16 * GiB, count, k), [1, 2], healedSlo), (tasks) => runSweepTasks(tasks, 1));
    t.deepEqual(result.frontier.map((f) => f.nodes), [1, 2].map((x) => k + Math.ceil((count * x) / perNode)), `k = ${k}, ${perNode} VMs per node`);
    t.regex(result.frontier[0]!.binding, /timeToHealP99S|deploymentsOkFraction/);
  }
});

test('cli: plan --json prints the frontier, runs evaluated and the full grid; plan.csv has a row per level; bad --demand is exit 2', async (t) => {
  const file = writeScenario(scenarioDir(), 'plan-capacity', capacityOnly('farmer-server', 8 * GiB, 10));
  const out = mkdtempSync(join(tmpdir(), 'plan-'));
  const r = await cli('plan', file, '--size', sizePath, '--demand', '1,3', '--seeds', '1', '--max-nodes', '20', '--workers', '1', '--slo', placedSlo, '--out', out, '--json');
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { frontier: { demand: number; nodes: number; sloMet: boolean; binding: string; metrics: Record<string, number> }[]; evaluatedRuns: number; fullGridRuns: number };
  t.deepEqual(doc.frontier.map((f) => [f.demand, f.sloMet]), [[1, true], [3, true]]);
  t.is(doc.fullGridRuns, 2 * 20);
  t.true(doc.evaluatedRuns > 0 && doc.evaluatedRuns < doc.fullGridRuns);
  t.regex(doc.frontier[1]!.binding, /memory on farmer-server nodes/);
  t.is(doc.frontier[0]!.metrics['deploymentsUnplacedCount'], 0);
  t.is(readFileSync(join(out, 'plan.csv'), 'utf8').trim().split('\n').length, 3);
  const html = readFileSync(join(out, 'plan.html'), 'utf8');
  t.regex(html, /<svg class="chart" id="chart-frontier"/);
  t.regex(html, new RegExp(`class="headline">Up to 3× demand, ${doc.frontier[1]!.nodes} nodes meet the SLO`));
  const bad = await cli('plan', file, '--size', sizePath, '--demand', '2,1');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--demand.*ascending/);
  const none = await cli('plan', file, '--size', sizePath, '--demand', '100', '--max-nodes', '3', '--seeds', '1', '--workers', '1', '--slo', placedSlo, '--out', out);
  t.is(none.code, 1, 'a level with no answer within bounds');
  t.regex(none.stdout, /no grid up to 3 nodes meets the SLO — deploymentsUnplacedCount \d+ \(needs <= 0\)/);
});
