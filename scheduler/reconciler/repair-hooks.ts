// Which zstor frontends to ask for a repair when a node is lost: those whose backends named a zdb
// namespace on it. zdisk (ours) has no repair operation yet; its hook would sit beside this one.

import type { ZstorOp } from '../../workers/operations.js';
import type { DeploymentObservation } from './reconciler-types.js';

interface QsfsGroups {
  readonly config?: {
    readonly groups?: readonly { readonly backends?: readonly { readonly namespace?: string }[] }[];
    readonly meta?: { readonly config?: { readonly backends?: readonly { readonly namespace?: string }[] } };
  };
}

/** zos names a workload `<twin>-<contract>-<name>`; zdb namespaces and qsfs ids both use it. */
export function workloadId(d: DeploymentObservation, name: string): string {
  return `${d.deployment.twin_id}-${d.contractId}-${name}`;
}

/**
 * `zstor.check` for every qsfs that used a namespace on the lost node. There is no `zstor.repair`
 * operation; a check makes zstor read the object and, in the newer repairer, queue its rebuild
 * (DOMAIN 3.2), so it is the nearest operation that exists.
 */
export function zstorRepairOps(lost: readonly DeploymentObservation[], all: Iterable<DeploymentObservation>): ZstorOp[] {
  const namespaces = new Set<string>();
  for (const d of lost) for (const w of d.deployment.workloads) if (w.type === 'zdb') namespaces.add(workloadId(d, w.name));
  if (namespaces.size === 0) return [];
  const ops: ZstorOp[] = [];
  for (const d of all) {
    for (const w of d.deployment.workloads) {
      if (w.type !== 'qsfs') continue;
      const cfg = (w.data as QsfsGroups).config;
      const backends = [...(cfg?.groups ?? []).flatMap((g) => g.backends ?? []), ...(cfg?.meta?.config?.backends ?? [])];
      if (backends.some((b) => b.namespace !== undefined && namespaces.has(b.namespace))) {
        ops.push({ kind: 'zstor.check', qsfs: workloadId(d, w.name), path: '/' });
      }
    }
  }
  return ops;
}
