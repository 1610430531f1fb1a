// A `network` workload's document compiled into what this node configures, as zos's network resource
// does (zosbase pkg/network/nr/net_resource.go): the NR's address is the subnet's .1 (attachToNRBridge),
// the WireGuard interface carries 100.64.<b>.<c>/16 (wgIP) and routes the whole ip_range (ConfigureWG),
// and every peer is set with the document's key, endpoint and allowed IPs and a 20 s keepalive, all
// peers replaced at once (zos pkg/network/wireguard/wireguard.go Configure: ReplacePeers, newPeer).
// Leaves out mycelium and IPv6 (zos derives an fd… address per NR; the Z-Net here is IPv4).

import type { NetworkData } from '../../../sim/grid/deployment.js';
import { InputError } from '../../../sim/errors.js';
import { cidrContains, formatCidr, formatIpv4, parseCidr, type Cidr } from '../../../sim/network/znet/index.js';
import { isUsablePrivateKey, peerPublicKeyOf, privateKeyOf } from './keys.js';

/** zos newPeer: every peer keeps its tunnel warm, so a hidden node's access node learns its endpoint. */
export const persistentKeepaliveS = 20;

export interface WgPeerPlan {
  readonly publicKey: string;
  /** '' when the peer dials in (a hidden member behind this access node). */
  readonly endpoint: string;
  readonly allowedIps: readonly string[];
}

export interface NrPlan {
  readonly ipRange: Cidr;
  readonly subnet: Cidr;
  readonly privateKey: string;
  readonly listenPort: number;
  readonly peers: readonly WgPeerPlan[];
  /** `<subnet>.1/24`: the machines' gateway. */
  readonly gatewayCidr: string;
  readonly gateway: string;
  /** `100.64.<b>.<c>/16` on the WireGuard interface. */
  readonly wgCidr: string;
}

type Fail = (field: string, problem: string) => never;

/** Checks the document as zos's Network.Valid does, naming the field, and compiles it. */
export function compileNetworkDocument(data: NetworkData, where = 'network'): NrPlan {
  const fail: Fail = (field, problem) => {
    throw new InputError(where, field, problem);
  };
  if (typeof data !== 'object' || data === null) fail('data', 'must be a network workload document');
  const ipRange = parseCidr(data.ip_range);
  if (typeof ipRange === 'string') return fail('ip_range', ipRange);
  if (ipRange.prefix !== 16) fail('ip_range', `must be a /16, got /${ipRange.prefix}`);
  const subnet = parseCidr(data.subnet);
  if (typeof subnet === 'string') return fail('subnet', subnet);
  if (subnet.prefix !== 24 || !cidrContains(ipRange, subnet)) fail('subnet', `must be a /24 inside ${formatCidr(ipRange)}, got ${data.subnet}`);
  if (typeof data.wireguard_private_key !== 'string' || !isUsablePrivateKey(data.wireguard_private_key)) {
    fail('wireguard_private_key', 'must be a base64 WireGuard key (wg genkey)');
  }
  const port = data.wireguard_listen_port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail('wireguard_listen_port', `must be a port 1..65535, got ${JSON.stringify(port)}`);
  if (!Array.isArray(data.peers)) fail('peers', 'must be an array');
  const peers = data.peers.map((p, i) => compilePeer(p, `peers[${i}]`, fail));
  const gateway = formatIpv4(subnet.base + 1);
  const b = (subnet.base >>> 16) & 255;
  const c = (subnet.base >>> 8) & 255;
  return {
    ipRange, subnet, privateKey: privateKeyOf(data.wireguard_private_key), listenPort: port, peers,
    gatewayCidr: `${gateway}/24`, gateway, wgCidr: `100.64.${b}.${c}/16`,
  };
}

function compilePeer(p: NetworkData['peers'][number], at: string, fail: Fail): WgPeerPlan {
  if (typeof p !== 'object' || p === null) fail(at, 'must be a peer object');
  if (typeof parseCidr(p.subnet) === 'string') fail(`${at}.subnet`, `must be an IPv4 CIDR range, got ${JSON.stringify(p.subnet)}`);
  const publicKey = typeof p.wireguard_public_key === 'string' ? peerPublicKeyOf(p.wireguard_public_key) : undefined;
  if (publicKey === undefined) fail(`${at}.wireguard_public_key`, 'must be a base64 WireGuard public key');
  if (!Array.isArray(p.allowed_ips) || p.allowed_ips.length === 0) fail(`${at}.allowed_ips`, 'at least one allowed IP range is required');
  p.allowed_ips.forEach((ip, k) => {
    if (typeof ip !== 'string' || !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(ip)) fail(`${at}.allowed_ips[${k}]`, `must be a CIDR range, got ${JSON.stringify(ip)}`);
  });
  const endpoint = p.endpoint ?? '';
  if (typeof endpoint !== 'string' || (endpoint !== '' && !/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(endpoint))) {
    fail(`${at}.endpoint`, `must be '' or host:port, got ${JSON.stringify(endpoint)}`);
  }
  return { publicKey: publicKey!, endpoint, allowedIps: [...p.allowed_ips] };
}

/** The `wg setconf` file: setconf replaces every peer, as zos's ReplacePeers does. */
export function wgConfigText(plan: NrPlan): string {
  const lines = ['[Interface]', `PrivateKey = ${plan.privateKey}`, `ListenPort = ${plan.listenPort}`];
  for (const peer of plan.peers) {
    lines.push('', '[Peer]', `PublicKey = ${peer.publicKey}`, `AllowedIPs = ${peer.allowedIps.join(', ')}`);
    if (peer.endpoint !== '') lines.push(`Endpoint = ${peer.endpoint}`);
    lines.push(`PersistentKeepalive = ${persistentKeepaliveS}`);
  }
  return `${lines.join('\n')}\n`;
}
