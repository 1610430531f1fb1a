// DOMAIN.md section 5, scenarios 1–8 and the extras, each with the outcome the real system gives.
// (9–12, the zstor ones, live in test/storage/zstor-domain.test.ts.)
import test from 'ava';
import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { gracePeriodS } from '../../sim/grid/chain.js';
import { UP_WINDOW_S } from '../../sim/grid/uptime.js';
import { exampleFlistUrl, fixedExample, smallWorld, states } from '../helpers/world.js';

const GiB = 2 ** 30;

function vm(name: string, memoryBytes: number): Workload {
  return {
    version: 0,
    name,
    type: 'zmachine',
    metadata: '',
    description: '',
    data: { flist: exampleFlistUrl, size: 0, entrypoint: '/sbin/zinit init', compute_capacity: { cpu: 1, memory: memoryBytes }, mounts: [], network: { public_ip: '', planetary: false, interfaces: [{ network: 'net', ip: '10.240.1.5' }] }, env: {} },
  } as unknown as Workload;
}

function withVms(...machines: Workload[]): Deployment {
  const net = fixedExample().workloads.find((w) => w.type === 'network')!;
  return { version: 0, twin_id: 49, contract_id: 0, metadata: '', description: '', workloads: [{ ...net, name: 'net' }, ...machines] };
}

const zdbDoc: Deployment = {
  version: 0,
  twin_id: 50,
  contract_id: 0,
  metadata: '',
  description: '',
  workloads: [{ version: 0, name: 'db', type: 'zdb', metadata: '', description: '', data: { size: 10 * GiB, mode: 'user', password: 'pw', public: false } } as unknown as Workload],
};

test('5.1 SSD failure under a zmount: the VM crash-loops and is deleted; the zmount still says ok', (t) => {
  const world = smallWorld();
  const id = world.deploy(0, fixedExample());
  world.sim.run({ untilS: 600 });
  t.is(states(world, 0, id).testzmachine, 'ok');
  const disk = world.storage.vdisk(`49-${id}-zmountiaia`)!;
  world.sim.schedule(0, () => world.failSsd(0, disk.pool));
  world.sim.run({ untilS: 1200 });
  const vm = world.provision.workloadState(0, id, 'testzmachine')!;
  t.is(vm.state, 'deleted');
  t.regex(vm.message, /so many crashes/);
  t.is(states(world, 0, id).zmountiaia, 'ok', 'nothing self-heals; the record keeps saying ok');
});

test('5.2 power loss during a deployment: the job replays at boot and the deployment comes up', (t) => {
  const world = smallWorld();
  const id = world.deploy(0, fixedExample());
  // The VM boots over the hub; cut the power while it does.
  world.sim.schedule(0.5, () => world.grid.crash(0));
  world.sim.schedule(300, () => world.grid.repair(0));
  world.sim.run({ untilS: 1200 });
  t.deepEqual(states(world, 0, id), { zmountiaia: 'ok', testznetwork: 'ok', testzmachine: 'ok' });
});

test('5.2 errors are terminal across the replay: a VM that failed stays error after reboot', (t) => {
  const world = smallWorld();
  world.hub.setUp(false); // the VM fails at flist mount
  const id = world.deploy(1, fixedExample());
  world.sim.run({ untilS: 60 });
  t.is(states(world, 1, id).testzmachine, 'error');
  world.hub.setUp(true);
  world.grid.reboot(1);
  world.sim.run({ untilS: 600 });
  t.is(states(world, 1, id).testzmachine, 'error');
  t.is(states(world, 1, id).zmountiaia, 'ok');
});

test('5.3 node offline for hours: up until 80 min of silence, then down; zos never migrates', (t) => {
  const world = smallWorld();
  const id = world.deploy(2, zdbDoc);
  world.sim.run({ untilS: 100 });
  world.grid.crash(2);
  // The last uptime report was at boot (t = 0): the proxy shows up for 80 min after it.
  world.sim.run({ untilS: UP_WINDOW_S - 60 });
  t.is(world.grid.status(2, world.sim.nowS), 'up');
  world.sim.run({ untilS: UP_WINDOW_S + 60 });
  t.is(world.grid.status(2, world.sim.nowS), 'down');
  world.sim.run({ untilS: 5 * 3600 });
  t.is(world.grid.status(2, world.sim.nowS), 'down');
  t.is(states(world, 2, id).db, 'ok', 'the deployment stays where it was');
});

test('5.4 contract cancelled while the node is off: the boot-time chain sync deprovisions it', (t) => {
  const world = smallWorld();
  const id = world.deploy(2, zdbDoc);
  world.sim.run({ untilS: 100 });
  world.grid.crash(2);
  world.cancel(id);
  world.sim.run({ untilS: 3600 });
  t.is(states(world, 2, id).db, 'ok', 'an offline node hears nothing');
  world.grid.repair(2);
  world.sim.run({ untilS: 7200 });
  t.is(world.provision.deployment(2, id), undefined, 'removed from storage');
  t.is(world.provision.contractIds(2).length, 0);
  t.is(world.grid.free(2).hruBytes, world.grid.total(2).hruBytes, 'the HDD space is back');
});

test('5.5 out of funds: paused in grace, resumed on top-up, deleted after 14 days', (t) => {
  const world = smallWorld();
  const id = world.deploy(0, fixedExample());
  world.sim.run({ untilS: 600 });
  world.chain.setFunded(49, false);
  world.sim.run({ untilS: 700 });
  t.is(states(world, 0, id).testzmachine, 'paused');
  t.true(world.grid.free(0).mruBytes < world.grid.total(0).mruBytes, 'capacity is still reserved while paused');
  world.chain.setFunded(49, true);
  world.sim.run({ untilS: 800 });
  t.is(states(world, 0, id).testzmachine, 'ok');
  world.chain.setFunded(49, false);
  world.sim.run({ untilS: 900 + gracePeriodS });
  t.is(world.provision.deployment(0, id), undefined);
  t.is(world.chain.get(id)!.deletedReason, 'out of funds');
});

test('5.6 hash mismatch, wrong node or missing contract: every workload error, nothing deployed', (t) => {
  const world = smallWorld();
  // A contract for one document, a different document sent with its id.
  const contract = world.chain.createNodeContract(50, 2, zdbDoc);
  const tampered = { ...zdbDoc, contract_id: contract.id, description: 'not what was paid for' };
  world.provision.deploy(2, tampered);
  // A contract for node 3 presented to node 2.
  const elsewhere = world.chain.createNodeContract(50, 3, zdbDoc);
  world.provision.deploy(2, { ...zdbDoc, contract_id: elsewhere.id });
  // No contract at all.
  world.provision.deploy(2, { ...zdbDoc, contract_id: 999 });
  world.sim.run({ untilS: 60 });
  t.regex(world.provision.workloadState(2, contract.id, 'db')!.message, /hash does not match/);
  t.regex(world.provision.workloadState(2, elsewhere.id, 'db')!.message, /is for node 3/);
  t.regex(world.provision.workloadState(2, 999, 'db')!.message, /not found/);
  for (const id of [contract.id, elsewhere.id, 999]) t.is(states(world, 2, id).db, 'error');
  t.is(world.grid.free(2).hruBytes, world.grid.total(2).hruBytes, 'nothing reserved');
});

test('5.7 partial deployment: two VMs, memory for one: first ok, second error', (t) => {
  const world = smallWorld();
  const total = world.grid.total(0).mruBytes;
  const each = Math.floor(total * 0.5);
  const id = world.deploy(0, withVms(vm('first', each), vm('second', each)));
  world.sim.run({ untilS: 600 });
  const s = states(world, 0, id);
  t.is(s.first, 'ok');
  t.is(s.second, 'error');
  t.is(world.provision.workloadState(0, id, 'second')!.message, 'cannot fulfil required memory');
  // The client rolls back: cancelling deletes everything, including the VM that worked.
  world.cancel(id);
  world.sim.run({ untilS: 1200 });
  t.is(world.provision.deployment(0, id), undefined);
});

test('5.8 unsupported updates: a zmachine change is refused at once; a zdb shrink is unchanged', (t) => {
  const world = smallWorld();
  const doc = fixedExample();
  const id = world.deploy(0, doc);
  const db = world.deploy(2, zdbDoc);
  world.sim.run({ untilS: 600 });
  const vmChanged = {
    ...doc,
    contract_id: id,
    version: 1,
    workloads: doc.workloads.map((w) => (w.type === 'zmachine' ? { ...w, version: 1, description: 'bigger' } : w)),
  };
  t.throws(() => world.update(0, vmChanged), { message: /does not support upgrade/ });
  const shrunk = { ...zdbDoc, contract_id: db, version: 1, workloads: [{ ...zdbDoc.workloads[0]!, version: 1, data: { size: GiB, mode: 'user', password: 'pw', public: false } }] } as Deployment;
  world.update(2, shrunk);
  world.sim.run({ untilS: 1200 });
  const state = world.provision.workloadState(2, db, 'db')!;
  t.is(state.state, 'unchanged');
  t.deepEqual(state.data, world.provision.workloadState(2, db, 'db')!.history.at(-2)!.data, 'the old config keeps running');
});

test('extra: hub unreachable fails new zmachines at flist mount; running ones keep going', (t) => {
  const world = smallWorld();
  const first = world.deploy(0, fixedExample());
  world.sim.run({ untilS: 600 });
  world.hub.setUp(false);
  const second = world.deploy(1, fixedExample());
  world.sim.run({ untilS: 1200 });
  t.is(states(world, 0, first).testzmachine, 'ok');
  t.is(states(world, 1, second).testzmachine, 'error');
  t.regex(world.provision.workloadState(1, second, 'testzmachine')!.message, /flist/);
});
