import test from 'ava';
import { COREX_PID, CorexNoSuchProcessError, CorexUnavailableError, CorexUnreachableError } from '../../sim/grid/primitives/corex.js';
import { distroFlist, vmImageFlist } from '../../sim/storage/flist/generate.js';
import { GiB, MiB, deployment, machineData, makeWorld, watch, workload } from '../helpers/zmachine-fixture.js';

const ubuntu = distroFlist({ seed: 'corex', baseFileCount: 10, appFileCount: 2 });
const image = vmImageFlist({ name: 'vm', imageSizeBytes: 8 * MiB });

function boot(corex: boolean) {
  const w = makeWorld([ubuntu]);
  const d = deployment(1, [workload('vm', 'zmachine', machineData(ubuntu.url, { corex }))]);
  watch(w.sim, w.manager.provision(w.ctx(0), d, d.workloads[0]!));
  w.sim.run();
  return { w, id: '7-1-vm', d };
}

test('container mode with corex: list, start, kill processes and TTY sessions', (t) => {
  const { w, id } = boot(true);
  const corex = w.manager.corex(id);
  t.deepEqual(corex.list().map((p) => p.pid), [COREX_PID]);
  const shell = corex.start('/bin/bash');
  const worker = corex.start('python3 app.py');
  t.deepEqual([shell.pid, worker.pid], [2, 3]);
  const session = corex.tty(shell.pid);
  const root = corex.tty();
  t.true(session.isOpen && root.isOpen);
  root.close();
  t.false(root.isOpen);
  corex.kill(shell.pid);
  t.false(session.isOpen); // a TTY ends with its process
  t.deepEqual(corex.list().map((p) => p.cmd), ['/corex --ipv6 -d 7 --interface eth0', 'python3 app.py']);
  t.throws(() => corex.kill(99), { instanceOf: CorexNoSuchProcessError });
});

test('corex is unavailable without the flag and in VM mode', (t) => {
  const { w, id } = boot(false);
  t.throws(() => w.manager.corex(id), { instanceOf: CorexUnavailableError, message: /deployed without corex/ });
  const vm = makeWorld([image]);
  vm.mounts.setMounted(0, '7-2-disk', 'zmount', true);
  const d = deployment(2, [workload('disk', 'zmount', { size: GiB }), workload('vm', 'zmachine', machineData(image.url, { corex: true, mounts: [{ name: 'disk', mountpoint: '/' }] }))]);
  watch(vm.sim, vm.manager.provision(vm.ctx(0), d, d.workloads[1]!));
  vm.sim.run();
  t.is(vm.manager.machine('7-2-vm')!.state, 'running');
  t.throws(() => vm.manager.corex('7-2-vm'), { instanceOf: CorexUnavailableError, message: /VM \(image.raw\) mode/ });
});

test('corex is reachable only over the machine network and while it runs', (t) => {
  const { w, id, d } = boot(true);
  let routed = false;
  const remote = w.manager.corex(id, () => routed);
  t.throws(() => remote.list(), { instanceOf: CorexUnreachableError, message: /no network path/ });
  routed = true;
  t.is(remote.list().length, 1);
  remote.start('sleep 1000');
  w.manager.crash(id);
  t.throws(() => remote.list(), { instanceOf: CorexUnreachableError, message: /not running/ });
  w.sim.run(); // the monitor restarts it: a fresh guest runs only corex
  t.deepEqual(remote.list().map((p) => p.pid), [COREX_PID]);
  watch(w.sim, w.manager.deprovision(w.ctx(0), d, d.workloads[0]!));
  w.sim.run();
  t.throws(() => remote.list(), { instanceOf: CorexUnreachableError });
  t.throws(() => w.manager.corex(id), { instanceOf: CorexUnreachableError, message: /no such machine/ });
});

test('killing corex (pid 1) crashes the machine, which the monitor restarts', (t) => {
  const { w, id } = boot(true);
  const corex = w.manager.corex(id);
  const session = corex.tty();
  corex.kill(COREX_PID);
  t.like(w.manager.machine(id), { state: 'down', crashes: 1 });
  t.false(session.isOpen);
  w.sim.run();
  t.like(w.manager.machine(id), { state: 'running', restarts: 1 });
});
