// The node provision engine against DOMAIN.md 2.4: admission, FIFO, type order, terminal errors, partial
// deployments, updates, pause/resume, reboot and replay. Leaves out random sequences (provision-model.test.ts).

import test from 'ava';
import { ProvisionRejected } from '../../sim/grid/provision/admission.js';
import { basicManagers } from '../../sim/grid/provision/basic-managers.js';
import { GiB, bed, disk, doc, net, pubIp, scriptedManagers, states, vm, zdb } from './provision-fixtures.js';

const calls = (b: ReturnType<typeof bed>): string[] => b.script.calls;

test('a deployment is stored in init, then installed in type order, each with its history', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [vm('vm1', 2 * GiB, ['d']), zdb('db'), disk('d'), net()]));
  t.deepEqual(states(b, 0, 1), ['vm1:init', 'db:init', 'd:init', 'net:init']);
  b.sim.run();
  t.deepEqual(calls(b), ['provision:d@0', 'provision:net@1', 'provision:vm1@2', 'provision:db@3']);
  t.deepEqual(states(b, 0, 1), ['vm1:ok', 'db:ok', 'd:ok', 'net:ok']);
  const status = b.service.workloadState(0, 1, 'vm1')!;
  t.deepEqual(status.history.map((r) => [r.state, r.created]), [['init', 0], ['ok', 3]]);
  t.is(b.grid.memoryReservedBytes(0), 2 * GiB);
});

test('one FIFO worker per node: deployments on a node run one after the other, nodes in parallel', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [disk('a1'), disk('a2')]));
  b.service.deploy(0, doc(2, [disk('b1')]));
  b.service.deploy(1, doc(3, [disk('c1')]));
  b.sim.run();
  t.deepEqual(calls(b), ['provision:a1@0', 'provision:c1@0', 'provision:a2@1', 'provision:b1@2']);
});

test('synchronous rejections carry a stable reason and change nothing', (t) => {
  const b = bed();
  const reason = (f: () => void): string => t.throws(f, { instanceOf: ProvisionRejected })!.reason;
  t.is(reason(() => b.service.deploy(0, doc(1, [disk('bad name')]))), 'invalid');
  t.is(reason(() => b.service.deploy(0, doc(1, [disk('d')], 1))), 'bad-version');
  b.service.deploy(0, doc(1, [net(), vm('vm1'), disk('d')]));
  t.is(reason(() => b.service.deploy(0, doc(1, [disk('d')]))), 'exists');
  t.is(reason(() => b.service.update(0, doc(1, [net(), vm('vm1'), disk('d')], 2))), 'bad-version');
  t.is(reason(() => b.service.update(0, { ...doc(1, [net(), vm('vm1'), disk('d')], 1), twin_id: 7 })), 'twin-changed');
  t.is(reason(() => b.service.update(0, doc(1, [net(), vm('vm1'), zdb('d', GiB, 1)], 1))), 'type-changed');
  t.is(reason(() => b.service.update(0, doc(1, [net(), vm('vm1'), disk('d'), disk('e', GiB, 0)], 1))), 'workload-version');
  const upgrade = t.throws(() => b.service.update(0, doc(1, [net(), vm('vm1', 4 * GiB, [], 1), disk('d')], 1)), { instanceOf: ProvisionRejected })!;
  t.is(upgrade.reason, 'not-upgradable');
  t.regex(upgrade.message, /does not support upgrade/);
  t.is(upgrade.code, 'E_BAD_INPUT');
  t.is(reason(() => b.service.update(0, doc(9, [disk('d')], 1))), 'not-found');
  t.is(reason(() => b.service.cancel(1, 1)), 'not-found');
  t.is(b.service.queuedJobs(0), 1);
});

test('two VMs with memory for one: the first is ok, the second fails admission, the rest goes on', (t) => {
  const b = bed({ memoryBytes: 16 * GiB });
  b.service.deploy(0, doc(1, [net(), vm('vm1', 8 * GiB), vm('vm2', 8 * GiB), zdb('db')]));
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['net:ok', 'vm1:ok', 'vm2:error', 'db:ok']);
  t.is(b.service.workloadState(0, 1, 'vm2')!.message, 'cannot fulfil required memory');
  t.false(calls(b).some((c) => c.startsWith('provision:vm2')), 'a refused workload never reaches its manager');
  t.is(b.grid.memoryReservedBytes(0), 8 * GiB);
});

test('errors are terminal: later jobs and reboot re-runs skip them', (t) => {
  const b = bed();
  b.script.fail.add('provision:d2');
  b.service.deploy(0, doc(1, [disk('d1'), disk('d2')]));
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['d1:ok', 'd2:error']);
  t.is(b.service.workloadState(0, 1, 'd2')!.message, 'provision of d2 failed');
  b.script.fail.clear();
  b.script.calls.length = 0;
  b.grid.reboot(0);
  b.sim.run();
  t.deepEqual(calls(b), [`provision:d1@${b.sim.nowS - 1}`]);
  t.deepEqual(states(b, 0, 1), ['d1:ok', 'd2:error']);
});

test('cancel deprovisions in reverse order, releases memory and removes the deployment', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [net(), vm('vm1', 2 * GiB, ['d']), disk('d'), zdb('db')]));
  b.sim.run();
  b.script.calls.length = 0;
  b.service.cancel(0, 1);
  b.sim.run();
  t.deepEqual(calls(b).map((c) => c.split('@')[0]), ['deprovision:db', 'deprovision:vm1', 'deprovision:net', 'deprovision:d']);
  t.is(b.service.deployment(0, 1), undefined);
  t.is(b.grid.memoryReservedBytes(0), 0);
  t.deepEqual(b.changes.slice(-4), ['1/db:deleted', '1/vm1:deleted', '1/net:deleted', '1/d:deleted']);
});

test('a failed teardown leaves the workload in error and keeps the deployment until a later cancel', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [disk('d1'), disk('d2')]));
  b.sim.run();
  b.script.fail.add('deprovision:d2');
  b.service.cancel(0, 1);
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['d1:deleted', 'd2:error']);
  b.service.cancel(0, 1);
  b.sim.run();
  t.is(b.service.deployment(0, 1), undefined);
});

test('an update removes first (reverse order), then adds and updates (forward order)', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [net(), vm('vm1', 2 * GiB, ['d1']), disk('d1'), disk('d2'), zdb('db')]));
  b.sim.run();
  b.script.calls.length = 0;
  b.service.update(0, doc(1, [net(), disk('d2', 2 * GiB, 1), zdb('db'), disk('d3', GiB, 1)], 1));
  b.sim.run();
  t.deepEqual(calls(b).map((c) => c.split('@')[0]), ['deprovision:vm1', 'deprovision:d1', 'update:d2', 'provision:d3']);
  t.deepEqual(states(b, 0, 1), ['net:ok', 'vm1:deleted', 'd1:deleted', 'd2:ok', 'db:ok', 'd3:ok']);
  t.deepEqual(b.service.workloadState(0, 1, 'd2')!.data, { config: { size: 2 * GiB } });
  t.is(b.service.deployment(0, 1)!.version, 1);
  t.is(b.grid.memoryReservedBytes(0), 0);
});

test('a manager failure on update gives unchanged with its message, and the old config stays', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [disk('d')]));
  b.sim.run();
  b.script.fail.add('update:d');
  b.service.update(0, doc(1, [disk('d', 5 * GiB, 1)], 1));
  b.sim.run();
  const status = b.service.workloadState(0, 1, 'd')!;
  t.is(status.state, 'unchanged');
  t.is(status.message, 'update of d failed');
  t.deepEqual(status.data, { config: { size: GiB } });
  t.deepEqual(b.service.deployment(0, 1)!.workloads[0]!.data, { size: GiB });
  b.script.fail.clear();
  b.service.update(0, doc(1, [disk('d', 6 * GiB, 2)], 2));
  b.sim.run();
  t.deepEqual(b.service.workloadState(0, 1, 'd')!.history.map((r) => r.state), ['init', 'ok', 'unchanged', 'ok']);
});

test('pause goes in reverse order and resume forward; paused workloads keep their memory', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [net(), vm('vm1', 4 * GiB, ['d']), disk('d')]));
  b.sim.run();
  b.script.calls.length = 0;
  b.service.pause(0, 1);
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['net:paused', 'vm1:paused', 'd:paused']);
  t.is(b.grid.memoryReservedBytes(0), 4 * GiB);
  b.service.resume(0, 1);
  b.sim.run();
  t.deepEqual(calls(b).map((c) => c.split('@')[0]), ['pause:vm1', 'pause:net', 'pause:d', 'resume:d', 'resume:net', 'resume:vm1']);
  t.deepEqual(states(b, 0, 1), ['net:ok', 'vm1:ok', 'd:ok']);
  t.deepEqual(b.service.workloadState(0, 1, 'vm1')!.history.map((r) => r.state), ['init', 'ok', 'paused', 'ok']);
});

test('a reboot re-run is idempotent: same states, no new history, memory admitted once', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [net(), vm('vm1', 4 * GiB, ['d']), disk('d')]));
  b.sim.run();
  const creations = b.script.creations;
  b.grid.reboot(0);
  b.sim.run();
  t.is(b.script.creations, creations, 'nothing was created twice');
  t.deepEqual(states(b, 0, 1), ['net:ok', 'vm1:ok', 'd:ok']);
  t.is(b.service.workloadState(0, 1, 'vm1')!.history.length, 2);
  t.is(b.grid.memoryReservedBytes(0), 4 * GiB);
});

test('zos#1960: VMs that reserve nearly all memory do not all come back when actual use grew at boot', (t) => {
  const b = bed({ memoryBytes: 16 * GiB });
  b.service.deploy(0, doc(1, [net(), vm('vm1', 7 * GiB), vm('vm2', 7 * GiB)]));
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['net:ok', 'vm1:ok', 'vm2:ok']);
  b.grid.powerOff(0);
  b.script.existing.clear(); // power loss: nothing runs any more
  b.grid.setSystemMemoryBytes(0, 3 * GiB); // the system uses more than its 2 GiB reserve after boot
  b.grid.powerOn(0);
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['net:ok', 'vm1:ok', 'vm2:error']);
  t.is(b.service.workloadState(0, 1, 'vm2')!.message, 'cannot fulfil required memory');
  t.is(b.grid.memoryReservedBytes(0), 7 * GiB);
});

test('power-off mid-job: the worker stops, the job stays queued and replays at boot (at-least-once)', (t) => {
  const b = bed({ durationS: 10 });
  b.service.deploy(0, doc(1, [disk('d1'), disk('d2'), net()]));
  b.sim.run({ untilS: 15 }); // d1 done at 10, d2 in flight
  b.grid.powerOff(0);
  b.service.cancel(0, 1); // a chain event while off waits in the queue
  b.sim.run({ untilS: 50 });
  t.deepEqual(states(b, 0, 1), ['d1:ok', 'd2:init', 'net:init'], 'the stale worker recorded nothing');
  t.is(b.service.queuedJobs(0), 2);
  b.grid.powerOn(0);
  b.sim.run();
  t.deepEqual(calls(b).map((c) => c), [
    'provision:d1@0',
    'provision:d2@10',
    'provision:d1@50',
    'provision:d2@60',
    'provision:net@70',
    'deprovision:net@80',
    'deprovision:d2@90',
    'deprovision:d1@100',
  ]);
  t.deepEqual(b.changes, ['1/d1:init', '1/d2:init', '1/net:init', '1/d1:ok', '1/d2:ok', '1/net:ok', '1/net:deleted', '1/d2:deleted', '1/d1:deleted']);
  t.is(b.service.deployment(0, 1), undefined);
});

test('a node that is off refuses deployments', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [disk('d')]));
  b.grid.powerOff(0);
  t.is(t.throws(() => b.service.deploy(0, doc(2, [disk('d')])), { instanceOf: ProvisionRejected })!.reason, 'node-off');
});

test('idle nodes have no engine', (t) => {
  const b = bed({ nodes: 100_000 });
  t.is(b.service.engineCount, 0);
  b.service.deploy(99_999, doc(1, [disk('d')]));
  b.sim.run();
  t.is(b.service.engineCount, 1);
  t.is(b.service.deployment(5, 1), undefined);
});

test('basic managers: a public IPv4 per ip workload until the farm pool is empty; cancel returns it', (t) => {
  const b = bed({ ipv4Count: 1, managers: (script) => ({ ...scriptedManagers(script), ...basicManagers() }) });
  b.service.deploy(0, doc(1, [net(), pubIp('ip1'), pubIp('ip2')]));
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['net:ok', 'ip1:ok', 'ip2:error']);
  t.deepEqual(b.service.workloadState(0, 1, 'ip1')!.data, { ip: '185.69.166.10' });
  t.is(b.service.workloadState(0, 1, 'ip2')!.message, 'no public ipv4 left');
  b.grid.reboot(0);
  b.sim.run();
  t.deepEqual(b.service.workloadState(0, 1, 'ip1')!.data, { ip: '185.69.166.10' }, 'a re-run keeps its address');
  b.service.cancel(0, 1);
  b.sim.run();
  t.deepEqual(b.grid.ipv4Free(0), ['185.69.166.10']);
});

test('a manager call that fails after the node went off is dropped, and the replay decides', (t) => {
  const b = bed({ durationS: 10 });
  b.script.fail.add('provision:d1');
  b.service.deploy(0, doc(1, [disk('d1')]));
  b.sim.run({ untilS: 5 });
  b.grid.powerOff(0);
  b.sim.run({ untilS: 50 }); // the failure lands at 10 on a stale worker: no result, no crash
  t.deepEqual(states(b, 0, 1), ['d1:init']);
  b.script.fail.clear();
  b.grid.powerOn(0);
  b.sim.run();
  t.deepEqual(states(b, 0, 1), ['d1:ok']);
});

test('an `on` event for a node that is already running is not a boot', (t) => {
  const b = bed();
  b.service.deploy(0, doc(1, [disk('d')]));
  b.sim.run();
  b.grid.emitPower(0, 'on'); // a stray event: the real grid sends none for a node already on
  b.sim.run();
  t.is(b.script.calls.length, 1);
});
