// A peer's endpoint as this host can dial it. On the grid a public node's endpoint is its public IPv4;
// on a host it is the node's namespace address. Documents name a member's endpoint either by an
// address the simulator made up (sim/network/grid-network-public.ts publicIpv4Of: 198.18.0.1 + node)
// or by any address at all: the member behind a peer is found by the peer's subnet first (as
// sim/network/znet/workloads.ts matches peers to members), else by that stand-in formula.

import type { NetworkData } from '../../../sim/grid/deployment.js';
import { cidrContainsIp, parseCidr, parseIpv4 } from '../../../sim/network/znet/index.js';

const standInBase = parseIpv4('198.18.0.0');
const standInRange = { base: standInBase, prefix: 15 };

export interface EndpointEnv {
  /** The node whose `network` workload of this Z-Net has this subnet, if known. */
  memberBySubnet(subnet: string): number | undefined;
  /** A node's address on this host's underlay; undefined for a node this host does not run. */
  nodeAddress(node: number): string | undefined;
}

/** The endpoint rewritten to a node's address when the member behind it is known; as written otherwise. */
export function hostEndpoint(endpoint: string, peerSubnet: string, env: EndpointEnv): string {
  if (endpoint === '') return '';
  const colon = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, colon);
  const port = endpoint.slice(colon + 1);
  let node = typeof parseCidr(peerSubnet) === 'string' ? undefined : env.memberBySubnet(peerSubnet);
  const ip = parseIpv4(host);
  if (node === undefined && ip >= 0 && cidrContainsIp(standInRange, ip)) node = ip - standInBase - 1;
  const address = node === undefined ? undefined : env.nodeAddress(node);
  return address === undefined ? endpoint : `${address}:${port}`;
}

/** The document with every peer's endpoint as this host dials it. */
export function withHostEndpoints(data: NetworkData, env: EndpointEnv): NetworkData {
  if (!Array.isArray(data.peers)) return data;
  return { ...data, peers: data.peers.map((p) => ({ ...p, endpoint: typeof p.endpoint === 'string' ? hostEndpoint(p.endpoint, p.subnet, env) : p.endpoint })) };
}
