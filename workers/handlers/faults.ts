// Handlers of fault operations: node power and hardware failure, disk failure, the flist hub's reachability.
// Faults act at once; their consequences (reboot re-runs, crash loops) unfold in backend time afterwards.

import { guarded, ok, type Handler } from './handler.js';

export const nodePowerOff: Handler<'node.powerOff'> = (op, backend) => guarded(async () => (await backend.powerOff(op.node), ok()));
export const nodePowerOn: Handler<'node.powerOn'> = (op, backend) => guarded(async () => (await backend.powerOn(op.node), ok()));
export const nodeCrash: Handler<'node.crash'> = (op, backend) => guarded(async () => (await backend.crash(op.node), ok()));
export const nodeRepair: Handler<'node.repair'> = (op, backend) => guarded(async () => (await backend.repair(op.node), ok()));
export const diskFail: Handler<'disk.fail'> = (op, backend) => guarded(async () => (await backend.failDisk(op.node, op.device, op.index), ok()));
export const hubDown: Handler<'hub.down'> = (_op, backend) => guarded(async () => (await backend.setHub(false), ok()));
export const hubUp: Handler<'hub.up'> = (_op, backend) => guarded(async () => (await backend.setHub(true), ok()));
