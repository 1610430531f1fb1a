// Wraps a workload manager so that other parts of the node hear when its workloads come and go,
// without the manager knowing who listens. Leaves the manager's own behaviour untouched.

import type { Deployment, Workload } from './deployment.js';
import type { ManagerContext, WorkloadManager } from './provision/manager.js';

type Hook = (ctx: ManagerContext, workloadId: string, deployment: Deployment, workload: Workload) => void;

export interface ManagerHooks {
  /** After a successful provision (re-runs included: hooks must be idempotent). */
  readonly provisioned?: Hook;
  /** After a successful deprovision. */
  readonly deprovisioned?: Hook;
}

export function withHooks(manager: WorkloadManager, hooks: ManagerHooks): WorkloadManager {
  const after = (hook: Hook | undefined) => (ctx: ManagerContext, deployment: Deployment, workload: Workload) => (event: { ok: boolean }) => {
    if (event.ok) hook?.(ctx, ctx.workloadId(deployment, workload), deployment, workload);
  };
  return {
    ...bindAll(manager),
    provision(ctx, deployment, workload) {
      const event = manager.provision(ctx, deployment, workload);
      event.onProcessed(after(hooks.provisioned)(ctx, deployment, workload));
      return event;
    },
    deprovision(ctx, deployment, workload) {
      const event = manager.deprovision(ctx, deployment, workload);
      event.onProcessed(after(hooks.deprovisioned)(ctx, deployment, workload));
      return event;
    },
  };
}

/** The manager's optional methods, bound so that `this` still works through the wrapper. */
function bindAll(manager: WorkloadManager): WorkloadManager {
  return {
    type: manager.type,
    capacity: (w) => manager.capacity(w),
    provision: (c, d, w) => manager.provision(c, d, w),
    deprovision: (c, d, w) => manager.deprovision(c, d, w),
    ...(manager.update === undefined ? {} : { update: (c, d, p, n) => manager.update!(c, d, p, n) }),
    ...(manager.pause === undefined ? {} : { pause: (c, d, w) => manager.pause!(c, d, w) }),
    ...(manager.resume === undefined ? {} : { resume: (c, d, w) => manager.resume!(c, d, w) }),
  };
}
