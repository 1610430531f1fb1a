import test from 'ava';
import { RngStreams } from '../../sim/engine/rng.js';
import { Simulation } from '../../sim/engine/simulation.js';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { WorkloadError, type ManagerContext } from '../../sim/grid/provision/manager.js';
import { DeviceFailedError } from '../../sim/hardware/storage-device.js';
import { createDiskManagers } from '../../sim/storage/disk-managers.js';
import { StorageRegistry } from '../../sim/storage/storage-registry.js';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { seqKey } from '../../sim/storage/zdb/namespace.js';
import { FakeGrid, type FakeNodeSpec } from '../helpers/fake-grid.js';
import { catalog, must, settle } from '../helpers/zdb.js';

const GiB = 2 ** 30;
const KiB = 1024;

function setup(spec: Partial<FakeNodeSpec> = {}) {
  const sim = new Simulation();
  const nvme = catalog.ssd('nvme-980');
  const hdd = catalog.hdd('hdd-exos-x18');
  const grid = new FakeGrid(sim, { nodesPerFarm: 1, node: { ssds: [nvme, nvme], hdds: [hdd, hdd], ssdPoolBytes: [100 * GiB, 200 * GiB], hddDiskBytes: [10 * GiB, 10 * GiB], ...spec } });
  const registry = new StorageRegistry();
  const managers = createDiskManagers(registry);
  const ctx: ManagerContext = {
    sim,
    grid,
    node: 0,
    rng: new RngStreams(1).stream('managers'),
    workloadId: (d, w) => `${d.twin_id}-${d.contract_id}-${w.name}`,
  };
  return { sim, grid, registry, managers, ctx };
}

const deployment: Deployment = { version: 0, twin_id: 7, contract_id: 42, metadata: '', description: '', workloads: [] };

function disk(name: string, size: number, type: 'zmount' | 'volume' = 'zmount'): Workload {
  return { version: 0, name, type, data: { size }, metadata: '', description: '' };
}

function zdb(name: string, size: number, mode: 'user' | 'seq' = 'user', password = 'pw'): Workload {
  return { version: 0, name, type: 'zdb', data: { size, mode, password, public: false }, metadata: '', description: '' };
}

function refused(outcome: { ok: boolean; error?: unknown }): string {
  if (outcome.ok || !(outcome.error instanceof WorkloadError)) throw new Error(`expected a WorkloadError, got ${outcome.ok ? 'success' : String(outcome.error)}`);
  return outcome.error.message;
}

test('zmount goes to the SSD pool with the most free space', (t) => {
  const { sim, registry, managers, ctx } = setup();
  const pools = [disk('a', 50 * GiB), disk('b', 50 * GiB), disk('c', 60 * GiB)].map((w) => {
    t.deepEqual(must(sim, managers.zmount.provision(ctx, deployment, w)), { volume_id: `7-42-${w.name}` });
    return registry.vdisk(`7-42-${w.name}`)!.pool;
  });
  // 100/200 free → pool 1; 100/150 → pool 1; 100/100 → the first of the tied pools.
  t.deepEqual(pools, [1, 1, 0]);
  t.deepEqual(managers.zmount.capacity(disk('a', 5)), { cru: 0, mruBytes: 0, sruBytes: 5, hruBytes: 0, ipv4: 0 });
});

test('SSD pools are never overcommitted; provisioning is idempotent; deprovision releases', (t) => {
  const { sim, grid, registry, managers, ctx } = setup({ ssdPoolBytes: [10 * GiB, 10 * GiB] });
  must(sim, managers.zmount.provision(ctx, deployment, disk('a', 8 * GiB)));
  must(sim, managers.volume.provision(ctx, deployment, disk('b', 8 * GiB, 'volume')));
  t.regex(refused(settle(sim, managers.zmount.provision(ctx, deployment, disk('c', 8 * GiB)))), /not enough storage space/);
  t.regex(refused(settle(sim, managers.zmount.provision(ctx, deployment, disk('d', 11 * GiB)))), /not enough storage space/);
  t.is(grid.ssdUsed(0, 0) + grid.ssdUsed(0, 1), 16 * GiB);
  must(sim, managers.zmount.provision(ctx, deployment, disk('a', 8 * GiB)));
  t.is(grid.ssdUsed(0, 0) + grid.ssdUsed(0, 1), 16 * GiB, 'a re-run reserves nothing more');
  must(sim, managers.zmount.deprovision(ctx, deployment, disk('a', 8 * GiB)));
  must(sim, managers.zmount.deprovision(ctx, deployment, disk('a', 8 * GiB)));
  t.is(registry.vdisk('7-42-a'), undefined);
  t.is(grid.ssdUsed(0, 0) + grid.ssdUsed(0, 1), 8 * GiB);
  must(sim, managers.zmount.provision(ctx, deployment, disk('c', 8 * GiB)));
});

test('zmount grows only while unmounted; shrinking is refused and keeps the old size', (t) => {
  const { sim, grid, registry, managers, ctx } = setup();
  must(sim, managers.zmount.provision(ctx, deployment, disk('a', 1 * GiB)));
  const pool = registry.vdisk('7-42-a')!.pool;
  registry.setMounted('7-42-a', true);
  t.true(registry.isMounted('7-42-a'));
  t.is(refused(settle(sim, managers.zmount.update!(ctx, deployment, disk('a', 1 * GiB), disk('a', 2 * GiB)))), 'disk is mounted, please delete the VM first');
  registry.setMounted('7-42-a', false);
  must(sim, managers.zmount.update!(ctx, deployment, disk('a', 1 * GiB), disk('a', 2 * GiB)));
  const vdisk = registry.vdisk('7-42-a')!;
  t.is(vdisk.sizeBytes, 2 * GiB);
  t.is(grid.ssdUsed(0, pool), 2 * GiB);
  t.true(must(sim, vdisk.write(1.5 * GiB, 4 * KiB)) > 0, 'the grown range takes IO');
  t.is(refused(settle(sim, managers.zmount.update!(ctx, deployment, disk('a', 2 * GiB), disk('a', 1 * GiB)))), 'not safe to shrink');
  t.is(vdisk.sizeBytes, 2 * GiB);
  must(sim, managers.zmount.update!(ctx, deployment, disk('a', 2 * GiB), disk('a', 2 * GiB)));
  t.is(grid.ssdUsed(0, pool), 2 * GiB);
});

test('a volume grows online (btrfs quota), a zmount does not', (t) => {
  const { sim, registry, managers, ctx } = setup();
  must(sim, managers.volume.provision(ctx, deployment, disk('v', 1 * GiB, 'volume')));
  registry.setMounted('7-42-v', true);
  must(sim, managers.volume.update!(ctx, deployment, disk('v', 1 * GiB, 'volume'), disk('v', 3 * GiB, 'volume')));
  t.is(registry.vdisk('7-42-v')!.sizeBytes, 3 * GiB);
});

test('vdisk IO latency comes from the SSD profile: an idle 4 KiB read ≈ the QD1 latency', (t) => {
  const { sim, registry, managers, ctx } = setup();
  must(sim, managers.zmount.provision(ctx, deployment, disk('a', 1 * GiB)));
  const vdisk = registry.vdisk('7-42-a')!;
  const latencyS = must(sim, vdisk.read(123 * 4 * KiB, 4 * KiB));
  // nvme-980 does 17 000 IOPS at 4 KiB QD1 random read (ANCHORS §5): 1/17 000 s per IO.
  const targetS = 1 / 17_000;
  t.true(Math.abs(latencyS / targetS - 1) < 0.05, `latency ${latencyS * 1e6} µs vs ${targetS * 1e6} µs`);
  t.is(sim.nowS, latencyS);
  const past = settle(sim, vdisk.read(1 * GiB - 2 * KiB, 4 * KiB));
  t.false(past.ok, 'an IO past the end of the disk is refused');
});

test('a failed SSD fails IO on its vdisks (single-disk pools: the data is gone)', (t) => {
  const { sim, grid, registry, managers, ctx } = setup();
  must(sim, managers.zmount.provision(ctx, deployment, disk('a', 1 * GiB)));
  const vdisk = registry.vdisk('7-42-a')!;
  must(sim, vdisk.write(0, 64 * KiB));
  grid.ssd(0, vdisk.pool).fail('injected');
  t.true(vdisk.lost);
  for (const io of [() => vdisk.read(0, 4 * KiB), () => vdisk.write(0, 4 * KiB)]) {
    const outcome = settle(sim, io());
    t.true(!outcome.ok && outcome.error instanceof DeviceFailedError);
  }
});

test('zdb: provision places a namespace on an HDD with room and reports zos result data', (t) => {
  const { sim, grid, registry, managers, ctx } = setup();
  const result = must(sim, managers.zdb.provision(ctx, deployment, zdb('db', 6 * GiB)));
  t.like(result, { Namespace: '7-42-db', Port: 9900 });
  t.true((result as { IPs: string[] }).IPs.length > 0);
  t.is(grid.hddUsed(0, 0), 6 * GiB);
  must(sim, managers.zdb.provision(ctx, deployment, zdb('db2', 6 * GiB)));
  t.is(registry.zdb('7-42-db2')!.disk, 1, 'the first disk has only 4 GiB left');
  t.regex(refused(settle(sim, managers.zdb.provision(ctx, deployment, zdb('db3', 5 * GiB)))), /no HDD/);
  must(sim, managers.zdb.provision(ctx, deployment, zdb('db', 6 * GiB)));
  t.is(grid.hddUsed(0, 0), 6 * GiB, 'idempotent');
  const ns = registry.zdbNamespace('7-42-db')!;
  t.like(ns.info(), { mode: 'user', dataLimitBytes: 6 * GiB, passwordSet: true, public: false });
  const session = registry.zdb('7-42-db')!.server.select('7-42-db', 'pw');
  t.is(must(sim, session.set('k', { sizeBytes: 100, tag: 'a' })), 'k');
  t.deepEqual(managers.zdb.capacity(zdb('db', 6)), { cru: 0, mruBytes: 0, sruBytes: 0, hruBytes: 6, ipv4: 0 });
});

test('zdb: update grows maxsize, refuses shrink and mode change; pause locks, resume unlocks; deprovision releases', (t) => {
  const { sim, grid, registry, managers, ctx } = setup();
  must(sim, managers.zdb.provision(ctx, deployment, zdb('db', 2 * GiB, 'seq')));
  must(sim, managers.zdb.update!(ctx, deployment, zdb('db', 2 * GiB, 'seq'), zdb('db', 3 * GiB, 'seq', 'new')));
  const ns = registry.zdbNamespace('7-42-db')!;
  t.is(ns.settings.maxsizeBytes, 3 * GiB);
  t.is(ns.settings.password, 'new');
  t.is(grid.hddUsed(0, 0), 3 * GiB);
  t.is(refused(settle(sim, managers.zdb.update!(ctx, deployment, zdb('db', 3 * GiB, 'seq'), zdb('db', 1 * GiB, 'seq')))), 'cannot shrink zdb namespace');
  t.is(refused(settle(sim, managers.zdb.update!(ctx, deployment, zdb('db', 3 * GiB, 'seq'), zdb('db', 3 * GiB, 'user')))), 'cannot change namespace mode');
  t.is(ns.settings.maxsizeBytes, 3 * GiB, 'the old config keeps running');
  t.regex(refused(settle(sim, managers.zdb.update!(ctx, deployment, zdb('db', 3 * GiB, 'seq'), zdb('db', 11 * GiB, 'seq')))), /not enough space/);

  const session = registry.zdb('7-42-db')!.server.select('7-42-db', 'new');
  t.is(must(sim, session.set('', { sizeBytes: 10, tag: 'a' })), seqKey(0));
  must(sim, managers.zdb.pause!(ctx, deployment, zdb('db', 3 * GiB, 'seq')));
  const locked = settle(sim, session.set('', { sizeBytes: 10 }));
  t.true(!locked.ok && locked.error instanceof ZdbError && locked.error.zdbCode === ZdbErrorCode.locked);
  t.deepEqual(must(sim, session.get(seqKey(0))), { sizeBytes: 10, tag: 'a' }, 'a paused namespace still serves reads');
  must(sim, managers.zdb.resume!(ctx, deployment, zdb('db', 3 * GiB, 'seq')));
  t.is(must(sim, session.set('', { sizeBytes: 10 })), seqKey(1));

  must(sim, managers.zdb.deprovision(ctx, deployment, zdb('db', 3 * GiB, 'seq')));
  t.is(grid.hddUsed(0, 0), 0);
  t.is(registry.zdb('7-42-db'), undefined);
  const gone = settle(sim, session.get(seqKey(0)));
  t.true(!gone.ok && gone.error instanceof ZdbError && gone.error.zdbCode === ZdbErrorCode.namespaceNotFound);
  must(sim, managers.zdb.deprovision(ctx, deployment, zdb('db', 3 * GiB, 'seq')));
  t.regex(refused(settle(sim, managers.zdb.pause!(ctx, deployment, zdb('db', 3 * GiB, 'seq')))), /does not exist/);
});
