// Where a qsfs backend's address leads on a HostBackend: every node's 0-db listens on loopback at its
// own port (kept across power cycles), or with network 'netns' on the node's own address at 0-db's
// port, and a zdb result names that address. Leaves out other hosts.

import { parseZdbAddress } from '../../sim/storage/zdb/address.js';
import type { HostNode } from './nodes.js';

/** The IP a host zdb result names without namespaces: the 0-db servers bind loopback only. */
export const hostZdbIp = '127.0.0.1';

/** The node whose 0-db the address names; null when it names none of this backend's (another host, a made-up one). */
export function hostZdbNode(address: string, nodes: readonly HostNode[]): HostNode | null {
  const endpoint = parseZdbAddress(address);
  if (endpoint === null) return null;
  const loopback = endpoint.ip === hostZdbIp || endpoint.ip === '::1';
  return nodes.find((n) => n.zdbPort === endpoint.port && (loopback ? n.address === hostZdbIp : n.address === endpoint.ip)) ?? null;
}
