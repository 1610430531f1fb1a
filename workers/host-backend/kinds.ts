// What a HostBackend does per workload type: provision, update, deprovision, pause/resume and
// restore after a power cycle. A throw is the workload's refusal: its message becomes the result's.

import type { Workload } from '../../sim/grid/deployment.js';
import type { HostNode } from './nodes.js';
import type { HostRegistry } from './registry.js';

export interface KindContext {
  readonly node: HostNode;
  readonly registry: HostRegistry;
  /** `<twin>-<contract>-<name>`: how zos names a workload on its node. */
  readonly workloadId: string;
  readonly twin: number;
}

export interface WorkloadKind {
  /** Makes the workload exist; answers the result's `data`. */
  provision(ctx: KindContext, workload: Workload): Promise<unknown>;
  /** Absent: the type cannot change in place (validation refuses that before we get here). */
  update?(ctx: KindContext, previous: Workload, next: Workload): Promise<unknown>;
  deprovision(ctx: KindContext, workload: Workload): Promise<void>;
  pause?(ctx: KindContext, workload: Workload): Promise<void>;
  resume?(ctx: KindContext, workload: Workload): Promise<void>;
  /** After the node boots again: bring back what lived only in a process (a proxy, a machine). */
  restore?(ctx: KindContext, workload: Workload): Promise<void>;
}

/** Types recorded as given: nothing to run on a single host (networks, public IPs, logs). */
export const recordedKind: WorkloadKind = {
  provision: async () => null,
  update: async () => null,
  deprovision: async () => {},
};
