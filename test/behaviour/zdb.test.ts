// zdb through the port, the same on every backend: set/get/history/del, a full namespace refuses, a
// paused (locked) one refuses writes, a powered-off node answers E_NODE_DOWN and keeps its data,
// a dead HDD takes the namespace's data with it.
import type { GridObserver } from '../../workers/backend.js';
import { operationError } from '../../workers/errors.js';
import { ZdbError, ZdbErrorCode } from '../../sim/storage/zdb/errors.js';
import { behaviour, doc, MiB, namespaceOn, refusal, zdbData } from './backends.js';

behaviour('zdb: set, get, history newest first, overwrite with the same value is nil, del', async (t, b) => {
  const ns = await namespaceOn(t, b, 2);
  const zdb = b.backend;
  t.is(await zdb.zdbSet(ns, 'k', { sizeBytes: 100, tag: 'one' }), 'k');
  t.is(await zdb.zdbSet(ns, 'k', { sizeBytes: 200, tag: 'two' }), 'k');
  t.is(await zdb.zdbSet(ns, 'k', { sizeBytes: 200, tag: 'two' }), null, 'an unchanged value is not appended');
  t.deepEqual(await zdb.zdbGet(ns, 'k'), { sizeBytes: 200, tag: 'two' });
  t.deepEqual(await zdb.zdbGet(ns, 'k-untagged'), null);
  await zdb.zdbSet(ns, 'plain', { sizeBytes: 10 });
  t.deepEqual(await zdb.zdbGet(ns, 'plain'), { sizeBytes: 10 });
  const history = await zdb.zdbHistory(ns, 'k');
  t.deepEqual(history.map((h) => h.value), [{ sizeBytes: 200, tag: 'two' }, { sizeBytes: 100, tag: 'one' }]);
  t.true(history[0]!.timestampS >= history[1]!.timestampS);
  await zdb.zdbDel(ns, 'k');
  t.is(await zdb.zdbGet(ns, 'k'), null);
  const again = await refusal(t, zdb.zdbDel(ns, 'k'));
  t.like(again, { zdbCode: ZdbErrorCode.keyNotFound });
});

behaviour('zdb: a namespace full at its size (maxsize) refuses the next SET with No space; growing it makes room', async (t, b) => {
  const ns = await namespaceOn(t, b, 2, MiB);
  await b.backend.zdbSet(ns, 'a', { sizeBytes: MiB / 2 });
  await b.backend.zdbSet(ns, 'b', { sizeBytes: MiB / 2, tag: 'b' });
  const full = await refusal(t, b.backend.zdbSet(ns, 'c', { sizeBytes: 1 }));
  t.true(full instanceof ZdbError);
  t.like(full, { zdbCode: ZdbErrorCode.noSpace });
  t.regex(full.message, /No space left on this namespace/);
  t.like(operationError(full), { code: 'E_BAD_INPUT', retryable: false });
  // An overwrite may reuse the bytes of the value it replaces.
  t.is(await b.backend.zdbSet(ns, 'a', { sizeBytes: MiB / 2, tag: 'a2' }), 'a');
  // Growing the namespace (an update of its size) makes room; changing its mode is refused.
  const contractId = Number(ns.split('-')[1]);
  const update = (version: number, size: number, mode: 'user' | 'seq') => ({
    ...doc(50, []), version, workloads: [{ version, name: 'db', type: 'zdb', metadata: '', description: '', data: zdbData(size, mode) }],
  }) as never;
  await b.backend.updateDeployment(contractId, update(1, 2 * MiB, 'user'));
  t.like((await b.backend.settled(contractId, 600))[0]!, { state: 'ok' });
  t.is(await b.backend.zdbSet(ns, 'c', { sizeBytes: MiB / 2 }), 'c');
  await b.backend.updateDeployment(contractId, update(2, 2 * MiB, 'seq'));
  const refused = (await b.backend.settled(contractId, 600))[0]!;
  t.like(refused, { state: 'unchanged' });
  t.regex(refused.message, /cannot change namespace mode/);
});

behaviour('zdb: a paused deployment locks its namespace: reads go on, writes are refused until resume', async (t, b) => {
  const ns = await namespaceOn(t, b, 2);
  const contractId = Number(ns.split('-')[1]);
  await b.backend.zdbSet(ns, 'k', { sizeBytes: 5, tag: 'v' });
  await b.backend.pauseDeployment(contractId);
  t.deepEqual((await b.backend.settled(contractId, 600)).map((w) => w.state), ['paused']);
  t.deepEqual(await b.backend.zdbGet(ns, 'k'), { sizeBytes: 5, tag: 'v' });
  t.like(await refusal(t, b.backend.zdbSet(ns, 'k2', { sizeBytes: 5 })), { zdbCode: ZdbErrorCode.locked });
  await b.backend.resumeDeployment(contractId);
  t.deepEqual((await b.backend.settled(contractId, 600)).map((w) => w.state), ['ok']);
  t.is(await b.backend.zdbSet(ns, 'k2', { sizeBytes: 5 }), 'k2');
});

behaviour('zdb: node off → E_NODE_DOWN (retryable); on again → the data is still there', async (t, b) => {
  const ns = await namespaceOn(t, b, 2);
  await b.backend.zdbSet(ns, 'k', { sizeBytes: 64, tag: 'kept' });
  await b.faults.powerOff(2);
  const down = await refusal(t, b.backend.zdbGet(ns, 'k'));
  t.like(operationError(down), { code: 'E_NODE_DOWN', retryable: true });
  await b.faults.powerOn(2);
  t.deepEqual(await b.backend.zdbGet(ns, 'k'), { sizeBytes: 64, tag: 'kept' });
});

behaviour('zdb: a reboot (the injector\'s) brings the node back with its data', async (t, b) => {
  const ns = await namespaceOn(t, b, 2);
  await b.backend.zdbSet(ns, 'k', { sizeBytes: 64, tag: 'kept' });
  const observer = b.backend as unknown as GridObserver;
  await b.idle(1);
  const before = await observer.nodeStatus(2);
  await b.faults.reboot(2);
  // The simulated node boots in virtual time; a host node's processes are back when reboot() resolves.
  await b.idle(600);
  const after = await observer.nodeStatus(2);
  t.true(after.up);
  t.true(after.sinceS > before.sinceS, `up since ${before.sinceS} s, after the reboot since ${after.sinceS} s`);
  t.deepEqual(await b.backend.zdbGet(ns, 'k'), { sizeBytes: 64, tag: 'kept' });
  t.like(operationError(await refusal(t, b.faults.reboot(99))), { code: 'E_NOT_FOUND' });
});

behaviour('zdb: a failed HDD loses the namespace\'s data: reads fail', async (t, b) => {
  const ns = await namespaceOn(t, b, 2);
  await b.backend.zdbSet(ns, 'k', { sizeBytes: 64, tag: 'gone' });
  await b.faults.failDisk(2, 'hdd', 0);
  const lost = await refusal(t, b.backend.zdbGet(ns, 'k'));
  t.not(operationError(lost), undefined, `a domain error, not a crash: ${lost.message}`);
});

behaviour('zdb: unknown namespaces and nodes are E_NOT_FOUND', async (t, b) => {
  t.like(operationError(await refusal(t, b.backend.zdbGet('50-999-nope', 'k'))), { code: 'E_NOT_FOUND' });
  t.like(operationError(await refusal(t, b.faults.powerOff(99))), { code: 'E_NOT_FOUND' });
});
