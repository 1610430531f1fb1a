// Validation of a Z-Net request, once, into compiled members (STYLE 6): the checks zos makes on each
// `network` workload plus the ones that only make sense across nodes (one range, distinct subnets).
// Leaves out WireGuard key checks: keys are not modelled.

import { InputError } from '../../errors.js';
import { cidrContains, cidrEquals, formatCidr, formatIpv4, parseCidr, rangeSize, type Cidr } from './ipv4.js';

/** A user's network request: which nodes it spans, and optionally their subnets and the access node. */
export interface ZNetInput {
  /** Workload name rules (DOMAIN 1): `^[a-zA-Z0-9_]+$`, 1..36 chars; ygg, pub and mycelium are reserved. */
  readonly name: string;
  /** IPv4 /16, e.g. 10.1.0.0/16. */
  readonly ip_range: string;
  readonly nodes: readonly ZNetNodeInput[];
  /** A public member; chosen when absent. */
  readonly access_node?: number;
}

export interface ZNetNodeInput {
  readonly node: number;
  /** A /24 inside ip_range; the next free one (from x.y.2.0, as the grid client starts) when absent. */
  readonly subnet?: string;
  readonly wireguard_listen_port: number;
}

/** What the grid knows of a node's networking. */
export interface NodeNetInfo {
  /** Has a public config (a reachable address); otherwise hidden behind NAT. */
  isPublic(node: number): boolean;
  /** The address other members dial; a synthetic 198.18.0.0/15 one when absent. */
  publicIpv4?(node: number): string | undefined;
  /** WireGuard ports already taken on the node (zos.network.list_wg_ports). */
  usedWireguardPorts?(node: number): ReadonlySet<number>;
}

export interface CompiledNode {
  readonly node: number;
  readonly subnet: Cidr;
  readonly wireguardListenPort: number;
}

export interface CompiledZNetInput {
  readonly name: string;
  readonly ipRange: Cidr;
  readonly nodes: readonly CompiledNode[];
  readonly accessNode?: number;
}

const reservedNames = new Set(['ygg', 'pub', 'mycelium']);
/** The grid client hands out subnets from x.y.2.0/24 on; .0 and .1 stay free for its own use. */
const firstSubnetIndex = 2;

export function compileZNetInput(input: ZNetInput, info: NodeNetInfo): CompiledZNetInput {
  const where = `network ${typeof input?.name === 'string' && input.name !== '' ? input.name : '(unnamed)'}`;
  const fail = (field: string, problem: string): never => {
    throw new InputError(where, field, problem);
  };
  if (typeof input !== 'object' || input === null) fail('', 'must be an object with name, ip_range and nodes');
  const name = input.name;
  if (typeof name !== 'string' || !/^[a-zA-Z0-9_]{1,36}$/.test(name)) fail('name', `must be 1..36 letters, digits or _, got ${JSON.stringify(name)}`);
  if (reservedNames.has(name)) fail('name', `'${name}' is a reserved network name`);
  const range = parseCidr(input.ip_range);
  if (typeof range === 'string') return fail('ip_range', range);
  if (range.prefix !== 16) fail('ip_range', `must be a /16, got /${range.prefix}`);
  if (!Array.isArray(input.nodes) || input.nodes.length === 0) fail('nodes', 'must list at least one node');
  const seen = new Map<number, number>();
  const explicit: (Cidr | undefined)[] = input.nodes.map((n, i) => compileSubnet(n, i, range, fail));
  input.nodes.forEach((n, i) => {
    const at = `nodes[${i}]`;
    if (!Number.isInteger(n.node) || n.node < 0) fail(`${at}.node`, `must be a node id (integer ≥ 0), got ${JSON.stringify(n.node)}`);
    const before = seen.get(n.node);
    if (before !== undefined) fail(`${at}.node`, `node ${n.node} is already nodes[${before}]: one network resource per node`);
    seen.set(n.node, i);
    const port = n.wireguard_listen_port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${at}.wireguard_listen_port`, `must be a port 1..65535, got ${JSON.stringify(port)}`);
    if (info.usedWireguardPorts?.(n.node).has(port)) fail(`${at}.wireguard_listen_port`, `port ${port} is already used on node ${n.node}`);
    const dup = explicit.findIndex((s, j) => j < i && s !== undefined && explicit[i] !== undefined && cidrEquals(s, explicit[i]!));
    if (dup >= 0) fail(`${at}.subnet`, `${formatCidr(explicit[i]!)} is already the subnet of nodes[${dup}]`);
  });
  const nodes = allocateSubnets(input.nodes, explicit, range, fail);
  const access = input.access_node;
  if (access !== undefined) {
    if (!seen.has(access)) fail('access_node', `node ${access} is not one of the network's nodes`);
    if (!info.isPublic(access)) fail('access_node', `node ${access} is hidden (no public config) and cannot be an access node`);
  }
  return { name, ipRange: range, nodes, ...(access !== undefined ? { accessNode: access } : {}) };
}

function compileSubnet(n: ZNetNodeInput, i: number, range: Cidr, fail: (f: string, p: string) => never): Cidr | undefined {
  if (typeof n !== 'object' || n === null) fail(`nodes[${i}]`, 'must be an object with node and wireguard_listen_port');
  if (n.subnet === undefined) return undefined;
  const subnet = parseCidr(n.subnet);
  if (typeof subnet === 'string') return fail(`nodes[${i}].subnet`, subnet);
  if (subnet.prefix !== 24) fail(`nodes[${i}].subnet`, `must be a /24, got /${subnet.prefix}`);
  if (!cidrContains(range, subnet)) fail(`nodes[${i}].subnet`, `${formatCidr(subnet)} is not inside ip_range ${formatCidr(range)}`);
  return subnet;
}

/** Explicit subnets stay; the others take the lowest free /24 from x.y.2.0 in node order. */
function allocateSubnets(nodes: readonly ZNetNodeInput[], explicit: readonly (Cidr | undefined)[], range: Cidr, fail: (f: string, p: string) => never): CompiledNode[] {
  const taken = new Set(explicit.filter((s) => s !== undefined).map((s) => s.base));
  let next = firstSubnetIndex;
  const slots = rangeSize(range.prefix) / 256;
  return nodes.map((n, i) => {
    let subnet = explicit[i];
    if (subnet === undefined) {
      while (next < slots && taken.has(range.base + next * 256)) next++;
      if (next >= slots) fail(`nodes[${i}].subnet`, `no free /24 left in ${formatCidr(range)} from ${formatIpv4(range.base + firstSubnetIndex * 256)}`);
      subnet = { base: range.base + next * 256, prefix: 24 };
      taken.add(subnet.base);
    }
    return { node: n.node, subnet, wireguardListenPort: n.wireguard_listen_port };
  });
}
