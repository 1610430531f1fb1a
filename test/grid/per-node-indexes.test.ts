// The per-node (and per-twin) indexes that keep a failure's cost flat in grid size: power listeners
// of one node, a node's machines, the vdisks attached on a node, a twin's contracts. Each must act
// exactly as the scan over everything it replaced: the same things, in the same order.
import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { Chain } from '../../sim/grid/chain.js';
import type { Deployment } from '../../sim/grid/deployment.js';
import { fixedExample, smallWorld, states } from '../helpers/world.js';
import { oneFarm, setup } from './grid-helpers.js';

test('a node\'s power listeners hear only its changes, merged with the grid-wide ones in subscription order', (t) => {
  const { grid } = setup(oneFarm([{ template: 'diy-small', count: 3 }]));
  const calls: string[] = [];
  let added = false;
  grid.onPower((n, e) => calls.push(`all1 ${n} ${e}`));
  grid.onPower((n, e) => calls.push(`node1 ${n} ${e}`), 1);
  grid.onPower((n, e) => {
    calls.push(`all2 ${n} ${e}`);
    // Subscribed during a change of its node: called in the same change, last.
    if (!added) grid.onPower((n2, e2) => calls.push(`late1 ${n2} ${e2}`), 1);
    added = true;
  });
  grid.onPower((n, e) => calls.push(`node2 ${n} ${e}`), 2);
  grid.crash(1);
  grid.crash(2);
  grid.repair(1);
  t.deepEqual(calls, ['all1 1 off', 'node1 1 off', 'all2 1 off', 'late1 1 off', 'all1 2 off', 'all2 2 off', 'node2 2 off', 'all1 1 on', 'node1 1 on', 'all2 1 on', 'late1 1 on']);
  t.throws(() => grid.onPower(() => {}, 3), { message: /no node 3/ });
});

test('a node\'s power-off stops its own machines, all of them, and no other node\'s', (t) => {
  const world = smallWorld();
  const machines = (doc: Deployment, id: number) => doc.workloads.filter((w) => w.type === 'zmachine').map((w) => `${doc.twin_id}-${id}-${w.name}`);
  const docA = fixedExample();
  const docB = fixedExample({ name: 'other' });
  const onZero = [...machines(docA, world.deploy(0, docA)), ...machines(docB, world.deploy(0, docB))];
  const onOne = machines(docA, world.deploy(1, docA));
  world.sim.run({ untilS: 600 });
  for (const id of [...onZero, ...onOne]) t.is(world.zmachines.machine(id)?.state, 'running', id);
  world.grid.crash(0);
  for (const id of onZero) t.is(world.zmachines.machine(id), undefined, id);
  t.is(world.zmachines.machine(onOne[0]!)?.state, 'running');
  world.grid.repair(0);
  world.sim.run({ untilS: 1200 });
  world.grid.crash(1);
  for (const id of onZero) t.is(world.zmachines.machine(id)?.state, 'running', id);
  t.is(world.zmachines.machine(onOne[0]!), undefined);
});

test('an SSD failure crash-loops the VMs on that node\'s pool only', (t) => {
  const world = smallWorld();
  const zero = world.deploy(0, fixedExample());
  const one = world.deploy(1, fixedExample());
  world.sim.run({ untilS: 600 });
  const disk = world.storage.vdisk(`49-${one}-zmountiaia`)!;
  t.is(disk.node, 1);
  world.sim.schedule(0, () => world.failSsd(1, disk.pool));
  world.sim.run({ untilS: 1200 });
  t.is(states(world, 1, one).testzmachine, 'deleted');
  t.is(states(world, 0, zero).testzmachine, 'ok');
  t.is(world.zmachines.machine(`49-${zero}-testzmachine`)?.state, 'running');
});

test('a wallet change reaches its twin\'s live contracts only, in creation order', (t) => {
  const sim = new Simulation();
  const chain = new Chain(sim);
  const doc = fixedExample();
  const events: string[] = [];
  chain.on((kind, contract) => events.push(`${kind} ${contract.id}`));
  const ids = [7, 8, 7, 7, 8].map((twin) => chain.createNodeContract(twin, 0, doc).id);
  chain.cancel(ids[2]!);
  chain.setFunded(7, false);
  chain.setFunded(7, false);
  chain.setFunded(7, true);
  t.deepEqual(events, [`cancelled ${ids[2]}`, `grace ${ids[0]}`, `grace ${ids[3]}`, `restored ${ids[0]}`, `restored ${ids[3]}`]);
});
