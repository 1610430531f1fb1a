// Reachability between two members' workloads over a Z-Net, by following each member's applied WireGuard
// peers as the kernel would (cryptokey routing), with each tunnel hop costed by the underlay's shortest path.
// Leaves out packet loss, MTU and handshake timing: a tunnel is up when both ends are up and configured.

import { cidrContainsIp } from './ipv4.js';
import type { WgPeer, ZNet } from './znet.js';
import { memberOf } from './znet.js';

export interface ReachEnv {
  readonly isUp: (node: number) => boolean;
  /** Underlay one-way latency between two grid nodes (Infinity when the underlay cuts them apart). */
  readonly latencyS: (a: number, b: number) => number;
}

/** One WireGuard tunnel crossed. */
export interface ZNetHop {
  readonly from: number;
  readonly to: number;
  readonly latencyS: number;
}

export type ZNetPath =
  | { readonly reachable: true; readonly hops: readonly ZNetHop[]; readonly latencyS: number }
  | { readonly reachable: false; readonly reason: string };

/**
 * The path from a workload on `from` to one on `to`: no hop on one node, one tunnel between public
 * members, two through the access node when a hidden member is involved. Reachable only if the
 * return path exists too, since a connection needs both directions.
 */
export function znetPath(net: ZNet, from: number, to: number, env: ReachEnv): ZNetPath {
  const forward = oneWay(net, from, to, env);
  if (!forward.reachable || from === to) return forward;
  const back = oneWay(net, to, from, env);
  return back.reachable ? forward : { reachable: false, reason: `return path: ${back.reason}` };
}

export function reachable(net: ZNet, from: number, to: number, env: ReachEnv): boolean {
  return znetPath(net, from, to, env).reachable;
}

function oneWay(net: ZNet, from: number, to: number, env: ReachEnv): ZNetPath {
  const src = memberOf(net, from);
  const dst = memberOf(net, to);
  if (src === undefined || dst === undefined) return { reachable: false, reason: `node ${src === undefined ? from : to} is not in network ${net.name}` };
  for (const node of [from, to]) if (!env.isUp(node)) return { reachable: false, reason: `node ${node} is down` };
  const hops: ZNetHop[] = [];
  const visited = new Set([from]);
  let at = from;
  let totalS = 0;
  while (at !== to) {
    const peer = routeFor(net, at, dst.subnet.base);
    if (peer === undefined) return { reachable: false, reason: `node ${at} has no peer for ${to}'s subnet` };
    const next = peer.node;
    if (next < 0 || visited.has(next)) return { reachable: false, reason: `node ${at} routes ${to}'s subnet ${next < 0 ? 'to an outside client' : 'in a loop'}` };
    if (!env.isUp(next)) return { reachable: false, reason: `hop node ${next} is down` };
    // Cryptokey routing on receipt: the receiver must know the sender and allow the packet's source.
    const back = net.applied.get(next)?.peers.find((p) => p.node === at);
    if (back === undefined || !back.allowedIps.some((c) => cidrContainsIp(c, src.subnet.base))) {
      return { reachable: false, reason: `node ${next} does not accept ${from}'s subnet from ${at} (stale mesh)` };
    }
    // A tunnel needs one side to know where the other is: two hidden ends never meet.
    if (peer.endpoint === '' && back.endpoint === '') return { reachable: false, reason: `neither ${at} nor ${next} has an endpoint for the other` };
    const latencyS = env.latencyS(at, next);
    if (!Number.isFinite(latencyS)) return { reachable: false, reason: `the underlay cuts ${at} from ${next}` };
    hops.push({ from: at, to: next, latencyS });
    totalS += latencyS;
    visited.add(next);
    at = next;
  }
  return { reachable: true, hops, latencyS: totalS };
}

/** The peer whose allowed IPs hold the address, the most specific range winning, as a routing table would. */
function routeFor(net: ZNet, node: number, address: number): WgPeer | undefined {
  let best: WgPeer | undefined;
  let bestPrefix = -1;
  for (const peer of net.applied.get(node)?.peers ?? []) {
    for (const c of peer.allowedIps) {
      if (c.prefix > bestPrefix && cidrContainsIp(c, address)) [best, bestPrefix] = [peer, c.prefix];
    }
  }
  return best;
}
