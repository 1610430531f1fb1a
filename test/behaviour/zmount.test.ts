// zmounts through the port, the same on every backend: a zmount larger than the node's SSD pool is
// refused (error, nothing allocated); an update may grow one, never shrink it (unchanged).
import { operationError } from '../../workers/errors.js';
import { behaviour, deploy, doc, MiB } from './backends.js';

const PiB = 2 ** 50;

behaviour('zmount: beyond the SSD pool → the workload fails with the pool\'s reason', async (t, b) => {
  const { workloads } = await deploy(b, 0, doc(51, [{ name: 'huge', type: 'zmount', data: { size: PiB } }]));
  t.is(workloads.length, 1);
  t.like(workloads[0]!, { name: 'huge', state: 'error' });
  t.regex(workloads[0]!.message, /not enough storage space for zmount/);
});

behaviour('zmount: grow-only: a bigger size is applied, a smaller one leaves it unchanged', async (t, b) => {
  const { contractId, workloads } = await deploy(b, 0, doc(51, [{ name: 'disk', type: 'zmount', data: { size: MiB } }]));
  t.like(workloads[0]!, { state: 'ok' });
  const next = (version: number, size: number) => ({ ...doc(51, [{ name: 'disk', type: 'zmount', data: { size } }]), version, workloads: [{ version, name: 'disk', type: 'zmount', data: { size }, metadata: '', description: '' }] }) as never;
  await b.backend.updateDeployment(contractId, next(1, 2 * MiB));
  t.like((await b.backend.settled(contractId, 600))[0]!, { state: 'ok' });
  await b.backend.updateDeployment(contractId, next(2, MiB));
  const shrunk = (await b.backend.settled(contractId, 600))[0]!;
  t.like(shrunk, { state: 'unchanged' });
  t.regex(shrunk.message, /shrink/);
  // A bad version is refused by the node at once, naming it.
  const stale = await t.throwsAsync(b.backend.updateDeployment(contractId, next(2, 4 * MiB)));
  t.regex(stale.message, /new version must be 3/);
  t.like(operationError(stale), { code: 'E_BAD_INPUT' });
});

behaviour('deployments: invalid documents are refused naming the workload and field; delete removes them', async (t, b) => {
  const bad = await t.throwsAsync(b.backend.createDeployment(0, doc(51, [{ name: 'disk', type: 'zmount', data: { size: 0 } }])));
  t.regex(bad.message, /workload disk: size/);
  t.like(operationError(bad), { code: 'E_BAD_INPUT', retryable: false });
  const { contractId } = await deploy(b, 0, doc(51, [{ name: 'disk', type: 'zmount', data: { size: MiB } }]));
  await b.backend.deleteDeployment(contractId);
  await b.backend.settled(contractId, 600);
  t.is(await b.backend.deployment(contractId), undefined);
  t.like(operationError(await t.throwsAsync(b.backend.deleteDeployment(contractId))), { code: 'E_NOT_FOUND' });
  await b.faults.powerOff(1);
  t.like(operationError(await t.throwsAsync(b.backend.createDeployment(1, doc(51, [])))), { code: 'E_NODE_DOWN', retryable: true });
});

behaviour('deployments: deleted while its node is off → the node lets go at its next boot', async (t, b) => {
  const { contractId } = await deploy(b, 2, doc(51, [{ name: 'db', type: 'zdb', data: { size: MiB, mode: 'user', password: '', public: false } }]));
  const ns = `51-${contractId}-db`;
  await b.backend.zdbSet(ns, 'k', { sizeBytes: 1 });
  await b.faults.powerOff(2);
  await b.backend.deleteDeployment(contractId);
  await b.faults.powerOn(2);
  await b.idle(300);
  await b.backend.settled(contractId, 600);
  t.is(await b.backend.deployment(contractId), undefined);
  t.like(operationError(await t.throwsAsync(b.backend.zdbGet(ns, 'k'))), { code: 'E_NOT_FOUND' });
});
