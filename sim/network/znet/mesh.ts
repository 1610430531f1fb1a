// The WireGuard mesh a client computes for a Z-Net, as the grid client's generatePeers does: public
// members peer with each other directly; hidden members peer only with the access node, which routes for them.
// Leaves out user laptops (extra access points on the access node) and per-hidden-node random access choice.

import type { Cidr } from './ipv4.js';
import type { WgPeer, ZNetMember } from './znet.js';

/**
 * Each subnet a.b.c.0/24 has a WireGuard routing address 100.64.b.c/32 in the CGNAT range (DOMAIN 1.7:
 * 10.240.2.0/24 ↔ 100.64.240.2/32); peers allow both, so the NR's own WireGuard address is reachable too.
 */
export function wgRoutingIp(subnet: Cidr): Cidr {
  const b = (subnet.base >>> 16) & 255;
  const c = (subnet.base >>> 8) & 255;
  return { base: ((100 << 24) >>> 0) + (64 << 16) + (b << 8) + c, prefix: 32 };
}

function allow(subnets: readonly Cidr[]): Cidr[] {
  return subnets.flatMap((s) => [s, wgRoutingIp(s)]);
}

/**
 * Every member's peers. A hidden member gets one peer, the access node, allowed every other subnet (its
 * default route into the network). A public member peers with every other public member; its peer for the
 * access node also allows the hidden subnets behind it; the access node itself lists the hidden members
 * with no endpoint, since they dial in. With one member there is nobody to peer with.
 */
export function meshPeers(members: readonly ZNetMember[], accessNode: number): Map<number, WgPeer[]> {
  const peers = new Map<number, WgPeer[]>();
  const hidden = members.filter((m) => !m.public);
  const access = members.find((m) => m.node === accessNode);
  for (const n of members) {
    const mine: WgPeer[] = [];
    if (members.length === 1) {
      peers.set(n.node, mine);
      continue;
    }
    if (!n.public) {
      if (access !== undefined) {
        const others = members.filter((m) => m.node !== n.node).map((m) => m.subnet);
        mine.push({ node: access.node, subnet: access.subnet, allowedIps: allow(others), endpoint: access.endpoint });
      }
      peers.set(n.node, mine);
      continue;
    }
    for (const m of members) {
      if (m.node === n.node || !m.public) continue;
      const behind = m.node === accessNode ? hidden.map((h) => h.subnet) : [];
      mine.push({ node: m.node, subnet: m.subnet, allowedIps: allow([m.subnet, ...behind]), endpoint: m.endpoint });
    }
    if (n.node === accessNode) {
      for (const h of hidden) mine.push({ node: h.node, subnet: h.subnet, allowedIps: allow([h.subnet]), endpoint: '' });
    }
    peers.set(n.node, mine);
  }
  return peers;
}
