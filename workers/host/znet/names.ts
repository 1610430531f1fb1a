// Names of everything the Z-Net makes on this host. zos names a network resource's namespace
// `n-<netid>`, its WireGuard interface `w-<netid>` and its bridge `b-<netid>` (zosbase
// pkg/network/nr/net_resource.go: Namespace, WGName, BridgeName, each ≤ 15 characters); here a short
// owner prefix and a slot number stand for the netid, because namespaces and wireguard-go's UAPI
// sockets (/var/run/wireguard/<iface>.sock) are machine-wide and test files run in parallel.

import { InputError } from '../../../sim/errors.js';

/** Linux's IFNAMSIZ less the terminating NUL. */
export const maxIfaceNameLength = 15;
/** Slots run 0..9999, so `<prefix><letter><slot>` stays within 15 characters for a 10-character prefix. */
const maxSlot = 9999;

/** A prefix: a letter then letters, digits or '-', at most 10 characters (e.g. `zq1a2b3-`). */
export function checkPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !/^[a-z][a-z0-9-]{1,9}$/.test(prefix)) {
    throw new InputError('znet', 'prefix', `must be 2..10 lowercase letters, digits or '-', starting with a letter; got ${JSON.stringify(prefix)}`);
  }
  return prefix;
}

function name(prefix: string, letter: string, slot: number): string {
  checkPrefix(prefix);
  if (!Number.isInteger(slot) || slot < 0 || slot > maxSlot) throw new InputError('znet', 'slot', `must be an integer 0..${maxSlot}, got ${slot}`);
  const text = `${prefix}${letter}${slot}`;
  if (text.length > maxIfaceNameLength) throw new InputError('znet', 'prefix', `'${text}' is longer than ${maxIfaceNameLength} characters`);
  return text;
}

/** A network resource's names. */
export interface NrNames {
  /** The NR's namespace (zos `n-<netid>`). */
  readonly namespace: string;
  /** The WireGuard interface: created in the node's namespace, then moved into the NR's (zos `w-<netid>`). */
  readonly wg: string;
  /** The bridge machines plug into, in the node's namespace (zos `b-<netid>`, in the host's). */
  readonly bridge: string;
  /** The NR's leg on that bridge: this end in the node's namespace… */
  readonly bridgePort: string;
  /** …and this end in the NR's, carrying the subnet's .1 (zos: the macvlan `n-<netid>`). */
  readonly nrLeg: string;
}

export function nrNames(prefix: string, slot: number): NrNames {
  return {
    namespace: name(prefix, 'n', slot),
    wg: name(prefix, 'w', slot),
    bridge: name(prefix, 'b', slot),
    bridgePort: name(prefix, 'p', slot),
    nrLeg: name(prefix, 'r', slot),
  };
}

/** A machine's names: its namespace, and per NIC the veth end on the NR's bridge (node's namespace). */
export interface MachineNames {
  readonly namespace: string;
  readonly hostLeg: string;
  /** Inside the machine, as zos's guests see their first private NIC. */
  readonly guestLeg: string;
}

export function machineNames(prefix: string, slot: number): MachineNames {
  return { namespace: name(prefix, 'm', slot), hostLeg: name(prefix, 'v', slot), guestLeg: 'eth0' };
}

/** A tap device for a VM's NIC on the NR's bridge (zos `t-<name>`, SetupPrivTap in networker.go). */
export function tapName(prefix: string, slot: number): string {
  return name(prefix, 't', slot);
}
