// The compute and fault handlers on a SimBackend: zmachine stop/start, CoreX list/start/kill, flist
// fetch into a node's cache, and node, disk and hub faults with the consequences the grid models.
import test from 'ava';
import { handlers } from '../../workers/handlers/index.js';
import type { SimBackend } from '../../workers/sim-backend.js';
import { corexDeployment, exampleFlistUrl, fixedExample, inSim, simBackend } from '../helpers/sim-backend.js';

async function deployVm(backend: SimBackend, node: number, doc = fixedExample()): Promise<string> {
  const created = await handlers['deployment.create']({ kind: 'deployment.create', node, deployment: doc }, backend);
  if (created.state !== 'ok') throw new Error(JSON.stringify(created.error));
  return `49-${(created.value as { contractId: number }).contractId}-testzmachine`;
}

test('zmachine stop pauses the VM and start runs it again; both are idempotent', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const workloadId = await deployVm(backend, 0);
    t.is((await handlers['zmachine.stop']({ kind: 'zmachine.stop', workloadId }, backend)).state, 'ok');
    t.is(backend.world.zmachines.machine(workloadId)?.state, 'paused');
    t.is((await handlers['zmachine.stop']({ kind: 'zmachine.stop', workloadId }, backend)).state, 'ok');
    t.is((await handlers['zmachine.start']({ kind: 'zmachine.start', workloadId }, backend)).state, 'ok');
    t.is(backend.world.zmachines.machine(workloadId)?.state, 'running');
    t.is((await handlers['zmachine.start']({ kind: 'zmachine.start', workloadId }, backend)).state, 'ok');
    const unknown = await handlers['zmachine.stop']({ kind: 'zmachine.stop', workloadId: '49-77-vm' }, backend);
    t.is(unknown.error?.code, 'E_NOT_FOUND');
  });
});

test('zmachine start of a crashed VM is not ready yet, and retryable: the monitor restarts it', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const workloadId = await deployVm(backend, 0);
    backend.world.zmachines.crash(workloadId);
    const result = await handlers['zmachine.start']({ kind: 'zmachine.start', workloadId }, backend);
    t.deepEqual(result.error && [result.error.code, result.error.retryable], ['E_NOT_READY', true]);
  });
});

test('corex list, start and kill on a container with CoreX; errors name the reason', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const workloadId = await deployVm(backend, 0, corexDeployment());
    const listed = await handlers['corex.list']({ kind: 'corex.list', workloadId }, backend);
    t.is((listed.value as { processes: unknown[] }).processes.length, 1);
    const started = await handlers['corex.start']({ kind: 'corex.start', workloadId, command: 'python3 app.py' }, backend);
    const pid = (started.value as { pid: number }).pid;
    t.is(pid, 2);
    t.deepEqual(((await handlers['corex.list']({ kind: 'corex.list', workloadId }, backend)).value as { processes: unknown[] }).processes.at(-1), { pid: 2, command: 'python3 app.py' });
    t.is((await handlers['corex.kill']({ kind: 'corex.kill', workloadId, pid }, backend)).state, 'ok');
    const again = await handlers['corex.kill']({ kind: 'corex.kill', workloadId, pid }, backend);
    t.is(again.error?.code, 'E_BAD_INPUT');
    t.regex(again.error!.message, /no process 2/);
    await handlers['zmachine.stop']({ kind: 'zmachine.stop', workloadId }, backend);
    const stopped = await handlers['corex.list']({ kind: 'corex.list', workloadId }, backend);
    t.deepEqual(stopped.error && [stopped.error.code, stopped.error.retryable], ['E_NOT_READY', true]);
    const vm = await deployVm(backend, 1);
    const noCorex = await handlers['corex.list']({ kind: 'corex.list', workloadId: vm }, backend);
    t.regex(noCorex.error!.message, /deployed without corex/);
  });
});

test('flist fetch warms the node cache: bytes the first time, none the second; failures are typed', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const first = await handlers['flist.fetch']({ kind: 'flist.fetch', node: 3, url: exampleFlistUrl }, backend);
    t.true((first.value as { fetchedBytes: number }).fetchedBytes > 0);
    t.true(backend.nowS() > 0, 'the transfer took virtual time');
    t.deepEqual((await handlers['flist.fetch']({ kind: 'flist.fetch', node: 3, url: exampleFlistUrl }, backend)).value, { fetchedBytes: 0 });
    const unknown = await handlers['flist.fetch']({ kind: 'flist.fetch', node: 3, url: 'https://hub.grid.tf/none.flist' }, backend); // not of a real hub's form
    t.is(unknown.error?.code, 'E_BAD_INPUT');
    await backend.faults.setHub(false);
    const down = await handlers['flist.fetch']({ kind: 'flist.fetch', node: 4, url: exampleFlistUrl }, backend);
    t.deepEqual(down.error && [down.error.code, down.error.retryable], ['E_DEVICE_FAILED', true]);
    await backend.faults.setHub(true);
    t.is((await handlers['flist.fetch']({ kind: 'flist.fetch', node: 4, url: exampleFlistUrl }, backend)).state, 'ok');
  });
});

test('node faults: power off and on, crash and repair; a deployment comes back after the boot re-run', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const workloadId = await deployVm(backend, 0);
    await backend.faults.powerOff(0);
    t.false(backend.world.grid.isOn(0));
    t.is(backend.world.zmachines.machine(workloadId), undefined);
    await backend.faults.powerOn(0);
    await backend.world.sim.sleep(600);
    t.is(backend.world.zmachines.machine(workloadId)?.state, 'running');
    await backend.faults.crash(1);
    t.false(backend.world.grid.isOn(1));
    await backend.faults.repair(1);
    t.true(backend.world.grid.isOn(1));
    t.like(await t.throwsAsync(backend.faults.crash(42)), { code: 'E_NOT_FOUND', message: 'node 42 does not exist (the grid has 7)' });
    // As a job, a fault is refused: only the harness injects faults.
    const job = await handlers['node.crash']({ kind: 'node.crash', node: 1 }, backend);
    t.like(job.error, { code: 'E_BAD_INPUT', retryable: false });
    t.true(backend.world.grid.isOn(1), 'the refused job did not touch the grid');
  });
});

test('disk.fail: an SSD under a zmount crash-loops its VM until zos deletes it; a bad index is named', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const workloadId = await deployVm(backend, 0);
    const contractId = Number(workloadId.split('-')[1]);
    const disk = backend.world.storage.vdisk(`49-${contractId}-zmountiaia`)!;
    await backend.faults.failDisk(0, 'ssd', disk.pool);
    t.true(backend.world.grid.ssd(0, disk.pool).failed, 'failed at the call, before any virtual time passes');
    await t.notThrowsAsync(backend.faults.failDisk(0, 'ssd', disk.pool), 'idempotent');
    await backend.world.sim.sleep(600);
    t.is(backend.world.provision.workloadState(0, contractId, 'testzmachine')?.state, 'deleted');
    const bad = await t.throwsAsync(backend.faults.failDisk(0, 'hdd', 9));
    t.like(bad, { code: 'E_NOT_FOUND' });
    t.regex(bad.message, /no hdd 9/);
  });
});
