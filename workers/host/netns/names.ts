// Names and addresses of one netns grid run. Namespaces are `ztb-<run>-f<farm>` / `ztb-<run>-n<node>`;
// interfaces start `zt<run>` so that nothing of ours is mistaken for the probe's (`zt-probe-*`) or
// another helper's, and stay within Linux's IFNAMSIZ (15 characters and the NUL). WireGuard interfaces
// made in a run's namespaces should start `zt<run>` too (runOfNamespace): the sweep then removes their
// machine-wide UAPI sockets with the run.
// Addresses: run slot s owns 100.(64+s).0.0/16 of the shared address space (RFC 6598's 100.64.0.0/10,
// 64 slots), away from the 10/8 ranges Z-Net documents use; farm f's LAN is 100.(64+s).f.0/24 with the
// farm namespace's bridge at .1 and the farm's k-th node at .(k+2); the owner (this process, in the
// root namespace) is 100.(64+s).254.1.

import { randomBytes } from 'node:crypto';

export const namespacePrefix = 'ztb-';
/** A run id: 4 characters of [a-z0-9]. */
export const runIdPattern = /^[a-z0-9]{4}$/;
/** Our namespaces, with the run id as group 1. */
export const ourNamespacePattern = /^ztb-([a-z0-9]{4})-[fn]\d+$/;
export const maxIfaceChars = 15;
export const slotCount = 64;
/** Farm LANs are /24s inside the run's /16; .254 is the owner's, .255 unused. */
export const maxFarms = 250;
/** Hosts .2 to .253 of a farm LAN. */
export const maxNodesPerFarm = 252;
export const ownerThirdOctet = 254;

/** The run id of one of our namespaces (`ztb-<run>-n3` → `<run>`), or undefined for any other name. */
export function runOfNamespace(name: string): string | undefined {
  return ourNamespacePattern.exec(name)?.[1];
}

export function newRunId(): string {
  // Random, not derived from the pid: two backends in one test process must differ.
  const bytes = randomBytes(4);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

export class RunNames {
  constructor(readonly run: string, readonly slot: number) {
    if (!runIdPattern.test(run)) throw new Error(`netns run id must match ${String(runIdPattern)}, got ${JSON.stringify(run)}`);
    if (!(Number.isInteger(slot) && slot >= 0 && slot < slotCount)) throw new Error(`netns slot must be 0..${slotCount - 1}, got ${slot}`);
  }

  farmNs(farm: number): string {
    return `${namespacePrefix}${this.run}-f${farm}`;
  }

  nodeNs(node: number): string {
    return `${namespacePrefix}${this.run}-n${node}`;
  }

  /** Interface names; `kind` is one letter: n node end, p bridge port, b bridge, o/u owner uplink, l farm link. */
  iface(kind: string, ...ids: number[]): string {
    const name = `zt${this.run}${kind}${ids.join('-')}`;
    if (name.length > maxIfaceChars) throw new Error(`interface name ${name} is longer than ${maxIfaceChars} characters`);
    return name;
  }

  get prefix16(): string {
    return `100.${64 + this.slot}`;
  }

  farmCidr(farm: number): string {
    return `${this.prefix16}.${farm}.0/24`;
  }

  farmGateway(farm: number): string {
    return `${this.prefix16}.${farm}.1`;
  }

  nodeAddress(farm: number, indexInFarm: number): string {
    return `${this.prefix16}.${farm}.${indexInFarm + 2}`;
  }

  get ownerAddress(): string {
    return `${this.prefix16}.${ownerThirdOctet}.1`;
  }

  get ownerCidr(): string {
    return `${this.prefix16}.${ownerThirdOctet}.0/24`;
  }
}
