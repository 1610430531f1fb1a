// The node's synchronous checks on a host: the simulator's own admission rules (so refusals read the
// same), with one waiver a single host needs: gateway backends on loopback, when the backend allows them.

import type { Deployment, Workload } from '../../sim/grid/deployment.js';
import { checkCreate, checkUpdate } from '../../sim/grid/provision/admission.js';

/** A public stand-in address (the benchmarking range Z-Net uses) that passes zos's backend rules. */
const standIn = '198.18.0.1';

export interface AdmissionOptions {
  readonly allowLoopbackBackends: boolean;
}

export function admitCreate(doc: Deployment, options: AdmissionOptions): void {
  checkCreate(forValidation(doc, options), false);
}

export function admitUpdate(previous: Deployment | undefined, next: Deployment, options: AdmissionOptions): void {
  checkUpdate(previous === undefined ? undefined : forValidation(previous, options), forValidation(next, options));
}

/** The document as zos's rules should see it: loopback gateway backends swapped for a public address. */
function forValidation(doc: Deployment, options: AdmissionOptions): Deployment {
  if (!options.allowLoopbackBackends) return doc;
  return { ...doc, workloads: doc.workloads.map(waiveLoopback) };
}

function waiveLoopback(w: Workload): Workload {
  if (w.type !== 'gateway-name-proxy' && w.type !== 'gateway-fqdn-proxy') return w;
  const data = w.data as unknown as { backends?: unknown };
  if (!Array.isArray(data.backends)) return w;
  const backends = data.backends.map((b: unknown) => (typeof b === 'string' ? b.replace(/^(https?:\/\/)(127\.\d+\.\d+\.\d+|localhost|\[::1\])/i, `$1${standIn}`) : b));
  return { ...w, data: { ...data, backends } } as unknown as Workload;
}
