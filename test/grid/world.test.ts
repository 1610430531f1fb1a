// The grid end to end: the real example document through contract, provision engine and managers.
import test from 'ava';
import { smallWorld, exampleDeployment, fixedExample, states } from '../helpers/world.js';

test('the shared example is rejected naming the zmachine size; with size 0 it deploys ok', (t) => {
  const world = smallWorld();
  t.throws(() => world.deploy(0, exampleDeployment()), { message: /testzmachine.*size|size.*testzmachine/ });
  const contractId = world.deploy(0, fixedExample());
  world.sim.run({ untilS: 600 });
  t.deepEqual(states(world, 0, contractId), { zmountiaia: 'ok', testznetwork: 'ok', testzmachine: 'ok' });
  const vm = world.provision.workloadState(0, contractId, 'testzmachine')!;
  t.deepEqual(vm.history.map((r) => r.state), ['init', 'ok']);
  // Boot fetched the flist over the hub: it took virtual time, not zero.
  t.true(vm.created > 0);
});

test('the zmount is attached to the VM: growing it is refused as unchanged until the VM is gone', (t) => {
  const world = smallWorld();
  const doc = fixedExample();
  const contractId = world.deploy(0, doc);
  world.sim.run({ untilS: 600 });
  const grown = {
    ...doc,
    contract_id: contractId,
    version: 1,
    workloads: doc.workloads.map((w) => (w.type === 'zmount' ? { ...w, version: 1, data: { size: 2 * 10737418240 } } : w)),
  };
  world.update(0, grown);
  world.sim.run({ untilS: 1200 });
  const disk = world.provision.workloadState(0, contractId, 'zmountiaia')!;
  t.is(disk.state, 'unchanged');
  t.regex(disk.message, /delete the VM first/);
});
