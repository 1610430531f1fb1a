// A zmachine's private NIC in a Z-Net, as zos gives it (zosbase pkg/primitives/vm/utils.go
// newPrivNetworkInterface): the address the deployment asked for, inside the node's subnet and never
// the reserved .1, with routes to the ip_range and to 100.64.0.0/16 via the NR's .1, which is also the
// default gateway. zos plugs a VM's tap into the NR's bridge (networker.go SetupPrivTap); a
// container-mode machine here gets a namespace of its own joined to that bridge by a veth, so a
// process inside binds and connects on its Z-Net address. Leaves out IPv6 and the public NIC.

import { InputError } from '../../../sim/errors.js';
import { cidrContainsIp, formatCidr, parseIpv4 } from '../../../sim/network/znet/index.js';
import type { NrPlan } from './document.js';
import type { MachineNames } from './names.js';
import { createNamespace, deleteNamespace } from './namespaces.js';
import { ipNetnsNamespace, type NodeNamespace } from './node-namespace.js';
import { run } from './run.js';

/** zos's networkResourceNet: every NR's WireGuard address lives in it. */
const nrWgRange = '100.64.0.0/16';

/** Checks the asked-for address against the NR as zos does, naming the field. */
export function checkMachineIp(plan: NrPlan, ip: string, where = 'zmachine'): string {
  const value = parseIpv4(ip);
  if (value < 0) throw new InputError(where, 'network.interfaces[].ip', `must be an IPv4 address, got ${JSON.stringify(ip)}`);
  if (!cidrContainsIp(plan.subnet, value)) throw new InputError(where, 'network.interfaces[].ip', `${ip} is not part of the node's subnet ${formatCidr(plan.subnet)}`);
  const host = value & 255;
  if (host === 1) throw new InputError(where, 'network.interfaces[].ip', `${ip} is reserved (the subnet's .1 is the network resource)`);
  if (host === 0 || host === 255) throw new InputError(where, 'network.interfaces[].ip', `${ip} is the subnet's network or broadcast address`);
  return ip;
}

/** The routes a machine's NIC gets, all via the NR's .1 (zos: privNet, networkResourceNet, default). */
function machineRoutes(plan: NrPlan): string[][] {
  return [
    [formatCidr(plan.ipRange), 'via', plan.gateway],
    [nrWgRange, 'via', plan.gateway],
    ['default', 'via', plan.gateway],
  ];
}

/**
 * A machine namespace with `eth0` on the NR's bridge at `ip`; answers the namespace to run the
 * machine's processes in (its address is the Z-Net address).
 */
export async function attachMachine(node: NodeNamespace, bridge: string, names: MachineNames, plan: NrPlan, ip: string): Promise<NodeNamespace> {
  checkMachineIp(plan, ip);
  const { namespace, hostLeg, guestLeg } = names;
  await createNamespace(namespace);
  await run(node.exec(['ip', 'link', 'del', hostLeg])).catch(() => undefined);
  await run(node.exec(['ip', 'link', 'add', hostLeg, 'type', 'veth', 'peer', 'name', guestLeg, 'netns', namespace]));
  await run(node.exec(['ip', 'link', 'set', hostLeg, 'master', bridge, 'up']));
  await run(['ip', '-n', namespace, 'addr', 'add', `${ip}/24`, 'dev', guestLeg]);
  await run(['ip', '-n', namespace, 'link', 'set', guestLeg, 'up']);
  for (const route of machineRoutes(plan)) await run(['ip', '-n', namespace, 'route', 'replace', ...route]);
  return ipNetnsNamespace(namespace, ip);
}

/** Kills the machine's processes and removes its namespace; the veth pair goes with it. */
export function detachMachine(names: MachineNames): Promise<void> {
  return deleteNamespace(names.namespace);
}

/** A tap on the NR's bridge for a VM's NIC, qemu run in the node's namespace (workers/host/vm/nic.ts). */
export async function createTap(node: NodeNamespace, bridge: string, tap: string): Promise<void> {
  await run(node.exec(['ip', 'link', 'del', tap])).catch(() => undefined);
  await run(node.exec(['ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap']));
  await run(node.exec(['ip', 'link', 'set', tap, 'master', bridge, 'up']));
}

export async function deleteTap(node: NodeNamespace, tap: string): Promise<void> {
  await run(node.exec(['ip', 'link', 'del', tap])).catch(() => undefined);
}
