// Our Z-Net self-healing in the Testbed: scenarios/ops/znet-access-loss.json powers off the access
// node of a network with hidden members; after the loss threshold the reconciler re-applies it
// through another public member, and re-applies again when the old node returns with a stale mesh.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSimTestbed } from '../../scenarios/testbed.js';
import { validateOperationList } from '../../scheduler/operations/validate.js';
import type { Operation } from '../../workers/operations.js';
import { repoRoot } from '../helpers/cli.js';

const file = join(repoRoot, 'scenarios', 'ops', 'znet-access-loss.json');
const lossOps = validateOperationList(JSON.parse(readFileSync(file, 'utf8')), file);
const key = '70/office';

async function apply(ops: readonly Operation[], reconcile: boolean) {
  const opened = await openSimTestbed({ seed: 1, reconcile });
  for (const op of ops) await opened.testbed.submit(op);
  await opened.testbed.run();
  const state = await opened.testbed.state();
  await opened.testbed.close();
  return { ...opened, state };
}

test('without the reconciler the hidden members stay cut off: the mesh is static, as in zos', async (t) => {
  const { world } = await apply(lossOps, false);
  t.false(world.grid.isOn(0));
  t.is(world.net.znets.get(key)!.accessNode, 0);
  t.is(world.net.znetMembersCutOff(key), 3);
});

test('the reconciler re-applies the network through node 1 once node 0 counts as lost, and moves nothing', async (t) => {
  const { world, state } = await apply(lossOps, true);
  t.deepEqual(state.audit!.map((e) => [e.atS, e.reason, e.network ?? e.node]), [[960, 'node-lost', 0], [960, 'znet-reapply', key]]);
  t.deepEqual(state.ops.filter((op) => op.id.startsWith('reconciler-')).map((op) => [op.kind, op.state]), [['znet.reapply', 'completed']]);
  const net = world.net.znets.get(key)!;
  t.is(net.accessNode, 1);
  t.is(net.version, 1);
  t.is(world.net.znetMembersCutOff(key), 0);
  t.is(world.chain.get(1)!.state, 'created', "node 0's piece of the mesh is not copied elsewhere");
});

test('node 0 returns with the old mesh: the reconciler re-applies again and every member reaches every other', async (t) => {
  const back: Operation = { id: 'access-on', kind: 'node.powerOn', node: 0, delayS: 2000 };
  const { world, state } = await apply([...lossOps, back], true);
  const reapplies = state.audit!.filter((e) => e.reason === 'znet-reapply').map((e) => e.atS);
  t.is(reapplies.length, 2, JSON.stringify(state.audit));
  t.true(reapplies[1]! >= 2000);
  t.true(world.grid.isOn(0));
  t.is(world.net.znets.get(key)!.version, 2);
  t.is(world.net.znetMembersCutOff(key), 0);
});
