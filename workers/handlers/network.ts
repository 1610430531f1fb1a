// Handlers of network operations: underlay link faults, a Z-Net re-apply, and one request to a gateway.
// One backend call each; a request that gets no answer is still a completed operation (status null).

import { guarded, ok, type Handler } from './handler.js';

export const linkCut: Handler<'link.cut'> = (op, backend) => guarded(async () => (await backend.cutLink(op.a, op.b), ok()));
export const linkHeal: Handler<'link.heal'> = (op, backend) => guarded(async () => (await backend.healLink(op.a, op.b), ok()));
export const znetReapply: Handler<'znet.reapply'> = (op, backend) => guarded(async () => ok(await backend.znetReapply(op.network)));
export const gatewayRequest: Handler<'gateway.request'> = (op, backend) => guarded(async () => ok(await backend.gatewayRequest(op.host)));
