// Handlers of the deployment family: create, update, delete, pause, resume. Each asks the node, then
// waits in backend time until it has acted, and reports every workload's state.

import type { WorkloadView } from '../backend.js';
import { ErrorCode, WorkerErrorCode } from '../errors.js';
import { failed, guarded, ok, type Handler } from './handler.js';

/** zos gives a deployment ten minutes to come up before a client gives up on it (grid SDK default). */
export const settleTimeoutS = 600;

/** States that mean a workload did not do what was asked: `unchanged` is a refused update. */
const failedStates = new Set(['error', 'unchanged']);

/** ok when every workload is settled and none failed; otherwise the failures, one per workload. */
function report(contractId: number, workloads: readonly WorkloadView[]) {
  const value = { contractId, workloads };
  const pending = workloads.filter((w) => w.state === 'init');
  if (pending.length > 0) {
    // Not retryable: the contract exists, so another create would make a second one.
    return failed(WorkerErrorCode.timeout, `contract ${contractId}: still init after ${settleTimeoutS} s: ${pending.map((w) => w.name).join(', ')}`, false, value);
  }
  const bad = workloads.filter((w) => failedStates.has(w.state));
  if (bad.length > 0) {
    const message = bad.map((w) => `${w.name} ${w.state}: ${w.message}`).join('; ');
    return failed(WorkerErrorCode.workloadFailed, `contract ${contractId}: ${message}`, false, value);
  }
  return ok(value);
}

export const deploymentCreate: Handler<'deployment.create'> = (op, backend) =>
  guarded(async () => {
    if (op.node === undefined) {
      return failed(ErrorCode.badInput, 'deployment.create needs a node: placement is the scheduler\'s job, so submit it through the scheduler or name the node');
    }
    const { contractId } = await backend.createDeployment(op.node, op.deployment);
    return report(contractId, await backend.settled(contractId, settleTimeoutS));
  });

export const deploymentUpdate: Handler<'deployment.update'> = (op, backend) =>
  guarded(async () => {
    await backend.updateDeployment(op.contractId, op.deployment);
    return report(op.contractId, await backend.settled(op.contractId, settleTimeoutS));
  });

/** Ok once the contract is cancelled; `removed` says whether the node has already let go of it (an off node does so at boot). */
export const deploymentDelete: Handler<'deployment.delete'> = (op, backend) =>
  guarded(async () => {
    await backend.deleteDeployment(op.contractId);
    await backend.settled(op.contractId, settleTimeoutS);
    return ok({ contractId: op.contractId, removed: (await backend.deployment(op.contractId)) === undefined });
  });

export const deploymentPause: Handler<'deployment.pause'> = (op, backend) =>
  guarded(async () => {
    await backend.pauseDeployment(op.contractId);
    return ok({ contractId: op.contractId, workloads: await backend.settled(op.contractId, settleTimeoutS) });
  });

export const deploymentResume: Handler<'deployment.resume'> = (op, backend) =>
  guarded(async () => {
    await backend.resumeDeployment(op.contractId);
    return ok({ contractId: op.contractId, workloads: await backend.settled(op.contractId, settleTimeoutS) });
  });
