// The deployment handlers on a SimBackend: create (node required), update, pause, resume, delete, and
// the failures a node reports (workload errors, refusals, unknown contracts) as failed results.
import test from 'ava';
import { handlers } from '../../workers/handlers/index.js';
import type { OperationResult } from '../../workers/operations.js';
import { fixedExample, inSim, simBackend, zdbDeployment } from '../helpers/sim-backend.js';

interface DeploymentValue {
  contractId: number;
  workloads: { name: string; state: string }[];
}

const states = (r: OperationResult) => Object.fromEntries((r.value as DeploymentValue).workloads.map((w) => [w.name, w.state]));

test('create deploys on the given node, waits in virtual time, and reports every workload ok', async (t) => {
  const backend = simBackend();
  const result = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', node: 0, deployment: fixedExample() }, backend));
  t.is(result.state, 'ok', JSON.stringify(result.error));
  t.deepEqual(states(result), { zmountiaia: 'ok', testznetwork: 'ok', testzmachine: 'ok' });
  t.true(backend.nowS() > 0, 'the boot took virtual time');
  t.is((await backend.deployment((result.value as DeploymentValue).contractId))?.node, 0);
});

test('create without a node is refused: placement is the scheduler\'s job', async (t) => {
  const backend = simBackend();
  const result = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', deployment: fixedExample() }, backend));
  t.is(result.state, 'failed');
  t.is(result.error?.code, 'E_BAD_INPUT');
  t.regex(result.error!.message, /needs a node.*placement/);
});

test('create with a workload in error fails with the workload and its message, and reports the contract', async (t) => {
  const backend = simBackend();
  backend.world.hub.setUp(false); // the VM fails at flist mount
  const result = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', node: 1, deployment: fixedExample() }, backend));
  t.is(result.state, 'failed');
  t.is(result.error?.code, 'E_WORKLOAD_FAILED');
  t.is(result.error?.retryable, false);
  t.regex(result.error!.message, /testzmachine error: .*flist/);
  t.is(states(result).zmountiaia, 'ok');
  t.true((result.value as DeploymentValue).contractId >= 1);
});

test('a node that is off refuses the call: retryable, and no contract is left active', async (t) => {
  const backend = simBackend();
  backend.world.grid.powerOff(2);
  const result = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', node: 2, deployment: zdbDeployment() }, backend));
  t.deepEqual(result.error && { code: result.error.code, retryable: result.error.retryable }, { code: 'E_NODE_DOWN', retryable: true });
  t.is(backend.world.chain.get(1)?.state, 'deleted');
});

test('an unknown node and an invalid document are bad input, not crashes', async (t) => {
  const backend = simBackend();
  const missing = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', node: 99, deployment: zdbDeployment() }, backend));
  t.is(missing.error?.code, 'E_NOT_FOUND');
  const invalid = { ...zdbDeployment(), version: 3 };
  const refused = await inSim(backend.world, () => handlers['deployment.create']({ kind: 'deployment.create', node: 2, deployment: invalid }, backend));
  t.is(refused.error?.code, 'E_BAD_INPUT');
});

test('update applies the new version and waits for it; a refused update keeps the old hash on chain', async (t) => {
  const backend = simBackend();
  const GiB = 2 ** 30;
  await inSim(backend.world, async () => {
    const created = await handlers['deployment.create']({ kind: 'deployment.create', node: 2, deployment: zdbDeployment(['db']) }, backend);
    const contractId = (created.value as DeploymentValue).contractId;
    const doc = zdbDeployment(['db', 'db2']);
    const next = { ...doc, version: 1, workloads: doc.workloads.map((w) => (w.name === 'db2' ? { ...w, version: 1 } : w)) };
    const updated = await handlers['deployment.update']({ kind: 'deployment.update', contractId, deployment: next }, backend);
    t.is(updated.state, 'ok', JSON.stringify(updated.error));
    t.deepEqual(states(updated), { db: 'ok', db2: 'ok' });
    const hash = backend.world.chain.get(contractId)!.deploymentHash;
    const badVersion = await handlers['deployment.update']({ kind: 'deployment.update', contractId, deployment: { ...next, version: 5 } }, backend);
    t.is(badVersion.error?.code, 'E_BAD_INPUT');
    t.regex(badVersion.error!.message, /version must be 2/);
    t.is(backend.world.chain.get(contractId)!.deploymentHash, hash);
    // A shrink is refused by the manager: the workload reports unchanged, which the handler reports as failed.
    const shrunk = { ...next, version: 2, workloads: next.workloads.map((w) => (w.name === 'db' ? { ...w, version: 2, data: { ...(w.data as object), size: GiB } } : w)) } as typeof next;
    const refused = await handlers['deployment.update']({ kind: 'deployment.update', contractId, deployment: shrunk }, backend);
    t.is(refused.error?.code, 'E_WORKLOAD_FAILED');
    t.regex(refused.error!.message, /db unchanged/);
  });
});

test('pause, resume and delete wait for the node and report what it did', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const created = await handlers['deployment.create']({ kind: 'deployment.create', node: 0, deployment: fixedExample() }, backend);
    const contractId = (created.value as DeploymentValue).contractId;
    const paused = await handlers['deployment.pause']({ kind: 'deployment.pause', contractId }, backend);
    t.deepEqual(states(paused), { zmountiaia: 'paused', testznetwork: 'paused', testzmachine: 'paused' });
    const resumed = await handlers['deployment.resume']({ kind: 'deployment.resume', contractId }, backend);
    t.deepEqual(states(resumed), { zmountiaia: 'ok', testznetwork: 'ok', testzmachine: 'ok' });
    const deleted = await handlers['deployment.delete']({ kind: 'deployment.delete', contractId }, backend);
    t.deepEqual(deleted, { state: 'ok', value: { contractId, removed: true } });
    t.is(backend.world.grid.free(0).mruBytes, simBackend().world.grid.free(0).mruBytes, 'the memory is back');
    const again = await handlers['deployment.delete']({ kind: 'deployment.delete', contractId }, backend);
    t.is(again.error?.code, 'E_NOT_FOUND');
    const unknown = await handlers['deployment.pause']({ kind: 'deployment.pause', contractId: 999 }, backend);
    t.is(unknown.error?.code, 'E_NOT_FOUND');
  });
});

test('delete on a node that is off: the contract is cancelled now, the node lets go at boot', async (t) => {
  const backend = simBackend();
  await inSim(backend.world, async () => {
    const created = await handlers['deployment.create']({ kind: 'deployment.create', node: 2, deployment: zdbDeployment() }, backend);
    const contractId = (created.value as DeploymentValue).contractId;
    await backend.faults.crash(2);
    const deleted = await handlers['deployment.delete']({ kind: 'deployment.delete', contractId }, backend);
    t.deepEqual(deleted.value, { contractId, removed: false });
    await backend.faults.repair(2);
    await backend.settled(contractId, 600);
    t.is(await backend.deployment(contractId), undefined);
  });
});
