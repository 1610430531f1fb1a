// SimBackend's TCP connection between zmachines over a Z-Net: connected when both machines run, the
// destination address belongs to a running machine of the same Z-Net, and the members' applied
// WireGuard peers route the packets both ways (sim/network/znet/reach.ts). Leaves out ports: a running
// zmachine accepts on any port (the sim models no listening sockets), and the handshake's time on the nodes.

import { parseWorkloadId, type World } from '../sim/grid/world.js';
import type { ZMachineData } from '../sim/grid/deployment.js';
import { znetKey } from '../sim/network/grid-network-registry.js';
import { cidrContainsIp, parseIpv4 } from '../sim/network/znet/ipv4.js';
import type { ConnectView } from './backend.js';
import { checkConnectTarget, refusedConnect } from './connect-target.js';
import { WorkerError, WorkerErrorCode } from './errors.js';

interface MachineNic {
  readonly key: string;
  readonly ip: string;
}

export function simZmachineConnect(world: World, workloadId: string, address: string, port: number): ConnectView {
  checkConnectTarget(address, port);
  const from = world.zmachines.machine(workloadId);
  if (from === undefined || from.state === 'decommissioned') throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} not found`);
  if (from.state !== 'running') return refusedConnect(`zmachine ${workloadId} is ${from.state}`);
  const target = parseIpv4(address);
  for (const nic of nicsOf(world, workloadId, from.node)) {
    const member = world.net.znets.get(nic.key)?.members.find((m) => cidrContainsIp(m.subnet, target));
    if (member === undefined) continue;
    const path = world.net.znetPath(nic.key, from.node, member.node);
    if (!path.reachable) return refusedConnect(path.reason);
    if (!answersAt(world, member.node, nic.key, address)) return refusedConnect(`no running zmachine has ${address} in ${nic.key}`);
    return { connected: true, reason: null, rttS: 2 * path.latencyS };
  }
  return refusedConnect(`${address} is in none of ${workloadId}'s Z-Nets`);
}

/** The machine's Z-Net interfaces as its workload asks for them. */
function nicsOf(world: World, workloadId: string, node: number): MachineNic[] {
  const { twinId, contractId, name } = parseWorkloadId(workloadId);
  const workload = world.provision.deployment(node, contractId)?.workloads.find((w) => w.name === name);
  const interfaces = (workload?.data as ZMachineData | undefined)?.network?.interfaces ?? [];
  return interfaces.map((i) => ({ key: znetKey(twinId, i.network), ip: i.ip }));
}

function answersAt(world: World, node: number, key: string, address: string): boolean {
  return world.zmachines.machinesOn(node).some((m) => m.state === 'running' && nicsOf(world, m.workloadId, node).some((n) => n.key === key && n.ip === address));
}
