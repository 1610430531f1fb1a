// SimBackend's waits: settled() in virtual time, with its timeout, the poll that catches jobs which
// change no result, and a create whose node dies under it reported as a timeout.
import test from 'ava';
import { handlers, settleTimeoutS } from '../../workers/handlers/index.js';
import { bareVmDeployment, fixedExample, inSim, simBackend, zdbDeployment } from '../helpers/sim-backend.js';

test('settled times out in virtual time while the node is off, and reports the workloads still init', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const { contractId } = await backend.createDeployment(2, zdbDeployment());
    backend.world.grid.crash(2);
    const states = await backend.settled(contractId, 50);
    t.is(backend.nowS(), 50);
    t.deepEqual(states.map((w) => w.state), ['init']);
  });
});

test('a pause that changes nothing (every workload in error) still settles, through the poll', async (t) => {
  const backend = simBackend();
  backend.world.hub.setUp(false);
  await inSim(backend.world, async () => {
    const doc = bareVmDeployment();
    const vmOnly = { ...doc, workloads: doc.workloads.filter((w) => w.type === 'zmachine') };
    const created = await handlers['deployment.create']({ kind: 'deployment.create', node: 1, deployment: vmOnly }, backend);
    t.is(created.error?.code, 'E_WORKLOAD_FAILED');
    const contractId = (created.value as { contractId: number }).contractId;
    const before = backend.nowS();
    const paused = await handlers['deployment.pause']({ kind: 'deployment.pause', contractId }, backend);
    t.is(paused.state, 'ok');
    t.true(backend.nowS() - before <= 2, `settled after ${backend.nowS() - before} s`);
  });
});

test('a create whose node dies during the boot times out, not retryable, with the contract reported', async (t) => {
  const backend = simBackend();
  backend.world.sim.schedule(0.5, () => backend.world.grid.crash(0));
  const result = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', node: 0, deployment: fixedExample() }, backend));
  t.is(result.error?.code, 'E_TIMEOUT');
  t.is(result.error?.retryable, false);
  t.regex(result.error!.message, /still init after 600 s/);
  t.is(settleTimeoutS, 600);
  t.is((result.value as { contractId: number }).contractId, 1);
});

test('nowS, world and clock are the World\'s', (t) => {
  const backend = simBackend();
  t.is(backend.clock, backend.world.sim);
  t.is(backend.nowS(), 0);
});
