// A user's Z-Net as the nodes run it: members with their /24, the access node, and each member's
// WireGuard peers as last applied. Leaves out keys and packets: a peer is named by its node.

import type { Cidr } from './ipv4.js';

export interface ZNetMember {
  /** Grid node id. */
  readonly node: number;
  /** This node's /24 inside the network's range. */
  readonly subnet: Cidr;
  readonly wireguardListenPort: number;
  /** Reachable from the internet (a public config); a hidden (NAT'd) node can only dial out. */
  readonly public: boolean;
  /** `ip:port` other members dial; '' for a hidden node. */
  readonly endpoint: string;
}

export interface WgPeer {
  /** The member behind this peer, or -1 for an outside client (a user's laptop). */
  readonly node: number;
  readonly subnet: Cidr;
  /** WireGuard's cryptokey routing: what may be sent to, and accepted from, this peer. */
  readonly allowedIps: readonly Cidr[];
  /** '' when the peer dials in itself (a hidden node behind its access node). */
  readonly endpoint: string;
}

/** What one member runs: its peers as of the apply that last reached it. */
export interface AppliedConfig {
  readonly version: number;
  readonly peers: readonly WgPeer[];
}

export interface ZNet {
  readonly name: string;
  /** The network's IPv4 range, a /16. */
  readonly ipRange: Cidr;
  /** Sorted by node id. */
  readonly members: readonly ZNetMember[];
  /** The public member that hidden members peer with and route through; -1 when nobody needs one. */
  readonly accessNode: number;
  /** Bumped by every apply; a member whose applied version is older runs a stale mesh. */
  readonly version: number;
  /** Per member node. A member that was down during an apply keeps what it had (no atomicity, DOMAIN 5.13). */
  readonly applied: ReadonlyMap<number, AppliedConfig>;
}

export function memberOf(net: ZNet, node: number): ZNetMember | undefined {
  return net.members.find((m) => m.node === node);
}

/** Members whose running config predates the network's current version: a reconciler re-applies to them. */
export function staleMembers(net: ZNet): number[] {
  return net.members.filter((m) => (net.applied.get(m.node)?.version ?? -1) !== net.version).map((m) => m.node);
}
