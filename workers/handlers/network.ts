// Handlers of network operations: a Z-Net re-apply, and one request to a gateway. One backend call
// each; a request that gets no answer is still a completed operation (status null). Link faults are
// the harness's (FaultInjector), not a handler's.

import { guarded, ok, type Handler } from './handler.js';

export const znetReapply: Handler<'znet.reapply'> = (op, backend) => guarded(async () => ok(await backend.znetReapply(op.network)));
export const gatewayRequest: Handler<'gateway.request'> = (op, backend) => guarded(async () => ok(await backend.gatewayRequest(op.host)));
