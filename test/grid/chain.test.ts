import test from 'ava';
import { Simulation } from '../../sim/engine/simulation.js';
import { Chain, deploymentHash, gracePeriodS, type ChainEventKind } from '../../sim/grid/chain.js';
import type { Deployment } from '../../sim/grid/deployment.js';

const doc: Deployment = {
  version: 0,
  twin_id: 7,
  contract_id: 0,
  metadata: '',
  description: '',
  workloads: [{ version: 0, name: 'db', type: 'zdb', data: { size: 2 ** 30, mode: 'user', password: '', public: false }, metadata: '', description: '' }],
};

test('the hash ignores contract id, results and key order, and changes with the workloads', (t) => {
  const withContract = { ...doc, contract_id: 42 };
  t.is(deploymentHash(withContract), deploymentHash(doc));
  const reordered = JSON.parse(JSON.stringify({ workloads: doc.workloads, description: '', metadata: '', contract_id: 0, twin_id: 7, version: 0 })) as Deployment;
  t.is(deploymentHash(reordered), deploymentHash(doc));
  const bigger = { ...doc, workloads: [{ ...doc.workloads[0]!, data: { size: 2 ** 31, mode: 'user', password: '', public: false } }] } as Deployment;
  t.not(deploymentHash(bigger), deploymentHash(doc));
});

test('an empty wallet puts contracts in grace; a top-up restores them; 14 days deletes them', (t) => {
  const sim = new Simulation();
  const chain = new Chain(sim);
  const events: Array<[number, ChainEventKind, number]> = [];
  chain.on((kind, c) => events.push([sim.nowS, kind, c.id]));
  const a = chain.createNodeContract(7, 3, doc);
  const other = chain.createNodeContract(8, 3, doc);
  sim.schedule(100, () => chain.setFunded(7, false));
  sim.schedule(200, () => chain.setFunded(7, true));
  sim.schedule(300, () => chain.setFunded(7, false));
  sim.run();
  t.deepEqual(events, [
    [100, 'grace', a.id],
    [200, 'restored', a.id],
    [300, 'grace', a.id],
    [300 + gracePeriodS, 'cancelled', a.id],
  ]);
  t.is(a.state, 'deleted');
  t.is(a.deletedReason, 'out of funds');
  t.false(chain.isActive(a.id));
  t.true(chain.isActive(other.id));
});

test('cancel deletes at once and the grace timer never fires afterwards', (t) => {
  const sim = new Simulation();
  const chain = new Chain(sim);
  const kinds: ChainEventKind[] = [];
  chain.on((kind) => kinds.push(kind));
  const c = chain.createNodeContract(7, 1, doc);
  chain.setFunded(7, false);
  sim.schedule(10, () => chain.cancel(c.id));
  sim.run();
  t.deepEqual(kinds, ['grace', 'cancelled']);
  t.is(c.deletedReason, 'cancelled by user');
  t.throws(() => chain.updateHash(c.id, doc), { message: /not active/ });
});
