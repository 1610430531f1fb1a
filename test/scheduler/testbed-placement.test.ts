// Placement in the Testbed: deployments that name no node get one from the capacity index, spread
// at one instant by what earlier placements reserved, the same on every run; none fits ⇒ E_CAPACITY.
import test from 'ava';
import { openSimTestbed } from '../../scenarios/testbed.js';
import type { Deployment } from '../../workers/operations.js';
import { fixedExample } from '../helpers/world.js';

const GiB = 2 ** 30;

/** The example VM for another twin (its own network and contract), with `memoryBytes` of memory. */
function vm(twin: number, memoryBytes = 2 * GiB): Deployment {
  const doc = structuredClone(fixedExample({ memoryBytes }));
  for (const request of doc.signature_requirement?.requests ?? []) (request as { twin_id: number }).twin_id = twin;
  return { ...doc, twin_id: twin };
}

interface Created {
  contractId: number;
}

async function nodesOf(testbed: Awaited<ReturnType<typeof openSimTestbed>>['testbed'], world: Awaited<ReturnType<typeof openSimTestbed>>['world'], handles: { id: string }[]) {
  const nodes: number[] = [];
  for (const handle of handles) {
    const result = await testbed.wait(handle);
    if (result.state !== 'ok') throw new Error(`${handle.id}: ${JSON.stringify(result.error)}`);
    nodes.push(world.chain.get((result.value as Created).contractId)!.node);
  }
  return nodes;
}

test('deployments without a node submitted at one instant spread over the nodes with most free memory', async (t) => {
  const { testbed, world } = await openSimTestbed({ seed: 1 });
  const handles = [];
  for (let i = 0; i < 4; i++) handles.push(await testbed.deploy(vm(50 + i), { id: `vm-${i}` }));
  // Nodes 0–2 have 256 GiB each: every placement reserves 2 GiB, so the next one goes elsewhere.
  t.deepEqual(await nodesOf(testbed, world, handles), [0, 1, 2, 0]);
  const { ops } = await testbed.state();
  t.deepEqual(ops.map((op) => [op.id, op.state]), [
    ['vm-0', 'completed'], ['vm-0/flist-0', 'completed'],
    ['vm-1', 'completed'], ['vm-1/flist-0', 'completed'],
    ['vm-2', 'completed'], ['vm-2/flist-0', 'completed'],
    ['vm-3', 'completed'], ['vm-3/flist-0', 'completed'],
  ], 'placed deployments are flows, like deploy with a node');
  await testbed.close();
});

test('a create that names its node holds that capacity for placements at the same instant', async (t) => {
  const { testbed, world } = await openSimTestbed({ seed: 1 });
  const big = await testbed.submit({ kind: 'deployment.create', id: 'big', node: 0, deployment: vm(60, 100 * GiB) });
  const placed = await testbed.submit({ kind: 'deployment.create', id: 'placed', deployment: vm(61) });
  t.deepEqual(await nodesOf(testbed, world, [big, placed]), [0, 1]);
  await testbed.close();
});

test('after the clock moved, placement reads the grid again: deployments that ran count, finished ones are not held twice', async (t) => {
  const { testbed, world, backend } = await openSimTestbed({ seed: 1, placement: { weight: 'pack' } });
  const first = await testbed.deploy(vm(70, 200 * GiB));
  t.deepEqual(await nodesOf(testbed, world, [first]), [0]);
  const view = (await backend.nodeCapacities())[0]!;
  t.is(view.usedVcpus, 1);
  t.true(view.freeMruBytes < 31 * GiB, 'the running VM holds its memory on node 0');
  // pack takes the lowest node that fits: node 0 no longer does for 40 GiB, node 1 does.
  const second = await testbed.deploy(vm(71, 40 * GiB));
  const third = await testbed.deploy(vm(72, 20 * GiB));
  t.deepEqual(await nodesOf(testbed, world, [second, third]), [1, 0]);
  await testbed.close();
});

test('no node fits: the operation fails at once with E_CAPACITY, is listed, and nothing runs', async (t) => {
  const { testbed } = await openSimTestbed({ seed: 1 });
  const before = (await testbed.state()).gridHash;
  const events: string[] = [];
  testbed.on((e) => events.push(`${e.kind} ${e.id}`));
  const handle = await testbed.deploy(vm(80, 1024 * GiB));
  const result = await testbed.wait(handle);
  t.is(result.state, 'failed');
  t.is(result.error?.code, 'E_CAPACITY');
  t.regex(result.error?.message ?? '', /no node fits deployment of twin 80: it needs 1024\.0 GiB memory, 1 vCPU/);
  const named = await testbed.wait(await testbed.submit({ kind: 'deployment.create', id: 'huge', deployment: vm(81, 1024 * GiB) }));
  t.is(named.error?.code, 'E_CAPACITY');
  await testbed.run();
  const state = await testbed.state();
  t.deepEqual(state.ops.map((op) => [op.id, op.state, op.error?.code]), [['unplaced-1', 'failed', 'E_CAPACITY'], ['huge', 'failed', 'E_CAPACITY']]);
  t.deepEqual(events, ['queued unplaced-1', 'failed unplaced-1', 'queued huge', 'failed huge']);
  t.is(state.gridHash, before);
  await testbed.close();
});

test('placement is deterministic: the same submissions give the same nodes and state hash', async (t) => {
  const run = async () => {
    const { testbed, world } = await openSimTestbed({ seed: 9 });
    const handles = [];
    for (let i = 0; i < 6; i++) handles.push(await testbed.submit({ kind: 'deployment.create', deployment: vm(90 + i, (8 + 16 * i) * GiB) }));
    const nodes = await nodesOf(testbed, world, handles);
    await testbed.run();
    const { stateHash } = await testbed.state();
    await testbed.close();
    return { nodes, stateHash };
  };
  const [a, b] = [await run(), await run()];
  t.deepEqual(b, a);
  t.true(new Set(a.nodes).size > 1);
});

test('an invalid operation is refused before placement, naming the field', async (t) => {
  const { testbed } = await openSimTestbed({ seed: 1 });
  await t.throwsAsync(testbed.submit({ kind: 'deployment.create', deployment: { ...vm(1), workloads: 'x' } as unknown as Deployment }), { message: /field deployment: workloads: must be an array/ });
  await testbed.close();
});
