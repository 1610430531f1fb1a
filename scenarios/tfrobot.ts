// tfrobot's mass-placement document (node_groups + vms, sizes in GiB) as scenario workload groups.
// Leaves out node-group filters (region, certified, public IPs): placement here is random by room.

import { InputError } from '../sim/errors.js';
import type { DistributionSpec } from '../sim/engine/distributions.js';
import { Fields } from './fields.js';
import type { DeploymentGroupSpec } from './scenario.js';

const GiB = 2 ** 30;

export interface TfrobotOptions {
  /** When the first VM of every group arrives, and the gaps between the VMs of one group. */
  readonly atS?: number;
  readonly intervalS?: DistributionSpec;
}

/** One workload group per `vms` entry: vms_count VMs of cpu, mem GiB and Σ ssd GiB of zmount. */
export function tfrobotGroups(raw: unknown, where: string, options: TfrobotOptions = {}): DeploymentGroupSpec[] {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { vms?: unknown }).vms)) throw new InputError(where, 'vms', 'must be an array');
  return ((raw as { vms: unknown[] }).vms).map((vm, i) => {
    const f = new Fields(where, `vms[${i}]`, vm, Object.keys(vm ?? {}));
    const ssd = f.list('ssd', true).map((d, j) => new Fields(where, `vms[${i}].ssd[${j}]`, d, Object.keys(d ?? {})).number('size', { min: 0 }));
    const diskGiB = ssd.reduce((a, b) => a + b, 0) || f.number('root_size', { min: 0, default: 0 }) || 1;
    return {
      name: f.string('name').replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 24),
      kind: 'vm',
      count: f.number('vms_count', { integer: true, min: 1 }),
      cpu: f.number('cpu', { integer: true, min: 1 }),
      memoryBytes: f.number('mem', { min: 0.25 }) * GiB,
      diskBytes: diskGiB * GiB,
      ...(options.atS === undefined ? {} : { atS: options.atS }),
      ...(options.intervalS === undefined ? {} : { intervalS: options.intervalS }),
    };
  });
}
