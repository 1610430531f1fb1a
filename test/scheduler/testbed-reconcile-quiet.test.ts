// A power change of a node that holds nothing the reconciler could move wakes no step of its own
// (scheduler/testbed-reconcile.ts, quietNode): the watch keeps the node as changed, and the next step
// that runs for another reason reads it, so the reconciler's decisions come out as before.
import test from 'ava';
import { openSimTestbed } from '../../scenarios/testbed.js';
import type { NodeStatusView } from '../../workers/backend.js';
import { zdbDeployment } from '../helpers/sim-backend.js';

/** A testbed with one zdb deployment on node 5, counting the owner's status reads per node. */
async function withCountedReads() {
  const opened = await openSimTestbed({ seed: 1, reconcile: true });
  const { testbed, backend } = opened;
  const reads = new Map<number, number>();
  const nodeStatus = backend.nodeStatus.bind(backend);
  backend.nodeStatus = (node: number): Promise<NodeStatusView> => {
    reads.set(node, (reads.get(node) ?? 0) + 1);
    return nodeStatus(node);
  };
  const created = await testbed.wait(await testbed.submit({ kind: 'deployment.create', id: 'db', node: 5, deployment: zdbDeployment() }));
  // The step after the create reads its new contract (and the changed nodes); then the loop is quiet.
  await testbed.runUntil((await testbed.state()).nowS + 300);
  return { ...opened, reads, created };
}

test('an empty node that goes down is read by no step of its own, then by the next step another node wakes', async (t) => {
  const { testbed, reads, created } = await withCountedReads();
  t.teardown(() => testbed.close());
  t.is(created.state, 'ok');
  const startS = (await testbed.state()).nowS;
  // Node 3 holds nothing: its crash wakes no step, so its status is not read in the next 10 minutes.
  await testbed.submit({ kind: 'node.crash', id: 'crash-3', node: 3 });
  await testbed.runUntil(startS + 600);
  t.is(reads.get(3) ?? 0, 0, 'no step read the empty node');
  // Node 5 holds the zdb: its crash wakes a step, which reads node 3 as well (the watch kept it).
  const node5Before = reads.get(5) ?? 0;
  await testbed.submit({ kind: 'node.crash', id: 'crash-5', node: 5 });
  await testbed.runUntil(startS + 700);
  t.is((reads.get(5) ?? 0) - node5Before, 1, 'the step after node 5 went down read it');
  t.is(reads.get(3), 1, 'and read node 3, changed since the last step');
});

test('the deferred node is handled as before: lost after the threshold, and the deployment still moves', async (t) => {
  const { testbed, world, created } = await withCountedReads();
  t.teardown(() => testbed.close());
  t.is(created.state, 'ok');
  const startS = (await testbed.state()).nowS;
  await testbed.submit({ kind: 'node.crash', id: 'crash-3', node: 3 });
  await testbed.submit({ kind: 'node.crash', id: 'crash-5', node: 5, delayS: 120 });
  await testbed.runUntil(startS + 2400);
  const audit = (await testbed.state()).audit!;
  const lost = audit.filter((e) => e.reason === 'node-lost' || e.reason === 'zstor-repair').map((e) => e.node);
  t.deepEqual(lost, [3, 5], 'both nodes counted as lost, node 3 first');
  const replaced = audit.find((e) => e.reason === 'replaced');
  t.truthy(replaced, JSON.stringify(audit.map((e) => e.reason)));
  t.not(replaced!.node, 5);
  t.not(replaced!.node, 3, 'placement knew node 3 was down');
  t.false(world.grid.isOn(3));
});
