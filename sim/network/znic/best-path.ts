// The lowest-latency available path between two zmachines among their NICs: the public internet
// (underlay shortest path to the target's public IP), their shared Z-Net, and the Planetary Network.
// Leaves out bandwidth, loss and mycelium: a path is either up with a one-way latency or down with a reason.

import type { RouteResult } from '../planetary/greedy.js';
import { znetPath } from '../znet/reach.js';
import type { ZNet } from '../znet/znet.js';
import type { ZMachineNics } from './nics.js';

export type PathKind = 'znet' | 'public' | 'planetary';

/** Candidates in tie-break order: the private network first (it stays inside WireGuard), the overlay last. */
export const pathKinds: readonly PathKind[] = ['znet', 'public', 'planetary'];

export type PathCandidate =
  | { readonly kind: PathKind; readonly available: true; readonly latencyS: number; readonly hops: number }
  | { readonly kind: PathKind; readonly available: false; readonly reason: string };

export type BestPath =
  | { readonly found: true; readonly best: PathCandidate & { readonly available: true }; readonly candidates: readonly PathCandidate[] }
  | { readonly found: false; readonly reason: string; readonly candidates: readonly PathCandidate[] };

/** What PlanetaryOverlay offers: a route traced with fresh coordinates (no session state touched). */
export interface PlanetaryRouter {
  route(src: number, dst: number): RouteResult;
}

export interface PathEnv {
  isUp(node: number): boolean;
  /** Underlay one-way latency between grid nodes (UnderlayLatency.latencyS). */
  latencyS(a: number, b: number): number;
  /** The user's network by name. */
  network(name: string): ZNet | undefined;
  readonly planetary?: PlanetaryRouter;
  /** Grid node → overlay node; required with `planetary`. */
  overlayNodeOf?(node: number): number;
}

export function bestPath(from: ZMachineNics, to: ZMachineNics, env: PathEnv): BestPath {
  const candidates = pathKinds.map((kind) => candidate(kind, from, to, env));
  let best: (PathCandidate & { available: true }) | undefined;
  for (const c of candidates) if (c.available && (best === undefined || c.latencyS < best.latencyS)) best = c;
  if (best !== undefined) return { found: true, best, candidates };
  const reason = candidates.map((c) => `${c.kind}: ${c.available ? 'up' : c.reason}`).join('; ');
  return { found: false, reason: `no path from ${from.workloadId} to ${to.workloadId} (${reason})`, candidates };
}

export function candidate(kind: PathKind, from: ZMachineNics, to: ZMachineNics, env: PathEnv): PathCandidate {
  const down = (reason: string): PathCandidate => ({ kind, available: false, reason });
  for (const node of [from.node, to.node]) if (!env.isUp(node)) return down(`node ${node} is down`);
  if (kind === 'public') {
    if (to.public?.ipv4 === undefined && to.public?.ipv6 === undefined) return down(`${to.workloadId} has no public IP`);
    const latencyS = env.latencyS(from.node, to.node);
    return Number.isFinite(latencyS) ? { kind, available: true, latencyS, hops: 1 } : down('the underlay cuts the two nodes apart');
  }
  if (kind === 'znet') {
    if (from.private.network !== to.private.network) return down('not on the same network');
    const net = env.network(from.private.network);
    if (net === undefined) return down(`network ${from.private.network} is gone`);
    const path = znetPath(net, from.node, to.node, env);
    return path.reachable ? { kind, available: true, latencyS: path.latencyS, hops: path.hops.length } : down(path.reason);
  }
  if (from.planetary === undefined || to.planetary === undefined) return down(`${from.planetary === undefined ? from.workloadId : to.workloadId} has no planetary NIC`);
  if (env.planetary === undefined || env.overlayNodeOf === undefined) return down('no Planetary Network in this run');
  const route = env.planetary.route(env.overlayNodeOf(from.node), env.overlayNodeOf(to.node));
  return route.status === 'delivered' ? { kind, available: true, latencyS: route.latencyS, hops: route.hops } : down(`overlay route ${route.status} at node ${route.endNode}`);
}
