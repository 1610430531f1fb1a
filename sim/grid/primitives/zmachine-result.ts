// The result data a zos node returns for a zmachine and its root size rule (pkg/gridtypes/zos/zmachine.go).
// Addresses other than the private IP are deterministic placeholders derived from the workload id.

import { createHash } from 'node:crypto';
import type { ZMachineData } from '../deployment.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export interface ZMachineResultData {
  readonly id: string;
  readonly ip: string;
  readonly planetary_ip: string;
  readonly mycelium_ip: string;
  readonly console_url: string;
}

/** Minimum root size: 500 MiB for small machines (cpu·memory < 8 GiB), else 2 GiB; 0 means the minimum. */
export function rootSizeBytes(data: ZMachineData): number {
  const min = Math.floor((data.compute_capacity.cpu * data.compute_capacity.memory) / (8 * GiB)) === 0 ? 500 * MiB : 2 * GiB;
  return Math.max(data.size, min);
}

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function groups(h: string, from: number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(h.slice(from + 4 * i, from + 4 * i + 4));
  return out.join(':');
}

/** Result data; `consolePort` is the node's next console port (zos hands them out per node). */
export function zmachineResult(workloadId: string, data: ZMachineData, consolePort: number): ZMachineResultData {
  const ip = data.network.interfaces[0]?.ip ?? '';
  const h = hex(workloadId);
  // The console listens on the network resource's gateway, x.y.z.1 of the machine's subnet.
  const gateway = ip.split('.').slice(0, 3).concat('1').join('.');
  return {
    id: workloadId,
    ip,
    planetary_ip: data.network.planetary ? `300:${groups(h, 0, 3)}::${groups(h, 12, 1)}` : '',
    mycelium_ip: data.network.mycelium !== undefined ? `4${h.slice(16, 19)}:${groups(h, 20, 3)}::${groups(h, 32, 1)}` : '',
    console_url: `${gateway}:${consolePort}`,
  };
}
