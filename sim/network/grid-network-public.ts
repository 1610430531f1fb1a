// Which grid nodes have a public config (a reachable address, a gateway domain), decided from the grid
// spec alone so the answer never depends on whether the network model was built. Leaves out IPv6.

import type { Farms } from '../grid/farms.js';
import { formatIpv4, parseIpv4 } from './znet/ipv4.js';

/**
 * Farms give a public config to a few nodes only (the rest sit behind NAT): here the first
 * `min(2, farm's public IPv4 count)` nodes of each farm. Two, so that losing one still leaves a
 * public node per farm for Z-Net access and gateways.
 */
export const PUBLIC_NODES_PER_FARM = 2;

export function hasPublicConfig(farms: Farms, farm: number, node: number): boolean {
  const { firstNode } = farms.nodesOf(farm);
  return node - firstNode < Math.min(PUBLIC_NODES_PER_FARM, farms.ipv4Total(farm));
}

/** The stand-in address Z-Net uses for a public node (198.18.0.0/15, the benchmarking range). */
export function publicIpv4Of(node: number): string {
  return formatIpv4(parseIpv4('198.18.0.0') + 1 + (node % (2 ** 17 - 2)));
}

/** The node's public config domain, under which name proxies live. */
export function gatewayDomain(node: number): string {
  return `gw${node}.grid.test`;
}
