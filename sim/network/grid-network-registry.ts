// What the grid's `network` and gateway workloads ask of the network, recorded as plain data by their
// managers whether or not the network model was built, so an unbuilt network costs nothing.

import type { NetworkData } from '../grid/deployment.js';
import type { GatewayProxyType } from './gateway/validate.js';

/** One member's `network` workload: the Z-Net `<twin>/<name>` runs on `node` with this config. */
export interface ZNetEntry {
  readonly node: number;
  readonly workloadId: string;
  readonly data: NetworkData;
}

export interface GatewayEntry {
  readonly workloadId: string;
  readonly node: number;
  readonly twin: number;
  readonly type: GatewayProxyType;
  readonly data: unknown;
  /** The host the proxy answers for, as the manager reported it. */
  readonly fqdn: string;
}

/** A zmachine's network request: its one private interface and whether it wants a planetary address. */
export interface MachineEntry {
  readonly workloadId: string;
  readonly node: number;
  /** The Z-Net key `<twin>/<name>` of its interface. */
  readonly network: string;
  /** The requested private IPv4, or '' for the next free one. */
  readonly ip: string;
  readonly planetary: boolean;
}

export type RegistryChange = { readonly kind: 'znet'; readonly key: string; readonly node?: number } | { readonly kind: 'gateway'; readonly workloadId: string; readonly removed?: GatewayEntry }
  | { readonly kind: 'machine'; readonly workloadId: string };

/** A Z-Net is named per twin, as in zos (the network name is a workload name inside the twin's deployments). */
export function znetKey(twin: number, name: string): string {
  return `${twin}/${name}`;
}

export class NetworkRegistry {
  /** Z-Net key → member node → entry. */
  readonly znets = new Map<string, Map<number, ZNetEntry>>();
  readonly gateways = new Map<string, GatewayEntry>();
  readonly machines = new Map<string, MachineEntry>();
  private listener: ((change: RegistryChange) => void) | undefined;

  /** One listener: the network model, once built. */
  listen(listener: (change: RegistryChange) => void): void {
    this.listener = listener;
  }

  setMember(key: string, entry: ZNetEntry): void {
    let members = this.znets.get(key);
    if (members === undefined) this.znets.set(key, (members = new Map()));
    // A reboot re-runs every workload with the same data: that changes nothing, and must not undo a
    // re-apply that moved the access node since.
    const held = members.get(entry.node);
    if (held !== undefined && held.workloadId === entry.workloadId && JSON.stringify(held.data) === JSON.stringify(entry.data)) return;
    members.set(entry.node, entry);
    this.listener?.({ kind: 'znet', key, node: entry.node });
  }

  removeMember(key: string, node: number): void {
    const members = this.znets.get(key);
    if (members === undefined || !members.delete(node)) return;
    if (members.size === 0) this.znets.delete(key);
    this.listener?.({ kind: 'znet', key, node });
  }

  setGateway(entry: GatewayEntry): void {
    if (this.gateways.get(entry.workloadId)?.fqdn === entry.fqdn && JSON.stringify(this.gateways.get(entry.workloadId)!.data) === JSON.stringify(entry.data)) return;
    this.gateways.set(entry.workloadId, entry);
    this.listener?.({ kind: 'gateway', workloadId: entry.workloadId });
  }

  removeGateway(workloadId: string): void {
    const removed = this.gateways.get(workloadId);
    if (removed === undefined) return;
    this.gateways.delete(workloadId);
    this.listener?.({ kind: 'gateway', workloadId, removed });
  }

  setMachine(entry: MachineEntry): void {
    if (JSON.stringify(this.machines.get(entry.workloadId)) === JSON.stringify(entry)) return;
    this.machines.set(entry.workloadId, entry);
    this.listener?.({ kind: 'machine', workloadId: entry.workloadId });
  }

  removeMachine(workloadId: string): void {
    if (!this.machines.delete(workloadId)) return;
    this.listener?.({ kind: 'machine', workloadId });
  }
}
