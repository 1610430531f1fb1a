// Applying a Z-Net: compile the request, pick the access node, compute the mesh and record what each
// member runs; and re-applying it with another access node when the old one is down (our reconciler's
// self-healing: zos itself never fails over, DOMAIN 1.7). Leaves out the deployments that carry it.

import { InputError } from '../../errors.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { meshPeers } from './mesh.js';
import { compileZNetInput, type CompiledZNetInput, type NodeNetInfo, type ZNetInput } from './validate.js';
import { staleMembers, type AppliedConfig, type ZNet, type ZNetMember } from './znet.js';

/** What an apply may consult: which nodes are up (a down node keeps its old config) and hop latency. */
export interface ApplyEnv {
  /** Default: every node is up. */
  readonly isUp?: (node: number) => boolean;
  /** Underlay latency between two grid nodes, to pick the access node nearest the hidden members. */
  readonly latencyS?: (a: number, b: number) => number;
}

/** Validates the request and applies it to every member that is up. */
export function planZNet(input: ZNetInput, info: NodeNetInfo, env: ApplyEnv = {}): ZNet {
  const compiled = compileZNetInput(input, info);
  const members = compiled.nodes
    .map((n): ZNetMember => ({ ...n, public: info.isPublic(n.node), endpoint: endpointOf(n.node, n.wireguardListenPort, info) }))
    .sort((a, b) => a.node - b.node);
  const accessNode = compiled.accessNode ?? (needsAccess(members) ? chooseAccess(members, env) : -1);
  if (needsAccess(members) && accessNode < 0) {
    const hidden = members.find((m) => !m.public)!;
    throw new InputError(`network ${compiled.name}`, 'nodes', `node ${hidden.node} is hidden and no public node of the network is up to be its access node`);
  }
  return apply(compiled, members, accessNode, 0, new Map(), env);
}

export interface ReapplyResult {
  readonly net: ZNet;
  readonly accessChanged: boolean;
  /** Members that received the new config. */
  readonly updated: readonly number[];
  /** Members that were down and keep their old config until the next reapply. */
  readonly skipped: readonly number[];
  /** Set when hidden members need an access node and no public member is up: nothing was applied. */
  readonly problem?: string;
}

/**
 * Re-applies the network to every member that is up, keeping the access node if it is up and otherwise
 * choosing the up public member nearest (in summed latency) to the hidden ones, ties to the lower id.
 */
export function reapply(net: ZNet, env: ApplyEnv = {}): ReapplyResult {
  const isUp = env.isUp ?? (() => true);
  const keep = net.accessNode >= 0 && isUp(net.accessNode) ? net.accessNode : -1;
  const accessNode = keep >= 0 || !needsAccess(net.members) ? keep : chooseAccess(net.members, env);
  if (needsAccess(net.members) && accessNode < 0) {
    return { net, accessChanged: false, updated: [], skipped: net.members.map((m) => m.node), problem: `no public member of network ${net.name} is up to act as access node` };
  }
  const compiled: CompiledZNetInput = { name: net.name, ipRange: net.ipRange, nodes: net.members };
  const next = apply(compiled, net.members, accessNode, net.version + 1, net.applied, env);
  const updated = net.members.filter((m) => isUp(m.node)).map((m) => m.node);
  const skipped = net.members.filter((m) => !isUp(m.node)).map((m) => m.node);
  return { net: next, accessChanged: accessNode !== net.accessNode, updated, skipped };
}

/**
 * Why the network needs a reapply now, or undefined: its access node is down while hidden members
 * depend on it, or an up member runs an older mesh (it was down during the last apply).
 */
export function needsReapply(net: ZNet, isUp: (node: number) => boolean): string | undefined {
  if (needsAccess(net.members) && (net.accessNode < 0 || !isUp(net.accessNode))) return `access node ${net.accessNode} of network ${net.name} is down`;
  const stale = staleMembers(net).filter(isUp);
  return stale.length > 0 ? `nodes ${stale.join(', ')} run an old mesh of network ${net.name}` : undefined;
}

function needsAccess(members: readonly ZNetMember[]): boolean {
  return members.length > 1 && members.some((m) => !m.public);
}

function apply(compiled: CompiledZNetInput, members: readonly ZNetMember[], accessNode: number, version: number, before: ReadonlyMap<number, AppliedConfig>, env: ApplyEnv): ZNet {
  const isUp = env.isUp ?? (() => true);
  const peers = meshPeers(members, accessNode);
  const applied = new Map<number, AppliedConfig>();
  for (const m of members) {
    if (isUp(m.node)) applied.set(m.node, { version, peers: peers.get(m.node)! });
    else if (before.has(m.node)) applied.set(m.node, before.get(m.node)!);
  }
  return { name: compiled.name, ipRange: compiled.ipRange, members, accessNode, version, applied };
}

/** The up public member with the least summed latency to the hidden members; -1 when none is up. */
function chooseAccess(members: readonly ZNetMember[], env: ApplyEnv): number {
  const isUp = env.isUp ?? (() => true);
  const hidden = members.filter((m) => !m.public);
  let best = -1;
  let bestCostS = Infinity;
  for (const m of members) {
    if (!m.public || !isUp(m.node)) continue;
    const costS = env.latencyS === undefined ? 0 : hidden.reduce((sum, h) => sum + env.latencyS!(m.node, h.node), 0);
    // Members are sorted by id, so a strict comparison keeps the lower id on ties; an unreachable
    // candidate (Infinity) is still better than none.
    if (best < 0 || costS < bestCostS) [best, bestCostS] = [m.node, costS];
  }
  return best;
}

/** The node's public IPv4, or a stable stand-in from 198.18.0.0/15 (the benchmarking range). */
function endpointOf(node: number, port: number, info: NodeNetInfo): string {
  if (!info.isPublic(node)) return '';
  const given = info.publicIpv4?.(node);
  if (given !== undefined && parseIpv4(given) >= 0) return `${given}:${port}`;
  const base = parseIpv4('198.18.0.0');
  return `${formatIpv4(base + 1 + (node % (2 ** 17 - 2)))}:${port}`;
}
