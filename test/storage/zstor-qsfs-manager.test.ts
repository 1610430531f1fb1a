import test from 'ava';
import { Rng } from '../../sim/engine/rng.js';
import type { SimEvent } from '../../sim/engine/events.js';
import type { Deployment, QsfsConfig, Workload, ZdbBackend } from '../../sim/grid/deployment.js';
import { MountRegistry } from '../../sim/grid/primitives/mount-registry.js';
import { WorkloadError, type ManagerContext } from '../../sim/grid/provision/manager.js';
import { QsfsManager } from '../../sim/storage/qsfs-manager.js';
import { makeGrid } from '../helpers/fake-grid.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const key = 'a'.repeat(64);

/** In tests a backend address names its simulated place: `node:<n>/disk:<d>`. */
function resolveBackend(b: ZdbBackend) {
  const m = /^node:(\d+)\/disk:(\d+)$/.exec(b.address);
  return m === null ? null : { node: Number(m[1]), disk: Number(m[2]), sizeLimitBytes: 100 * GiB };
}
const zdb = (node: number, disk = 0): ZdbBackend => ({ address: `node:${node}/disk:${disk}`, namespace: `ns${node}`, password: 'pw' });

function qsfsWorkload(overrides: Partial<QsfsConfig> = {}, cache = 10 * GiB): Workload<'qsfs'> {
  const config: QsfsConfig = {
    minimal_shards: 2,
    expected_shards: 4,
    redundant_groups: 0,
    redundant_nodes: 0,
    max_zdb_data_dir_size: 512,
    encryption: { algorithm: 'AES', key },
    meta: { type: 'zdb', config: { prefix: 'qs', encryption: { algorithm: 'AES', key }, backends: [zdb(8, 1), zdb(9, 1), zdb(10, 1), zdb(11, 1)] } },
    groups: [{ backends: [zdb(1), zdb(2), zdb(3)] }, { backends: [zdb(4), zdb(5), zdb(6)] }],
    compression: { algorithm: 'snappy' },
    ...overrides,
  };
  return { version: 0, name: 'qsfs1', type: 'qsfs', data: { cache, config }, metadata: '', description: '' };
}

const deployment = { version: 0, twin_id: 7, contract_id: 42, metadata: '', description: '', workloads: [] } as Deployment;

function setup() {
  const { sim, grid } = makeGrid('qsfs', { farms: 3, nodesPerFarm: 4, node: { ssdPoolBytes: [100 * GiB] } });
  const mounts = new MountRegistry();
  const manager = new QsfsManager({ resolveBackend, mounts, segmentBytes: 16 * MiB });
  const ctx: ManagerContext = { sim, grid, node: 0, rng: new Rng('qsfs-node-0'), workloadId: (d, w) => `${d.twin_id}-${d.contract_id}-${w.name}` };
  return { sim, grid, mounts, manager, ctx };
}

function outcome(ev: SimEvent<unknown>): { ok: boolean; value?: unknown; error?: unknown } {
  const out: { ok: boolean; value?: unknown; error?: unknown } = { ok: false };
  ev.onProcessed((e) => {
    e.defused = true;
    Object.assign(out, { ok: e.ok, value: e.value, error: e.error });
  });
  return out;
}

test('qsfs manager: capacity is CRU 1, MRU 1 GiB, SRU = cache', (t) => {
  const { manager } = setup();
  t.deepEqual(manager.capacity(qsfsWorkload()), { cru: 1, mruBytes: GiB, sruBytes: 10 * GiB, hruBytes: 0, ipv4: 0 });
});

test('qsfs manager: provision starts a frontend with its SSD cache, is idempotent, stores through zstor', (t) => {
  const { sim, grid, mounts, manager, ctx } = setup();
  const wl = qsfsWorkload();
  const first = outcome(manager.provision(ctx, deployment, wl));
  sim.run({ untilS: 1 });
  t.true(first.ok);
  t.deepEqual(first.value, { path: '/var/cache/modules/qsfs/mounts/7-42-qsfs1', metrics_endpoint: 'http://[node-0]:9100/metrics' });
  t.is(grid.ssdFreeBytes(0), 90 * GiB);
  t.true(mounts.isMounted(0, '7-42-qsfs1'));
  const again = outcome(manager.provision(ctx, deployment, wl));
  sim.run({ untilS: 2 });
  t.true(again.ok);
  t.is(grid.ssdFreeBytes(0), 90 * GiB, 'a re-run reserves nothing twice');
  const inst = manager.instance('7-42-qsfs1')!;
  inst.frontend.write('a.bin', 20 * MiB);
  sim.run({ untilS: 60 });
  t.true(inst.cluster.stats.stores >= 1, 'the full segment was uploaded');
});

test('qsfs manager: minimal_shards > expected_shards, unknown backends and a full SSD are refused with a message', (t) => {
  const { sim, manager, ctx } = setup();
  const bad = outcome(manager.provision(ctx, deployment, qsfsWorkload({ minimal_shards: 5, expected_shards: 4 })));
  const nowhere = outcome(manager.provision(ctx, deployment, qsfsWorkload({ groups: [{ backends: [{ address: '[::1]:9900', namespace: 'x', password: '' }] }] })));
  const big = outcome(manager.provision(ctx, deployment, qsfsWorkload({}, 500 * GiB)));
  sim.run({ untilS: 1 });
  t.true(bad.error instanceof WorkloadError);
  t.regex((bad.error as Error).message, /minimal_shards/);
  t.regex((nowhere.error as Error).message, /zstor/);
  t.regex((big.error as Error).message, /SSD/);
});

test('qsfs manager: deprovision is lazy — unmounted at a 10-min check once uploads drained, then the SSD is released', (t) => {
  const { sim, grid, mounts, manager, ctx } = setup();
  const wl = qsfsWorkload();
  manager.provision(ctx, deployment, wl);
  sim.run({ untilS: 1 });
  manager.instance('7-42-qsfs1')!.frontend.write('b.bin', 4 * MiB);
  const del = outcome(manager.deprovision(ctx, deployment, wl));
  sim.run({ untilS: 2 });
  t.true(del.ok);
  t.false(mounts.isMounted(0, '7-42-qsfs1'));
  t.is(grid.ssdFreeBytes(0), 90 * GiB, 'the container lingers');
  sim.run({ untilS: 3 * 600 + 10 });
  t.is(grid.ssdFreeBytes(0), 100 * GiB);
  t.is(manager.instance('7-42-qsfs1'), undefined);
});

test('qsfs manager: a boot re-run after the node went down brings up a fresh frontend; uploaded files survive, the cache window does not', (t) => {
  const { sim, grid, manager, ctx } = setup();
  const wl = qsfsWorkload();
  manager.provision(ctx, deployment, wl);
  sim.run({ untilS: 1 });
  const before = manager.instance('7-42-qsfs1')!.frontend;
  before.write('old.bin', 16 * MiB);
  sim.run({ untilS: 120 });
  before.write('recent.bin', 1 * MiB);
  grid.powerOff(0);
  grid.powerOn(0);
  const rerun = outcome(manager.provision(ctx, deployment, wl));
  sim.run({ untilS: 200 });
  t.true(rerun.ok);
  const after = manager.instance('7-42-qsfs1')!.frontend;
  t.not(after, before);
  t.true(after.alive);
  t.deepEqual(after.files(), ['old.bin']);
  t.is(before.fileState('recent.bin'), 'lost');
  const read = outcome(after.read('old.bin'));
  sim.run({ untilS: 300 });
  t.true(read.ok);
});
