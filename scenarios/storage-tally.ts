// The zstor objects behind a run's qsfs deployments: how many, how many degraded or lost, and their
// bytes. One tally for the live view and the report recorder alike.

import type { RunContext } from './run-context.js';

export interface StorageTally {
  /** False when the scenario deploys no qsfs. */
  readonly present: boolean;
  readonly objects: number;
  readonly degraded: number;
  readonly lost: number;
  readonly storedBytes: number;
}

export function storageTally(ctx: RunContext): StorageTally {
  const qsfsGroups = new Set(ctx.scenario.workload.filter((g) => g.kind === 'qsfs').map((g) => g.name));
  const out = { present: qsfsGroups.size > 0, objects: 0, degraded: 0, lost: 0, storedBytes: 0 };
  if (!out.present) return out;
  for (const inst of ctx.instances) {
    if (!qsfsGroups.has(inst.group)) continue;
    const q = ctx.world.qsfs.instance(`${inst.doc.twin_id}-${inst.contractId}-fs`);
    if (q === undefined) continue;
    for (const key of q.cluster.meta.keys()) {
      out.objects++;
      if (q.cluster.lost.has(key)) out.lost++;
      else if (!q.cluster.fullyRedundant(key)) out.degraded++;
      out.storedBytes += q.cluster.record(key)?.sizeBytes ?? 0;
    }
  }
  return out;
}
