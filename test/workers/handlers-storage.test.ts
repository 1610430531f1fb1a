// The storage handlers on a SimBackend: zdb set/get/del/history on a deployed namespace, zstor
// store/retrieve/check through a deployed qsfs, and the refusals they report.
import test from 'ava';
import { handlers } from '../../workers/handlers/index.js';
import { deployQsfs, inSim, simBackend, zdbDeployment } from '../helpers/sim-backend.js';

test('zdb set, get, history and del on a deployed namespace, in virtual time', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const created = await handlers['deployment.create']({ kind: 'deployment.create', node: 2, deployment: zdbDeployment() }, backend);
    const namespace = `50-${(created.value as { contractId: number }).contractId}-db`;
    const start = backend.nowS();
    t.deepEqual(await handlers['zdb.set']({ kind: 'zdb.set', namespace, key: 'k', sizeBytes: 4096, tag: 'v1' }, backend), { state: 'ok', value: { key: 'k' } });
    t.true(backend.nowS() > start, 'the HDD write took time');
    // The same data again: 0-db answers nil and appends nothing.
    t.deepEqual((await handlers['zdb.set']({ kind: 'zdb.set', namespace, key: 'k', sizeBytes: 4096, tag: 'v1' }, backend)).value, { key: null });
    await handlers['zdb.set']({ kind: 'zdb.set', namespace, key: 'k', sizeBytes: 10, tag: 'v2' }, backend);
    t.deepEqual((await handlers['zdb.get']({ kind: 'zdb.get', namespace, key: 'k' }, backend)).value, { value: { sizeBytes: 10, tag: 'v2' } });
    const history = (await handlers['zdb.history']({ kind: 'zdb.history', namespace, key: 'k' }, backend)).value as { versions: { value: unknown }[] };
    t.deepEqual(history.versions.map((v) => v.value), [{ sizeBytes: 10, tag: 'v2' }, { sizeBytes: 4096, tag: 'v1' }]);
    t.is((await handlers['zdb.del']({ kind: 'zdb.del', namespace, key: 'k' }, backend)).state, 'ok');
    t.deepEqual((await handlers['zdb.get']({ kind: 'zdb.get', namespace, key: 'k' }, backend)).value, { value: null });
    // 0-db answers HISTORY of a deleted key as of a missing one (zdbd/commands_history.c).
    const afterDelete = await handlers['zdb.history']({ kind: 'zdb.history', namespace, key: 'k' }, backend);
    t.is(afterDelete.error?.message, 'Key not found');
    const missing = await handlers['zdb.del']({ kind: 'zdb.del', namespace, key: 'k' }, backend);
    t.deepEqual(missing.error, { code: 'E_BAD_INPUT', message: 'Key not found', retryable: false });
  });
});

test('zdb refusals: unknown namespace, a node that is off, a dead disk', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const unknown = await handlers['zdb.get']({ kind: 'zdb.get', namespace: '50-9-nope', key: 'k' }, backend);
    t.is(unknown.error?.code, 'E_NOT_FOUND');
    const created = await handlers['deployment.create']({ kind: 'deployment.create', node: 2, deployment: zdbDeployment() }, backend);
    const namespace = `50-${(created.value as { contractId: number }).contractId}-db`;
    const placement = backend.world.storage.zdb(namespace)!;
    await backend.faults.powerOff(2);
    const off = await handlers['zdb.set']({ kind: 'zdb.set', namespace, key: 'k', sizeBytes: 1 }, backend);
    t.deepEqual(off.error && [off.error.code, off.error.retryable], ['E_NODE_DOWN', true]);
    await backend.faults.powerOn(2);
    await backend.faults.failDisk(2, 'hdd', placement.disk);
    const dead = await handlers['zdb.set']({ kind: 'zdb.set', namespace, key: 'k', sizeBytes: 1 }, backend);
    t.deepEqual(dead.error && [dead.error.code, dead.error.retryable], ['E_DEVICE_FAILED', false]);
  });
});

test('zstor store, check and retrieve through a qsfs: cached, then uploaded, then read back', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const { qsfs } = await deployQsfs(backend);
    const path = '/data/a';
    t.is((await handlers['zstor.store']({ kind: 'zstor.store', qsfs, path, sizeBytes: 64 * 2 ** 20 }, backend)).state, 'ok');
    t.deepEqual((await handlers['zstor.check']({ kind: 'zstor.check', qsfs, path }, backend)).value, { state: 'cached' });
    await backend.world.sim.sleep(3600); // the rotation timer closes the segment; zstor uploads it
    t.deepEqual((await handlers['zstor.check']({ kind: 'zstor.check', qsfs, path }, backend)).value, { state: 'uploaded' });
    t.deepEqual((await handlers['zstor.retrieve']({ kind: 'zstor.retrieve', qsfs, path }, backend)).value, { sizeBytes: 64 * 2 ** 20 });
    const missing = await handlers['zstor.retrieve']({ kind: 'zstor.retrieve', qsfs, path: '/nope' }, backend);
    t.is(missing.error?.code, 'E_NOT_FOUND');
    const noQsfs = await handlers['zstor.check']({ kind: 'zstor.check', qsfs: '60-99-qs', path }, backend);
    t.is(noQsfs.error?.code, 'E_NOT_FOUND');
  });
});

test('zstor store on a frontend whose node is down is retryable', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const { qsfs } = await deployQsfs(backend);
    await backend.faults.crash(0);
    const result = await handlers['zstor.store']({ kind: 'zstor.store', qsfs, path: '/x', sizeBytes: 1 }, backend);
    t.deepEqual(result.error && [result.error.code, result.error.retryable], ['E_NODE_DOWN', true]);
  });
});
