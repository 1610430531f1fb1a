// zdisk (ours, not zos) end to end on the World: zdb namespaces on several nodes, a deployment whose
// container zmachine mounts a zdisk over them, m backend nodes crashed, then replacement and repair.
import test from 'ava';
import type { SimEvent } from '../../sim/engine/events.js';
import type { Deployment, Workload, ZdbBackend } from '../../sim/grid/deployment.js';
import type { World } from '../../sim/grid/world.js';
import { fixedExample, smallWorld, states } from '../helpers/world.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const twin = 49;

/** One seq-mode zdb on each node, each in its own deployment as a client would rent them; returns the backends. */
function zdbsOn(world: World, nodes: readonly number[]): ZdbBackend[] {
  return nodes.map((node) => {
    const zdb = { version: 0, name: 'store', type: 'zdb', metadata: '', description: '', data: { size: 20 * GiB, mode: 'seq', password: 'pw', public: false } };
    const contractId = world.deploy(node, { version: 0, twin_id: twin, contract_id: 0, metadata: '', description: '', workloads: [zdb] } as unknown as Deployment);
    return { address: `[302:0:${node.toString(16)}:0::1]:9900`, namespace: `${twin}-${contractId}-store`, password: 'pw' };
  });
}

/** The shared example with its zmount swapped for a zdisk of k=2, m=2 over `backends`, mounted at /data. */
function zdiskDeployment(backends: readonly ZdbBackend[]): Deployment {
  const doc = fixedExample();
  const zdisk: Workload = { version: 0, name: 'zd', type: 'zdisk', metadata: '', description: '', data: { size: 4 * GiB, data_shards: 2, parity_shards: 2, backends } };
  const workloads = doc.workloads.map((w) => {
    if (w.type === 'zmount') return zdisk;
    if (w.type !== 'zmachine') return w;
    return { ...w, data: { ...w.data, mounts: [{ name: 'zd', mountpoint: '/data' }] } } as Workload;
  });
  return { ...doc, workloads };
}

/** Runs up to `withinS` and says whether the IO succeeded (a failure is recorded, not thrown). */
function completes(world: World, event: SimEvent<number>, withinS = 60): boolean {
  let ok = false;
  event.onProcessed((e) => {
    e.defused = true;
    ok = e.ok;
  });
  world.sim.run({ untilS: world.sim.nowS + withinS });
  return ok;
}

test('a container zmachine mounts a zdisk; it serves IO with m backend nodes crashed and is fully redundant after replacement and repair', (t) => {
  const world = smallWorld('zdisk');
  // Farmer servers 0–2 and storage nodes 5–6 have HDDs; the machine runs on node 3 (a small DIY node).
  // Columns go to 0, 1, 5, 6 in document order; node 2 is the spare.
  const backends = zdbsOn(world, [0, 1, 5, 6, 2]);
  world.sim.run({ untilS: 60 });
  const contractId = world.deploy(3, zdiskDeployment(backends));
  world.sim.run({ untilS: 600 });
  t.deepEqual(states(world, 3, contractId), { zd: 'ok', testznetwork: 'ok', testzmachine: 'ok' }, world.provision.workloadState(3, contractId, 'zd')?.message);
  const id = `${twin}-${contractId}-zd`;
  t.is(world.zmachines.machine(`${twin}-${contractId}-testzmachine`)?.mode, 'container');
  t.true(world.zdisks.isMounted(id));
  const disk = world.zdisks.zdisk(id)!;
  t.deepEqual(disk.columns.map((c) => c.node), [0, 1, 5, 6]);
  t.true(completes(world, disk.write(0, 64 * MiB)));
  t.true(disk.fullyRedundant);

  // m = 2 backend nodes fail as hardware does: off until repaired.
  world.grid.crash(5);
  world.grid.crash(6);
  t.true(completes(world, disk.read(0, 64 * MiB)), 'read with m backends lost');
  t.true(completes(world, disk.write(32 * MiB, 8 * MiB)), 'write with m backends lost');
  t.false(disk.fullyRedundant);

  // After replaceAfterS the one spare takes a lost column; the other waits for its node.
  world.sim.run({ untilS: world.sim.nowS + disk.replaceAfterS + 300 });
  t.is(disk.stats.replacedColumns, 1);
  // Both columns went down together; the rebuilder takes them in column order, so node 5's goes first.
  t.deepEqual(disk.columns.map((c) => c.node), [0, 1, 2, 6]);
  t.false(disk.fullyRedundant);
  t.true(completes(world, disk.read(0, 64 * MiB)), 'read with one column still lost');

  // The node comes back with its disk intact: its stale shards are resynced in place.
  world.grid.repair(6);
  world.sim.run({ untilS: world.sim.nowS + 600 });
  t.true(disk.fullyRedundant, `still ${disk.staleShards} stale shards`);
  t.is(disk.stats.replacedColumns, 1);
  t.true(disk.stats.rebuiltShards > 0);
});

test('a mounted zdisk keeps its size (unchanged, like a zmount), and cancelling the contract removes it', (t) => {
  const world = smallWorld('zdisk-update');
  const backends = zdbsOn(world, [0, 1, 5, 6]);
  world.sim.run({ untilS: 60 });
  const doc = zdiskDeployment(backends);
  const contractId = world.deploy(3, doc);
  world.sim.run({ untilS: 600 });
  const grown = {
    ...doc,
    contract_id: contractId,
    version: 1,
    workloads: doc.workloads.map((w) => (w.type === 'zdisk' ? ({ ...w, version: 1, data: { ...w.data, size: 8 * GiB } } as Workload) : w)),
  };
  world.update(3, grown);
  world.sim.run({ untilS: 1200 });
  const state = world.provision.workloadState(3, contractId, 'zd')!;
  t.is(state.state, 'unchanged');
  t.regex(state.message, /delete the VM first/);
  const id = `${twin}-${contractId}-zd`;
  t.is(world.zdisks.zdisk(id)!.sizeBytes, 4 * GiB);
  world.cancel(contractId);
  world.sim.run({ untilS: 1800 });
  t.is(world.zdisks.zdisk(id), undefined);
  t.false(world.zdisks.isMounted(id));
});

test('a zdisk naming a namespace that does not exist fails with the reason', (t) => {
  const world = smallWorld('zdisk-missing');
  const backends = zdbsOn(world, [0, 1, 5]);
  world.sim.run({ untilS: 60 });
  const missing = { address: '[302::9]:9900', namespace: `${twin}-999-nope`, password: 'pw' };
  const contractId = world.deploy(3, zdiskDeployment([...backends, missing]));
  world.sim.run({ untilS: 600 });
  const state = world.provision.workloadState(3, contractId, 'zd')!;
  t.is(state.state, 'error');
  t.regex(state.message, /nope .* not found/);
});
