import test from 'ava';
import { CRASH_LOOP_REASON } from '../../sim/grid/primitives/crash-loop.js';
import type { DecommissionEvent } from '../../sim/grid/primitives/zmachine.js';
import { WorkloadError } from '../../sim/grid/provision/manager.js';
import { BLOCK_SIZE_BYTES } from '../../sim/storage/flist/flist.js';
import { distroFlist, vmImageFlist } from '../../sim/storage/flist/generate.js';
import { HubUnreachableError } from '../../sim/storage/flist/hub.js';
import { GiB, MiB, deployment, machineData, makeWorld, watch, workload, type World } from '../helpers/zmachine-fixture.js';

const ubuntu = distroFlist({ seed: 'app', baseFileCount: 40, appFileCount: 4 });
const image = vmImageFlist({ name: 'ubuntu-22.04-vm', imageSizeBytes: 64 * MiB });
const bootBytes = ubuntu.bootPaths.reduce((sum, p) => sum + ubuntu.file(p)!.sizeBytes, 0);
const hubBandwidth = 100 * MiB;

/** Deploys one container machine on `node`, contract `contract`; returns its outcome and workload id. */
function deployContainer(w: World, node: number, contract: number, extra = {}) {
  const d = deployment(contract, [workload('vm', 'zmachine', machineData(ubuntu.url, extra))]);
  const outcome = watch(w.sim, w.manager.provision(w.ctx(node), d, d.workloads[0]!));
  return { outcome, id: `7-${contract}-vm`, d };
}

test('container boot time = (metadata + boot files) / hub bandwidth + boot work / vcpus', (t) => {
  const w = makeWorld([ubuntu]);
  const { outcome, id } = deployContainer(w, 0, 1);
  w.sim.run();
  t.true(outcome.ok, String(outcome.error));
  const expectedS = (ubuntu.metadataBytes + bootBytes) / hubBandwidth + 2 / 2;
  t.true(Math.abs(outcome.atS - expectedS) < 1e-9 * expectedS, `${outcome.atS} vs ${expectedS}`);
  const m = w.manager.machine(id)!;
  t.like(m, { state: 'running', mode: 'container', bootFetchedBytes: bootBytes });
  t.like(outcome.value, { id, ip: '10.20.2.5', console_url: '10.20.2.1:20001' });
  t.regex((outcome.value as { planetary_ip: string }).planetary_ip, /^300:/);
  t.deepEqual(w.manager.capacity(workload('vm', 'zmachine', machineData(ubuntu.url))), { cru: 2, mruBytes: 2 * GiB, sruBytes: 500 * MiB, hruBytes: 0, ipv4: 0 });
});

test('a second machine with the same flist on the node fetches nothing and boots faster; blocks are fetched once', (t) => {
  const w = makeWorld([ubuntu]);
  const first = deployContainer(w, 0, 1);
  w.sim.run();
  const startS = w.sim.nowS;
  const second = deployContainer(w, 0, 2);
  w.sim.run();
  const firstS = first.outcome.atS;
  const secondS = second.outcome.atS - startS;
  t.true(secondS < firstS);
  t.true(Math.abs(secondS - 2 / 2) < 1e-9); // CPU work only: metadata and blocks are on the node
  t.is(w.manager.machine(second.id)!.bootFetchedBytes, 0);
  const distinctBootBlocks = new Set(ubuntu.bootPaths.flatMap((p) => ubuntu.blocksOf(p).map((b) => b.hash))).size;
  t.like(w.cache(0).stats, { misses: distinctBootBlocks, fetchedBytes: bootBytes, metadataFetches: 1 });
  // Another node has its own cache and pays again.
  const third = deployContainer(w, 1, 3);
  w.sim.run();
  t.is(w.manager.machine(third.id)!.bootFetchedBytes, bootBytes);
});

test('machines booting together on a node share each block fetch', (t) => {
  const w = makeWorld([ubuntu]);
  const a = deployContainer(w, 0, 1);
  const b = deployContainer(w, 0, 2);
  w.sim.run();
  t.true(a.outcome.ok && b.outcome.ok);
  t.is(a.outcome.atS, b.outcome.atS);
  t.is(w.cache(0).stats.fetchedBytes, bootBytes);
  t.is(w.cache(0).stats.blockFetches, 1);
});

test('hub outage: a new deployment fails at flist mount; a running machine still reads its cached blocks', (t) => {
  const w = makeWorld([ubuntu]);
  const running = deployContainer(w, 0, 1);
  w.sim.run();
  w.hub.setUp(false);
  const fresh = deployContainer(w, 0, 2);
  const cached = watch(w.sim, w.manager.read(running.id, '/sbin/init'));
  const uncached = watch(w.sim, w.manager.read(running.id, '/opt/app/f0'));
  w.sim.run();
  t.false(fresh.outcome.ok);
  t.true(fresh.outcome.error instanceof WorkloadError);
  t.regex((fresh.outcome.error as Error).message, /^failed to mount flist: hub unreachable/);
  t.is(w.manager.machine(fresh.id), undefined);
  t.true(cached.ok);
  t.true(uncached.error instanceof HubUnreachableError);
  t.is(w.manager.machine(running.id)!.state, 'running');
});

test('VM mode: image.raw needs a ready zmount first; the whole image is fetched; no CoreX', (t) => {
  const w = makeWorld([image]);
  const vmData = machineData(image.url, { mounts: [{ name: 'disk', mountpoint: '/' }], corex: true });
  const d = deployment(5, [workload('disk', 'zmount', { size: 10 * GiB }), workload('vm', 'zmachine', vmData)]);
  const notReady = watch(w.sim, w.manager.provision(w.ctx(0), d, d.workloads[1]!));
  w.sim.run();
  t.regex((notReady.error as Error).message, /zmount disk is not ready/);
  w.mounts.setMounted(0, '7-5-disk', 'zmount', true);
  const ok = watch(w.sim, w.manager.provision(w.ctx(0), d, d.workloads[1]!));
  const startS = w.sim.nowS;
  w.sim.run();
  t.true(ok.ok, String(ok.error));
  t.like(w.manager.machine('7-5-vm'), { mode: 'vm', bootFetchedBytes: 64 * MiB });
  // The failed attempt already mounted the flist, so only the image and the boot work remain.
  const expectedS = (64 * MiB) / hubBandwidth + 6 / 2;
  t.true(Math.abs(ok.atS - startS - expectedS) < 1e-9);
  t.throws(() => w.manager.corex('7-5-vm'), { message: /corex unavailable: zos ignores corex in VM/ });

  const noMounts = deployment(6, [workload('vm', 'zmachine', machineData(image.url))]);
  const volumeFirst = deployment(7, [workload('v', 'volume', { size: GiB }), workload('vm', 'zmachine', machineData(image.url, { mounts: [{ name: 'v', mountpoint: '/' }] }))]);
  const e1 = watch(w.sim, w.manager.provision(w.ctx(0), noMounts, noMounts.workloads[0]!));
  const e2 = watch(w.sim, w.manager.provision(w.ctx(0), volumeFirst, volumeFirst.workloads[1]!));
  w.sim.run();
  t.regex((e1.error as Error).message, /no mounts/);
  t.regex((e2.error as Error).message, /first mount v must be a zmount, got volume/);
});

test('container mode ignores mounts: no zmount needed', (t) => {
  const w = makeWorld([ubuntu]);
  const { outcome, id } = deployContainer(w, 0, 1, { mounts: [{ name: 'data', mountpoint: '/data' }] });
  w.sim.run();
  t.true(outcome.ok);
  t.is(w.manager.machine(id)!.mode, 'container');
});

/** Boots a machine, then crashes it at the given times; returns the world, its id and decommissions seen. */
function crashAt(timesS: readonly number[]) {
  const w = makeWorld([ubuntu]);
  const { id } = deployContainer(w, 0, 1);
  const seen: DecommissionEvent[] = [];
  w.manager.onDecommission((e) => seen.push(e));
  w.sim.run();
  for (const at of timesS) w.sim.scheduleAt(at, () => void w.manager.crash(id, `oom at ${at}`));
  w.sim.run();
  return { w, id, seen };
}

test('crash loop: 3 crashes within 2 min are restarted', (t) => {
  const { w, id, seen } = crashAt([15, 45, 75]);
  t.like(w.manager.machine(id), { state: 'running', crashes: 3, restarts: 3 });
  t.deepEqual(seen, []);
});

test('crash loop: the 4th failure within 2 min of the first decommissions, even exactly at 120 s', (t) => {
  // Noticed at ticks 20, 60, 100 and 140: the 4th is 120 s after the first, still inside the window.
  const { w, id, seen } = crashAt([15, 55, 95, 135]);
  t.like(w.manager.machine(id), { state: 'decommissioned', crashes: 4, restarts: 3 });
  t.deepEqual(seen, [{ node: 0, workloadId: id, reason: CRASH_LOOP_REASON, lastCrashReason: 'oom at 135', timeS: 140 }]);
  t.false(w.manager.crash(id));
});

test('crash loop: 4 failures spread over more than 2 min leave the machine running', (t) => {
  // Noticed at 20, 60, 100 and 150: the window opened at 20 expired, so the 4th starts a new count of 1.
  const { w, id, seen } = crashAt([15, 55, 95, 145]);
  t.like(w.manager.machine(id), { state: 'running', crashes: 4, restarts: 4 });
  t.deepEqual(seen, []);
});

test('a machine down at its tick is restarted there; deprovision stops it and cancels the monitor', (t) => {
  const w = makeWorld([ubuntu]);
  const { id, d } = deployContainer(w, 0, 1);
  w.sim.run();
  t.true(w.manager.crash(id));
  t.is(w.manager.machine(id)!.state, 'down');
  watch(w.sim, w.manager.deprovision(w.ctx(0), d, d.workloads[0]!));
  w.sim.run();
  t.is(w.manager.machine(id), undefined);
  t.is(w.sim.pendingCount, 0);
});

test('provision is idempotent: a running machine answers with its result', (t) => {
  const w = makeWorld([ubuntu]);
  const { outcome, d } = deployContainer(w, 0, 1);
  const during = watch(w.sim, w.manager.provision(w.ctx(0), d, d.workloads[0]!));
  w.sim.run();
  const again = watch(w.sim, w.manager.provision(w.ctx(0), d, d.workloads[0]!));
  w.sim.run();
  t.deepEqual(during.value, outcome.value);
  t.deepEqual(again.value, outcome.value);
  t.is(w.cache(0).stats.blockFetches, 1);
});

/** Twenty machines with spontaneous crashes for an hour; the trace of decommissions and restarts. */
function crashTrace(seed: string): string {
  const w = makeWorld([ubuntu], { crashRatePerS: 1 / 40 }, hubBandwidth, seed);
  const events: string[] = [];
  w.manager.onDecommission((e) => events.push(`${e.timeS} ${e.workloadId}`));
  for (let i = 0; i < 20; i++) deployContainer(w, i % 3, 100 + i);
  w.sim.run({ untilS: 3600 });
  for (let i = 0; i < 20; i++) {
    const m = w.manager.machine(`7-${100 + i}-vm`)!;
    events.push(`${m.workloadId} ${m.state} ${m.crashes} ${m.restarts} ${m.bootEndedS}`);
  }
  return events.join('\n');
}

test('determinism: the same seed gives the same crash history, another seed a different one', (t) => {
  const a = crashTrace('s1');
  t.is(crashTrace('s1'), a);
  t.not(crashTrace('s2'), a);
  t.true(a.includes('decommissioned'));
});

test('boot blocks are 512 KiB aligned reads of whole boot files', (t) => {
  const blocks = ubuntu.bootPaths.flatMap((p) => ubuntu.blocksOf(p));
  t.true(blocks.every((b) => b.sizeBytes <= BLOCK_SIZE_BYTES));
  t.is(blocks.reduce((s, b) => s + b.sizeBytes, 0), bootBytes);
});
