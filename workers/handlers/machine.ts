// Handlers of the compute primitives: zmachine stop/start, CoreX process commands, and flist fetches
// that warm a node's cache. One backend call each.

import { ErrorCode } from '../errors.js';
import { failed, guarded, ok, type Handler } from './handler.js';

export const zmachineStart: Handler<'zmachine.start'> = (op, backend) =>
  guarded(async () => {
    await backend.zmachineStart(op.workloadId);
    return ok();
  });

export const zmachineStop: Handler<'zmachine.stop'> = (op, backend) =>
  guarded(async () => {
    await backend.zmachineStop(op.workloadId);
    return ok();
  });

export const corexList: Handler<'corex.list'> = (op, backend) => guarded(async () => ok({ processes: await backend.corexList(op.workloadId) }));

export const corexStart: Handler<'corex.start'> = (op, backend) =>
  guarded(async () => {
    if (op.command === undefined) return failed(ErrorCode.badInput, 'corex.start needs a command');
    return ok({ pid: await backend.corexStart(op.workloadId, op.command) });
  });

export const corexKill: Handler<'corex.kill'> = (op, backend) =>
  guarded(async () => {
    if (op.pid === undefined) return failed(ErrorCode.badInput, 'corex.kill needs a pid');
    await backend.corexKill(op.workloadId, op.pid);
    return ok();
  });

export const flistFetch: Handler<'flist.fetch'> = (op, backend) => guarded(async () => ok(await backend.flistFetch(op.node, op.url)));
