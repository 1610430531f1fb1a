// One handler per operation kind, looked up by `kind`; the transports run operations through runOperation.
// Handlers are stateless and written against the Backend port only.

import type { Backend } from '../backend.js';
import type { Operation, OperationKind, OperationResult } from '../operations.js';
import { deploymentCreate, deploymentDelete, deploymentPause, deploymentResume, deploymentUpdate, settleTimeoutS } from './deployment.js';
import { diskFail, hubDown, hubUp, nodeCrash, nodePowerOff, nodePowerOn, nodeRepair } from './faults.js';
import type { Handler } from './handler.js';
import { gatewayRequest, linkCut, linkHeal, znetReapply } from './network.js';
import { corexKill, corexList, corexStart, flistFetch, zmachineStart, zmachineStop } from './machine.js';
import { zdbDel, zdbGet, zdbHistory, zdbSet, zstorCheck, zstorRetrieve, zstorStore } from './storage.js';

export type { Handler };
export { settleTimeoutS };

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
  'node.powerOff': nodePowerOff,
  'node.powerOn': nodePowerOn,
  'node.crash': nodeCrash,
  'node.repair': nodeRepair,
  'disk.fail': diskFail,
  'hub.down': hubDown,
  'hub.up': hubUp,
  'link.cut': linkCut,
  'link.heal': linkHeal,
  'znet.reapply': znetReapply,
  'gateway.request': gatewayRequest,
};

/** Runs an already validated operation with the handler of its kind. */
export function runOperation(op: Operation, backend: Backend): Promise<OperationResult> {
  const handler = handlers[op.kind] as Handler;
  return handler(op, backend);
}
