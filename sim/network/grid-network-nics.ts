// The grid's zmachines' interfaces (ZNIC): a private address in their node's Z-Net /24 and, when asked,
// a planetary address from their node's overlay key. Leaves out public NICs: the ip workload's manager
// holds those addresses.

import { ZosError } from '../errors.js';
import type { MachineEntry, NetworkRegistry } from './grid-network-registry.js';
import type { ZNetBook } from './grid-network-znets.js';
import { NicAllocator, type ZMachineNics } from './znic/nics.js';

export class GridNics {
  private readonly allocator: NicAllocator;
  private readonly nics = new Map<string, ZMachineNics>();
  /** Machines whose interfaces could not be set up, with the reason (a network not on their node). */
  readonly refused = new Map<string, string>();

  constructor(
    private readonly registry: NetworkRegistry,
    znets: ZNetBook,
    overlayKey: (node: number) => number,
  ) {
    this.allocator = new NicAllocator({ network: (key) => znets.get(key), hasPublicConfig: () => false, overlayKey });
    for (const id of [...registry.machines.keys()].sort()) this.sync(id);
  }

  /** Attaches a new machine, detaches a removed one; a changed request re-attaches. */
  sync(workloadId: string): void {
    const held = this.nics.get(workloadId);
    if (held !== undefined) this.allocator.detach(held);
    this.nics.delete(workloadId);
    this.refused.delete(workloadId);
    const entry = this.registry.machines.get(workloadId);
    if (entry !== undefined) this.attach(entry);
  }

  of(workloadId: string): ZMachineNics | undefined {
    return this.nics.get(workloadId);
  }

  /** The node of the machine holding this private or planetary address. */
  nodeOfAddress(ip: string): number | undefined {
    for (const nics of this.nics.values()) if (nics.private.ipv4 === ip || nics.planetary?.ip === ip) return nics.node;
    return undefined;
  }

  private attach(entry: MachineEntry): void {
    try {
      const request = { workloadId: entry.workloadId, node: entry.node, network: entry.network, ip: entry.ip, planetary: entry.planetary };
      this.nics.set(entry.workloadId, this.allocator.attach(request));
    } catch (error) {
      if (!(error instanceof ZosError)) throw error;
      this.refused.set(entry.workloadId, error.message);
    }
  }
}
