// zmachine.connect on hosts: a real TCP connection opened from inside the machine's own network
// namespace (its Z-Net NIC, workers/host/znet/machine-nic.ts), so it leaves from the machine's Z-Net
// address and crosses the network resource and WireGuard as the machine's own traffic would. The
// connect runs in a short python3 process entered into that namespace (python3 is the CoreX relay's
// dependency already); its handshake time is measured inside it.
// Leaves out VM machines: their network stack is the guest's, which the host cannot enter.

import { execFile } from 'node:child_process';
import type { ConnectView } from '../backend.js';
import { checkConnectTarget, refusedConnect } from '../connect-target.js';
import { WorkerError, WorkerErrorCode } from '../errors.js';
import type { HostGridNetworks } from '../host/znet/index.js';
import { cidrContainsIp, parseIpv4 } from '../../sim/network/znet/ipv4.js';
import type { HostNode } from './nodes.js';

/** As a client's connect timeout: a target that does not answer within it is unreachable. */
const connectTimeoutS = 5;

const connectScript = [
  'import socket, sys, time',
  't = time.monotonic()',
  'try:',
  '    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))',
  '    print("ok", time.monotonic() - t)',
  '    s.close()',
  'except OSError as e:',
  '    print("fail", e.strerror or type(e).__name__)',
].join('\n');

export async function hostZmachineConnect(nodes: readonly HostNode[], networks: HostGridNetworks | undefined, workloadId: string, address: string, port: number): Promise<ConnectView> {
  checkConnectTarget(address, port);
  const node = nodes.find((n) => n.machineSet.has(workloadId));
  if (node === undefined) throw new WorkerError(WorkerErrorCode.notFound, `zmachine ${workloadId} not found`);
  if (!node.up) return refusedConnect(`zmachine ${workloadId} is down (node ${node.node} is off)`);
  const net = networks?.machineNet(workloadId);
  // Outside the machine's Z-Net its traffic would take the default route to nowhere: say so as the sim does.
  if (net === undefined || !cidrContainsIp(net.ipRange, parseIpv4(address))) return refusedConnect(`${address} is in none of ${workloadId}'s Z-Nets`);
  const namespace = net.namespace;
  const argv = namespace.exec(['python3', '-c', connectScript, address, String(port), String(connectTimeoutS)]);
  const out = await new Promise<string>((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: (connectTimeoutS + 5) * 1000 }, (error, stdout, stderr) => resolve(error === null ? stdout : `fail ${stderr.trim() || error.message}`));
  });
  const [verdict, ...rest] = out.trim().split(' ');
  if (verdict === 'ok') return { connected: true, reason: null, rttS: Number(rest[0]) };
  return refusedConnect(`${address}:${port} from ${workloadId}: ${rest.join(' ') || 'no answer'}`);
}

