// The zdisk WorkloadManager (ours) on a fake grid: column layout from the backends, refusals, zmount-like
// update rules, idempotent provision, and a deprovision that stops the background rebuilder.
import test from 'ava';
import type { SimEvent } from '../../sim/engine/events.js';
import type { Deployment, Workload, ZdbBackend, ZdiskData } from '../../sim/grid/deployment.js';
import { WorkloadError, type ManagerContext } from '../../sim/grid/provision/manager.js';
import { ZdiskManager } from '../../sim/storage/zdisk-manager.js';
import { makeGrid } from '../helpers/fake-grid.js';
import { must, settle } from '../helpers/zdb.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Namespace `ns<node>` (or `ns<node>b`) lives on that node's disk 0; `tiny<node>` holds only 1 MiB. */
function resolveBackend(backend: ZdbBackend) {
  const match = /^(ns|tiny)(\d+)b?$/.exec(backend.namespace);
  if (match === null) return null;
  return { node: Number(match[2]), disk: 0, sizeLimitBytes: match[1] === 'tiny' ? MiB : 100 * GiB };
}

const backend = (namespace: string): ZdbBackend => ({ address: '[302::1]:9900', namespace, password: 'pw' });

function setup(options: { replaceAfterS?: number } = {}) {
  const { sim, streams, grid } = makeGrid('zdisk-manager', { farms: 2, nodesPerFarm: 5 });
  const manager = new ZdiskManager({ resolveBackend, ...options });
  const ctx: ManagerContext = { sim, grid, node: 0, rng: streams.stream('managers'), workloadId: (d, w) => `${d.twin_id}-${d.contract_id}-${w.name}` };
  return { sim, grid, manager, ctx };
}

const deployment: Deployment = { version: 0, twin_id: 7, contract_id: 42, metadata: '', description: '', workloads: [] };

function zdisk(data: Partial<ZdiskData> = {}, version = 0): Workload {
  const full: ZdiskData = { size: GiB, data_shards: 2, parity_shards: 1, backends: ['ns1', 'ns2', 'ns3', 'ns4'].map(backend), ...data };
  return { version, name: 'disk', type: 'zdisk', data: full, metadata: '', description: '' };
}

/** Like must(), but bounded: a disk holding data probes its backends for as long as it lives. */
function io<T>(sim: Parameters<typeof settle>[0], event: SimEvent<T>): T {
  let done = false;
  event.onProcessed((e) => (done = e.ok));
  sim.run({ untilS: sim.nowS + 60 });
  if (!done) throw new Error('did not succeed within 60 s');
  return event.value as T;
}

function refused(sim: Parameters<typeof settle>[0], event: SimEvent<unknown>): string {
  const outcome = settle(sim, event);
  if (outcome.ok || !(outcome.error instanceof WorkloadError)) throw new Error(`expected a WorkloadError, got ${outcome.ok ? 'success' : String(outcome.error)}`);
  return outcome.error.message;
}

test('provision lays the first k+m backends on distinct nodes out as columns, the rest as spares; it is idempotent', (t) => {
  const { sim, manager, ctx } = setup();
  // ns1b shares node 1 with ns1, so it becomes a spare and ns3 takes the third column.
  const w = zdisk({ backends: ['ns1', 'ns1b', 'ns2', 'ns3', 'ns4'].map(backend) });
  t.deepEqual(must(sim, manager.provision(ctx, deployment, w)), { volume_id: '7-42-disk' });
  const disk = manager.zdisk('7-42-disk')!;
  t.deepEqual(disk.columns.map((c) => c.node), [1, 2, 3]);
  t.is(disk.sizeBytes, GiB);
  t.is(disk.k, 2);
  must(sim, manager.provision(ctx, deployment, w));
  t.is(manager.zdisk('7-42-disk'), disk, 'a re-run keeps the disk and its shards');
  t.deepEqual(manager.capacity(w), { cru: 0, mruBytes: 0, sruBytes: 0, hruBytes: 0, ipv4: 0 });
  io(sim, disk.write(0, 16 * MiB));
  io(sim, disk.read(0, 16 * MiB));
  t.true(disk.fullyRedundant);
});

test('provision refuses backends it cannot find, on the zmachine\'s node, too small, or on too few nodes', (t) => {
  const { sim, manager, ctx } = setup();
  const cases: [string[], RegExp][] = [
    [['ns1', 'ns2', 'gone'], /backend gone .* not found/],
    [['ns0', 'ns1', 'ns2'], /ns0 .* is on this node \(0\)/],
    [['ns1', 'ns2', 'tiny3'], /tiny3 .* holds 1048576 bytes; each column of this zdisk needs \d+/],
    [['ns1', 'ns1b', 'ns2'], /need 3 backends on distinct nodes .* found 2/],
  ];
  for (const [names, message] of cases) t.regex(refused(sim, manager.provision(ctx, deployment, zdisk({ backends: names.map(backend) }))), message);
  t.is(manager.zdisk('7-42-disk'), undefined, 'nothing is left behind');
});

test('update follows zmount: same size is ok; shrink, change while mounted, and (for now) grow are refused', (t) => {
  const { sim, manager, ctx } = setup();
  must(sim, manager.provision(ctx, deployment, zdisk()));
  const id = '7-42-disk';
  const previous = zdisk();
  t.deepEqual(must(sim, manager.update(ctx, deployment, previous, zdisk({}, 1))), { volume_id: id });
  t.regex(refused(sim, manager.update(ctx, deployment, previous, zdisk({ size: GiB / 2 }, 1))), /not safe to shrink/);
  t.regex(refused(sim, manager.update(ctx, deployment, previous, zdisk({ parity_shards: 2 }, 1))), /cannot change the shards or backends/);
  t.regex(refused(sim, manager.update(ctx, deployment, previous, zdisk({ backends: ['ns1', 'ns2', 'ns3', 'ns5'].map(backend) }, 1))), /cannot change/);
  t.regex(refused(sim, manager.update(ctx, deployment, previous, zdisk({ size: 2 * GiB }, 1))), /cannot grow yet/);
  t.true(manager.setMounted(id, true));
  t.true(manager.isMounted(id));
  t.regex(refused(sim, manager.update(ctx, deployment, previous, zdisk({ size: 2 * GiB }, 1))), /mounted, please delete the VM first/);
  t.false(manager.setMounted('7-42-other', true), 'ids that are not zdisks are left alone');
  t.regex(refused(sim, manager.update(ctx, { ...deployment, contract_id: 43 }, previous, zdisk({}, 1))), /does not exist/);
});

test('deprovision stops the rebuilder: a dead column is no longer replaced, and the simulation runs dry', (t) => {
  const run = (deprovision: boolean) => {
    const { sim, grid, manager, ctx } = setup({ replaceAfterS: 60 });
    must(sim, manager.provision(ctx, deployment, zdisk({ backends: ['ns1', 'ns2', 'ns3', 'ns4'].map(backend) })));
    const disk = manager.zdisk('7-42-disk')!;
    io(sim, disk.write(0, 8 * MiB));
    if (deprovision) {
      io(sim, manager.deprovision(ctx, deployment, zdisk()));
      t.is(manager.zdisk('7-42-disk'), undefined);
    }
    grid.hdd(disk.columns[0]!.node, 0).fail('injected');
    // A live disk would probe every 30 s for ever; a stopped one leaves nothing scheduled.
    sim.run({ untilS: sim.nowS + 600 });
    return { replaced: disk.stats.replacedColumns, pending: sim.pendingCount };
  };
  const live = run(false);
  t.is(live.replaced, 1);
  t.true(live.pending > 0);
  const stopped = run(true);
  t.is(stopped.replaced, 0);
  t.is(stopped.pending, 0);
  const { sim, manager, ctx } = setup();
  t.deepEqual(must(sim, manager.deprovision(ctx, deployment, zdisk())), null, 'deprovisioning an unknown zdisk is a no-op');
});
