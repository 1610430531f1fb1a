// What the reconciler may do with a deployment: copy it fresh for another node, and whether moving it
// makes sense at all. Pure functions of the documents.

import type { Deployment } from '../../workers/operations.js';
import type { DeploymentObservation } from './reconciler-types.js';

/** A create must start from version 0 with no node-side results (zos rejects anything else). */
export function freshCopy(d: Deployment): Deployment {
  return { ...d, version: 0, contract_id: 0, workloads: d.workloads.map(({ result: _result, ...w }) => ({ ...w, version: 0 })) };
}

/** Only network workloads: nothing runs there that another node could run instead. */
export function meshOnly(d: Deployment): boolean {
  return d.workloads.length > 0 && d.workloads.every((w) => w.type === 'network');
}

/** Nothing left to keep running: every reported workload is already deleted. */
export function allDeleted(d: DeploymentObservation): boolean {
  return d.workloads !== undefined && d.workloads.length > 0 && d.workloads.every((w) => w.state === 'deleted');
}
