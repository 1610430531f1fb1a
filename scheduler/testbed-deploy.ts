// How Testbed.deploy turns a zos document into jobs: a deployment.create parent and, when the node
// is known, one flist.fetch child per distinct flist its zmachines boot from. Leaves out placement.

import type { Deployment, DeploymentCreate, FlistFetch, OperationBase } from '../workers/operations.js';

/** Options of Testbed.deploy: the fields every operation may carry, and the node (else placement picks). */
export interface DeployOptions extends OperationBase {
  readonly node?: number;
}

export function deployOperations(doc: Deployment, options: DeployOptions): { parent: DeploymentCreate; children: FlistFetch[] } {
  const parent: DeploymentCreate = { ...options, kind: 'deployment.create', deployment: doc };
  const node = options.node;
  if (node === undefined) return { parent, children: [] };
  const flists = new Set<string>();
  for (const workload of doc.workloads) {
    const flist = workload.type === 'zmachine' ? (workload.data as { flist?: unknown }).flist : undefined;
    if (typeof flist === 'string') flists.add(flist);
  }
  // Children are named after the parent when it has an id, so a file of operations stays readable.
  const children = [...flists].map((url, i): FlistFetch => ({
    kind: 'flist.fetch',
    node,
    url,
    ...(options.id === undefined ? {} : { id: `${options.id}/flist-${i}` }),
  }));
  return { parent, children };
}
