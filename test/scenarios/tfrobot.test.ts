// tfrobot configs as a scenario's workload: YAML or JSON with node_groups, parsed with errors naming
// the field; the client picks each node group's nodes as tfrobot's node filter does (region,
// certified, public IPv4, free resources) and sends its VMs round robin; `run`, `sweep` and `plan`
// take it with --tfrobot.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioWithTfrobot } from '../../scenarios/load.js';
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
  t.true(d.replaced > 0, 'the European VMs are re-placed when farm-north is cut off');

  const out = join(dir, 'sweep');
  const sweep = await cli('sweep', 'farm-partition', '--tfrobot', example, '--param', 'grid.farms[1].nodes[0].count=15', '--seeds', '1', '--workers', '1', '--out', out, '--json');
  t.is(sweep.code, 0, sweep.stderr);
  const plan = await cli('plan', 'farm-partition', '--tfrobot', example, '--size', 'grid.farms[3].nodes[0].count', '--demand', '1,2', '--seeds', '1', '--workers', '1', '--max-nodes', '100', '--out', join(dir, 'plan'), '--json');
  t.is(plan.code, 0, plan.stderr);
  t.is((JSON.parse(plan.stdout) as { frontier: unknown[] }).frontier.length, 2);

  const nowhere = join(dir, 'nowhere.json');
  writeFileSync(nowhere, JSON.stringify({ node_groups: [{ name: 'oc', nodes_count: 2, free_cpu: 1, free_mru: 1, region: 'oceania' }], vms: [{ name: 'v', vms_count: 4, node_group: 'oc', cpu: 1, mem: 1 }] }));
  const none = await cli('run', 'farm-partition', '--tfrobot', nowhere);
  t.is(none.code, 4, none.stderr);
  t.regex(none.stdout, /4 never placed/);
});
