// A Z-Net as zos `network` workloads, one per member node, and back: a user may send raw workloads with
// their own peers, which are validated as zos does and then routed exactly as given.
// Leaves out WireGuard keys (stand-in strings) and mycelium; peers are matched to members by subnet.

import { isIP } from 'node:net';
import { InputError } from '../../errors.js';
import type { NetworkData } from '../../grid/deployment.js';
import { cidrContains, cidrEquals, formatCidr, parseCidr, type Cidr } from './ipv4.js';
import { meshPeers } from './mesh.js';
import type { NodeNetInfo } from './validate.js';
import type { AppliedConfig, WgPeer, ZNet, ZNetMember } from './znet.js';

/** Stand-in WireGuard public key of a member's network resource; stable per network and node. */
export function wgPublicKey(net: string, node: number): string {
  return `wg-pub:${net}:${node}`;
}

/** The `network` workload each member should run now (the mesh of the network's current version). */
export function networkWorkloads(net: ZNet): Map<number, NetworkData> {
  const mesh = meshPeers(net.members, net.accessNode);
  const out = new Map<number, NetworkData>();
  for (const m of net.members) {
    out.set(m.node, {
      ip_range: formatCidr(net.ipRange),
      subnet: formatCidr(m.subnet),
      wireguard_private_key: `wg-key:${net.name}:${m.node}`,
      wireguard_listen_port: m.wireguardListenPort,
      peers: (mesh.get(m.node) ?? []).map((p) => ({
        subnet: formatCidr(p.subnet),
        wireguard_public_key: p.node >= 0 ? wgPublicKey(net.name, p.node) : 'outside-client',
        allowed_ips: p.allowedIps.map(formatCidr),
        endpoint: p.endpoint,
      })),
    });
  }
  return out;
}

export interface NetworkWorkloadEntry {
  readonly node: number;
  readonly data: NetworkData;
}

/**
 * Raw per-node workloads into a running Z-Net (as applied, version 0). Checks what zos checks (range,
 * subnet, key, peers with subnet, key and ≥ 1 allowed IP) and what must hold across nodes (one range,
 * distinct subnets inside it). The access node is the public member that hidden members dial in to.
 */
export function compileNetworkWorkloads(name: string, entries: readonly NetworkWorkloadEntry[], info: NodeNetInfo): ZNet {
  const fail = (field: string, problem: string): never => {
    throw new InputError(`network ${name}`, field, problem);
  };
  if (entries.length === 0) fail('workloads', 'at least one node must run the network');
  const range = parseCidr(entries[0]!.data.ip_range);
  if (typeof range === 'string') return fail('workloads[0].ip_range', range);
  if (range.prefix !== 16) fail('workloads[0].ip_range', `must be a /16, got /${range.prefix}`);
  const members = entries.map((e, i) => compileMember(e, `workloads[${i}]`, range, fail));
  members.forEach((m, i) => {
    const j = members.findIndex((o, k) => k < i && (o.node === m.node || cidrEquals(o.subnet, m.subnet)));
    if (j >= 0) fail(`workloads[${i}].${members[j]!.node === m.node ? 'node' : 'subnet'}`, `clashes with workloads[${j}]`);
  });
  const applied = new Map<number, AppliedConfig>();
  entries.forEach((e, i) => applied.set(e.node, { version: 0, peers: compilePeers(e.data.peers, `workloads[${i}].peers`, members, fail) }));
  const full = members.map((m) => ({ ...m, public: info.isPublic(m.node), endpoint: '' }));
  const withEndpoints = full.map((m) => ({ ...m, endpoint: endpointSeenBy(m, applied) }));
  const access = withEndpoints.find((m) => m.public && applied.get(m.node)!.peers.some((p) => p.endpoint === '' && p.node >= 0));
  return { name, ipRange: range, members: withEndpoints.sort((a, b) => a.node - b.node), accessNode: access?.node ?? -1, version: 0, applied };
}

function compileMember(e: NetworkWorkloadEntry, at: string, range: Cidr, fail: (f: string, p: string) => never): Omit<ZNetMember, 'public' | 'endpoint'> {
  const d = e.data;
  if (!Number.isInteger(e.node) || e.node < 0) fail(`${at}.node`, `must be a node id, got ${JSON.stringify(e.node)}`);
  const own = parseCidr(d.ip_range);
  if (typeof own === 'string' || !cidrEquals(own, range)) fail(`${at}.ip_range`, `must be the network's range ${formatCidr(range)}, got ${JSON.stringify(d.ip_range)}`);
  const subnet = parseCidr(d.subnet);
  if (typeof subnet === 'string') return fail(`${at}.subnet`, subnet);
  if (subnet.prefix !== 24 || !cidrContains(range, subnet)) fail(`${at}.subnet`, `must be a /24 inside ${formatCidr(range)}, got ${d.subnet}`);
  if (typeof d.wireguard_private_key !== 'string' || d.wireguard_private_key === '') fail(`${at}.wireguard_private_key`, 'must be a non-empty string');
  const port = d.wireguard_listen_port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${at}.wireguard_listen_port`, `must be a port 1..65535, got ${JSON.stringify(port)}`);
  return { node: e.node, subnet, wireguardListenPort: port };
}

function compilePeers(peers: NetworkData['peers'], at: string, members: readonly { node: number; subnet: Cidr }[], fail: (f: string, p: string) => never): WgPeer[] {
  if (!Array.isArray(peers)) return fail(at, 'must be an array of peers');
  return peers.map((p, j) => {
    const here = `${at}[${j}]`;
    const subnet = parseCidr(p?.subnet);
    if (typeof subnet === 'string') return fail(`${here}.subnet`, subnet);
    if (typeof p.wireguard_public_key !== 'string' || p.wireguard_public_key === '') fail(`${here}.wireguard_public_key`, 'must be a non-empty string');
    if (!Array.isArray(p.allowed_ips) || p.allowed_ips.length === 0) fail(`${here}.allowed_ips`, 'at least one allowed IP range is required');
    const allowedIps: Cidr[] = [];
    (p.allowed_ips as readonly unknown[]).forEach((text: unknown, k: number) => {
      const c = parseCidr(text);
      // IPv6 ranges are legal in zos; Z-Net routing here is IPv4, so they are checked and set aside.
      if (typeof c !== 'string') allowedIps.push(c);
      else if (typeof text !== 'string' || isIP(text.split('/')[0] ?? '') !== 6) fail(`${here}.allowed_ips[${k}]`, c);
    });
    if (typeof p.endpoint !== 'string' || (p.endpoint !== '' && !/:\d{1,5}$/.test(p.endpoint))) fail(`${here}.endpoint`, `must be '' or host:port, got ${JSON.stringify(p.endpoint)}`);
    const node = members.find((m) => cidrEquals(m.subnet, subnet))?.node ?? -1;
    return { node, subnet, allowedIps, endpoint: p.endpoint };
  });
}

/** A member's endpoint as its peers wrote it (the first non-empty one), '' when nobody dials it. */
function endpointSeenBy(m: ZNetMember, applied: ReadonlyMap<number, AppliedConfig>): string {
  for (const config of applied.values()) {
    const e = config.peers.find((p) => p.node === m.node && p.endpoint !== '')?.endpoint;
    if (e !== undefined) return e;
  }
  return '';
}
