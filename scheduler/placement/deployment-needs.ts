// What a zos deployment needs from the node it lands on, per workload type (DOMAIN 1.x capacity lines).
// Leaves out network (no capacity), gateways (zero reserved) and zdisk, whose bytes live on remote zdbs.

import type { Deployment } from '../../workers/operations.js';
import type { PlacementRequest } from './capacity-record.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

// Read structurally: the typed workload data lives in the simulator, which scheduler/ may not import.
interface WorkloadData {
  readonly size?: number;
  readonly cache?: number;
  readonly v4?: boolean;
  readonly compute_capacity?: { readonly cpu: number; readonly memory: number };
}

/** zos's zmachine root size: 0 means the minimum, 500 MiB for small machines (cpu·memory < 8 GiB) else 2 GiB. */
function rootSizeBytes(data: WorkloadData): number {
  const cc = data.compute_capacity ?? { cpu: 0, memory: 0 };
  const min = Math.floor((cc.cpu * cc.memory) / (8 * GiB)) === 0 ? 500 * MiB : 2 * GiB;
  return Math.max(data.size ?? 0, min);
}

export function deploymentNeeds(deployment: Deployment): PlacementRequest {
  let mruBytes = 0;
  let vcpus = 0;
  let ipv4 = 0;
  const ssdBytes: number[] = [];
  const hddBytes: number[] = [];
  for (const w of deployment.workloads) {
    const data = (w.data ?? {}) as WorkloadData;
    switch (w.type) {
      case 'zmachine':
        vcpus += data.compute_capacity?.cpu ?? 0;
        mruBytes += data.compute_capacity?.memory ?? 0;
        ssdBytes.push(rootSizeBytes(data));
        break;
      case 'zmount':
      case 'volume':
        ssdBytes.push(data.size ?? 0);
        break;
      case 'qsfs':
        // CRU 1, MRU 1 GiB and its cache on SSD (DOMAIN 1.5).
        vcpus += 1;
        mruBytes += GiB;
        ssdBytes.push(data.cache ?? 0);
        break;
      case 'zdb':
        hddBytes.push(data.size ?? 0);
        break;
      case 'ip':
        if (data.v4 === true) ipv4 += 1;
        break;
      case 'ipv4':
        ipv4 += 1;
        break;
      default:
        break;
    }
  }
  return { mruBytes, vcpus, ssdBytes, hddBytes, ipv4 };
}
