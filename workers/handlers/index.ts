// One handler per operation kind, looked up by `kind`; the transports run operations through runOperation.
// Handlers are stateless and written against the Backend port only. Fault kinds have none that acts:
// faults are the harness's (Testbed injects them through its FaultInjector), so a job of one fails.

import type { Backend } from '../backend.js';
import { ErrorCode } from '../errors.js';
import type { FaultKind, Operation, OperationKind, OperationResult } from '../operations.js';
import { deploymentCreate, deploymentDelete, deploymentPause, deploymentResume, deploymentUpdate, settleTimeoutS } from './deployment.js';
import { failed, type Handler } from './handler.js';
import { gatewayRequest, znetReapply } from './network.js';
import { corexKill, corexList, corexStart, flistFetch, zmachineStart, zmachineStop } from './machine.js';
import { zdbDel, zdbGet, zdbHistory, zdbSet, zstorCheck, zstorRetrieve, zstorStore } from './storage.js';

export type { Handler };
export { settleTimeoutS };

/**
 * A fault that reached a worker as a job: not retryable, since no worker may act on the grid for the
 * harness. Testbed.submit never queues one; only a caller of a bare transport can.
 */
const notAJob: Handler<FaultKind> = async (op) =>
  failed(ErrorCode.badInput, `${op.kind} is a fault, not a job: the harness injects it through a FaultInjector (Testbed.submit does)`);

export const handlers: { readonly [K in OperationKind]: Handler<K> } = {
  'deployment.create': deploymentCreate,
  'deployment.update': deploymentUpdate,
  'deployment.delete': deploymentDelete,
  'deployment.pause': deploymentPause,
  'deployment.resume': deploymentResume,
  'zdb.set': zdbSet,
  'zdb.get': zdbGet,
  'zdb.del': zdbDel,
  'zdb.history': zdbHistory,
  'zstor.store': zstorStore,
  'zstor.retrieve': zstorRetrieve,
  'zstor.check': zstorCheck,
  'zmachine.start': zmachineStart,
  'zmachine.stop': zmachineStop,
  'corex.list': corexList,
  'corex.start': corexStart,
  'corex.kill': corexKill,
  'flist.fetch': flistFetch,
  'node.powerOff': notAJob,
  'node.powerOn': notAJob,
  'node.crash': notAJob,
  'node.repair': notAJob,
  'disk.fail': notAJob,
  'hub.down': notAJob,
  'hub.up': notAJob,
  'link.cut': notAJob,
  'link.heal': notAJob,
  'znet.reapply': znetReapply,
  'gateway.request': gatewayRequest,
};

/** Runs an already validated operation with the handler of its kind. */
export function runOperation(op: Operation, backend: Backend): Promise<OperationResult> {
  const handler = handlers[op.kind] as Handler;
  return handler(op, backend);
}
