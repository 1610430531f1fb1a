// tfrobot configs as a scenario's workload: YAML or JSON with node_groups, parsed with errors naming
// the field; the client picks each node group's nodes as tfrobot's node filter does (region,
// certified, public IPv4, free resources) and sends its VMs round robin; `run`, `sweep` and `plan`
// take it with --tfrobot.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileScenario } from '../../scenarios/compile.js';
import { scenarioWithTfrobot } from '../../scenarios/load.js';
import type { Scenario } from '../../scenarios/scenario.js';
import { ScenarioRun } from '../../scenarios/scenario-run.js';
import { readTfrobotConfig, tfrobotGroups } from '../../scenarios/tfrobot.js';
import { InputError } from '../../sim/errors.js';
import { cli, repoRoot } from '../helpers/cli.js';

const example = join(repoRoot, 'scenarios/example-tfrobot.yaml');
const dir = mkdtempSync(join(tmpdir(), 'tfrobot-'));

test('the YAML example parses into one group per vms entry, each with its node group filter in bytes', (t) => {
  const groups = tfrobotGroups(readTfrobotConfig(example), example);
  t.deepEqual(groups.map((g) => [g.name, g.count, g.nodeGroup?.name]), [['web', 6, 'eu_certified'], ['edge', 3, 'asia_public']]);
  t.like(groups[0]!.nodeGroup, { nodesCount: 3, minTotalCpu: 4, minFreeMemoryBytes: 16 * 2 ** 30, minFreeSsdBytes: 100 * 2 ** 30, certified: true, region: 'europe', publicIpv4: false });
  t.is(groups[0]!.diskBytes, 15 * 2 ** 30);
  t.true(groups[1]!.nodeGroup!.publicIpv4);
});

test('bad configs are named: YAML syntax, an unknown node group, a field out of tfrobot\'s limits', (t) => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'node_groups:\n  - name: a\n   nodes_count: 1\n');
  t.throws(() => readTfrobotConfig(bad), { instanceOf: InputError, message: /bad\.yaml.*not YAML/ });
  const config = { node_groups: [{ name: 'a', nodes_count: 1, free_cpu: 1, free_mru: 1 }], vms: [{ name: 'v', vms_count: 1, node_group: 'b', cpu: 1, mem: 1 }] };
  t.throws(() => tfrobotGroups(config, 'cfg.json'), { message: /vms\[0\]\.node_group.*"b" is not a node group \(there are: a\)/ });
  t.throws(() => tfrobotGroups({ ...config, vms: [{ ...config.vms[0], node_group: 'a', cpu: 64 }] }, 'cfg.json'), { message: /vms\[0\]\.cpu/ });
});

test('placement honours the node groups: the first matching nodes, VMs round robin over them', async (t) => {
  // farm100: farm-north (europe) is nodes 0–24 — 0–14 farmer-server and 21–24 storage-heavy certified,
  // 15–20 DIY; farm-east (asia) is nodes 50–74. farm-partition cuts farm-north off only at 1.5 h.
  const run = await ScenarioRun.open(scenarioWithTfrobot('farm-partition', example), { seed: '1' });
  try {
    await run.advanceTo(3600);
    const on = (group: string) => run.ctx.instances.filter((i) => i.group === group).map((i) => i.node);
    t.deepEqual(on('web'), [0, 1, 2, 0, 1, 2], 'three certified European nodes with room, in turn');
    t.deepEqual(on('edge'), [50, 51, 50], 'two Asian nodes with a free public IPv4 in their farm');
  } finally {
    await run.close();
  }
});

test('cli: run, sweep and plan take --tfrobot; a node group no region can satisfy leaves its VMs unplaced (exit 4)', async (t) => {
  const r = await cli('run', 'farm-partition', '--tfrobot', example, '--json');
  t.is(r.code, 0, r.stderr);
  const d = (JSON.parse(r.stdout) as { metrics: { deployments: { placed: number; replaced: number } } }).metrics.deployments;
  t.is(d.placed, 9);
  // farm-north is farm100's only European farm: once it is cut off, no node eu_certified accepts is
  // left, so its VMs wait for it rather than being moved out of the region they asked for.
  t.is(d.replaced, 0, 'the European VMs stay in Europe');

  const out = join(dir, 'sweep');
  const sweep = await cli('sweep', 'farm-partition', '--tfrobot', example, '--param', 'grid.farms[1].nodes[0].count=15', '--seeds', '1', '--workers', '1', '--out', out, '--json');
  t.is(sweep.code, 0, sweep.stderr);
  const plan = await cli('plan', 'farm-partition', '--tfrobot', example, '--size', 'grid.farms[3].nodes[0].count', '--demand', '1,2', '--seeds', '1', '--workers', '1', '--max-nodes', '100', '--out', join(dir, 'plan'), '--json');
  // Nodes added in the Americas cannot heal VMs bound to Europe: every level misses the healing bound (exit 1).
  t.is(plan.code, 1, plan.stderr);
  const frontier = (JSON.parse(plan.stdout) as { frontier: { sloMet: boolean; binding: string }[] }).frontier;
  t.is(frontier.length, 2);
  t.true(frontier.every((f) => !f.sloMet && /^timeToHealP99S/.test(f.binding)), frontier.map((f) => f.binding).join(' | '));

  const nowhere = join(dir, 'nowhere.json');
  writeFileSync(nowhere, JSON.stringify({ node_groups: [{ name: 'oc', nodes_count: 2, free_cpu: 1, free_mru: 1, region: 'oceania' }], vms: [{ name: 'v', vms_count: 4, node_group: 'oc', cpu: 1, mem: 1 }] }));
  const none = await cli('run', 'farm-partition', '--tfrobot', nowhere);
  t.is(none.code, 4, none.stderr);
  t.regex(none.stdout, /4 never placed/);
});

test('a node-group VM whose node dies is re-placed on a node the same group accepts: region and certification kept', async (t) => {
  const farmer = (count: number, certified: boolean) => ({ template: 'farmer-server', count, certified });
  // Nodes 0–2 in the Americas (certified), 3–4 European DIY, 5–6 European certified: spread placement
  // alone, ties to the lowest id, would take node 0; a region-only rule node 3; the group's filter node 6.
  const scenario: Scenario = {
    name: 'node-group-heal',
    description: 'two VMs of a certified European node group; their node dies for good at 10 min',
    grid: { farms: [{ name: 'us', publicIpv4Count: 0, region: 'americas', nodes: [farmer(3, true)] }, { name: 'eu', publicIpv4Count: 0, region: 'europe', nodes: [farmer(2, false), farmer(2, true)] }] },
    durationS: '2h',
    workload: [{ name: 'web', kind: 'vm', count: 2, cpu: 1, memoryBytes: 2 ** 30, diskBytes: 2 ** 30, nodeGroup: { name: 'eu', nodesCount: 1, minTotalCpu: 1, minFreeMemoryBytes: 2 ** 30, minFreeSsdBytes: 0, minFreeHddBytes: 0, publicIpv4: false, region: 'europe', certified: true } }],
    faults: [{ kind: 'crash', node: 5, atS: '10m' }],
    invariants: [{ kind: 'converged' }],
  };
  const run = await ScenarioRun.open(compileScenario(scenario, 'test'), { seed: '1' });
  try {
    await run.advanceTo(5 * 60);
    t.deepEqual(run.ctx.instances.map((i) => i.node), [5, 5], 'first placement: the first node the filter accepts');
    await run.advanceTo(2 * 3600);
    t.deepEqual(run.ctx.instances.map((i) => [i.node, i.replacements]), [[6, 1], [6, 1]], 'healed onto the other certified European node');
  } finally {
    await run.close();
  }
});
