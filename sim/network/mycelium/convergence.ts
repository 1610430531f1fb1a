// Mycelium after link failures: routes for a set of destinations in use settle, then links fail one at
// a time (each leaving the graph connected); sampled source→destination pairs are followed after every
// routing event until the network is quiet again. Leaves out traffic-driven route requests and repairs.

import { RngStreams } from '../../engine/rng.js';
import { components, largestComponent, type Topology } from '../topology/graph.js';
import { helloBytes, helloIntervalS, ihuBytes, packetHeaderBytes, updateBytes, updateIntervalS } from './constants.js';
import type { DestinationTable } from './destination-table.js';
import { MyceliumNetwork, type FailureNotice, type MyceliumVersion, type SeqnoRequestRule } from './router.js';
import { followRoute, type FollowedRoute } from './routes.js';
import { percentile } from '../../engine/stats.js';
import { mean } from './stretch.js';

export interface ConvergenceOptions {
  readonly seed: string | number;
  readonly linkFailures: number;
  /** Destinations in use (default 64) and sources sampled per destination (default 8). */
  readonly destinations?: number;
  readonly sourcesPerDestination?: number;
  readonly notice?: FailureNotice;
  readonly version?: MyceliumVersion;
  /** 'mycelium' (default) or our 'rfc8966' proposal (router.ts SeqnoRequestRule). */
  readonly seqnoRequests?: SeqnoRequestRule;
  /** 'flood': each destination announces and its update flood runs; 'steady': the quiet-start fixed point (fast). */
  readonly setup?: 'flood' | 'steady';
  /** Virtual seconds from one failure to the next (default 120), at least until the network is quiet. */
  readonly failureGapS?: number;
  /** Called between failures; returning true stops early (SIGINT). */
  readonly shouldStop?: () => boolean;
}

export interface FailureResult {
  readonly edge: number;
  readonly failS: number;
  /** Delay until the later of the two ends removed the peer. */
  readonly detectionS: number;
  /** Delay until the last selected-route change anywhere. */
  readonly convergenceS: number;
  /** Pairs that could not deliver at some instant after the failure. */
  readonly pairsLost: number;
  /** Their delay until delivering for good: p50 / p99 (null when none was lost). */
  readonly pairConvergenceP50S: number | null;
  readonly pairConvergenceP99S: number | null;
  readonly lostPairSeconds: number;
  /** Lost pairs that were delivering again within detection + the bound. */
  readonly pairsWithinBound: number;
}

export interface ConvergenceReport {
  readonly nodes: number;
  readonly edges: number;
  readonly overlay: 'mycelium';
  readonly version: MyceliumVersion;
  readonly seqnoRequests: SeqnoRequestRule;
  readonly notice: FailureNotice;
  readonly destinations: number;
  readonly pairs: number;
  readonly linkFailures: number;
  readonly convergenceS: { readonly p50: number; readonly p99: number };
  readonly pairConvergenceS: { readonly p50: number | null; readonly p99: number | null };
  readonly detectionS: { readonly p50: number; readonly p99: number };
  readonly pairsLost: number;
  readonly lostPairSeconds: number;
  /** Seconds after detection within which lost pairs must deliver again: 10 (5 on a connection error). */
  readonly boundAfterDetectionS: number;
  /** Fraction of lost pairs delivering again within detection + bound (1 when none was lost). */
  readonly withinBoundRatio: number;
  /** Pairs still undeliverable at the end (must be 0: every failure leaves the graph connected). */
  readonly pairsUndeliveredAtEnd: number;
  /**
   * Why, by where their packet stops: 'no-route' (a node with no selected route: its route requests
   * die out within 16 generations, or it waits for an answer), 'hop-limit' (a stale selected path
   * longer than the 64-hop limit: 0.7.x re-announces selected routes only on a change), 'loop',
   * 'link-down'.
   */
  readonly undeliveredAtEndBy: Readonly<Record<FollowedRoute['failure'], number>>;
  readonly controlBytesPerNodePerMinute: {
    readonly leaf: ControlBytes;
    readonly hub: ControlBytes;
  };
  readonly failures: readonly FailureResult[];
}

export interface ControlBytes {
  readonly nodes: number;
  readonly degree: number;
  /** Hellos, IHUs and the own-subnet re-announcement every 300 s: steady background. */
  readonly keepalive: number;
  /** Updates and requests sent during the run's failures (routing events). */
  readonly routing: number;
}

/** Each pair in use sends a packet per second; after 5 minutes a still-lost pair stops being retried. */
const packetIntervalS = 1;
const trafficHorizonS = 300;

interface Pair {
  readonly table: DestinationTable;
  readonly source: number;
}

export function measureMyceliumConvergence(topology: Topology, options: ConvergenceOptions): ConvergenceReport {
  const notice = options.notice ?? 'silent';
  const net = new MyceliumNetwork(topology, { seed: options.seed, ...(options.version && { version: options.version }), ...(options.seqnoRequests && { seqnoRequests: options.seqnoRequests }) });
  const streams = new RngStreams(options.seed);
  const rng = streams.stream('mycelium/convergence');
  const members = largestComponent(components(topology));
  const pairs = choosePairs(net, members, options, rng.fork('pairs'));
  net.controlBytes.fill(0);
  const startS = net.nowS;
  const gapS = options.failureGapS ?? 120;
  const boundS = notice === 'connection-error' ? 5 : 10;
  const failures: FailureResult[] = [];
  const linkRng = rng.fork('links');
  const delivering = new Uint8Array(pairs.length).fill(1);
  for (let i = 0; i < options.linkFailures && !(options.shouldStop?.() ?? false); i++) {
    const edge = pickLink(net, linkRng);
    if (edge === -1) break;
    net.run(Math.max(net.nowS, startS + i * gapS));
    failures.push(observeFailure(net, pairs, delivering, edge, notice, boundS));
  }
  let undelivered = 0;
  const undeliveredAtEndBy: Record<FollowedRoute['failure'], number> = { none: 0, 'no-route': 0, 'link-down': 0, loop: 0, 'hop-limit': 0 };
  for (const p of pairs) {
    const route = followRoute(net, p.table, p.source);
    if (route.delivered) continue;
    undelivered++;
    undeliveredAtEndBy[route.failure]++;
  }
  const minutes = Math.max(1e-9, (net.nowS - startS) / 60);
  const lost = failures.flatMap((f) => (f.pairsLost > 0 ? [f] : []));
  const lostPairs = failures.reduce((a, f) => a + f.pairsLost, 0);
  const within = failures.reduce((a, f) => a + f.pairsWithinBound, 0);
  const conv = failures.map((f) => f.convergenceS).sort((a, b) => a - b);
  const det = failures.map((f) => f.detectionS).sort((a, b) => a - b);
  const pairP50 = lost.map((f) => f.pairConvergenceP50S!).sort((a, b) => a - b);
  const pairP99 = lost.map((f) => f.pairConvergenceP99S!).sort((a, b) => a - b);
  return {
    nodes: topology.nodeCount,
    edges: topology.edgeCount,
    overlay: 'mycelium',
    version: net.version,
    seqnoRequests: net.seqnoRequests,
    notice,
    destinations: net.tables.size,
    pairs: pairs.length,
    linkFailures: failures.length,
    convergenceS: { p50: percentile(conv, 0.5), p99: percentile(conv, 0.99) },
    pairConvergenceS: { p50: pairP50.length === 0 ? null : percentile(pairP50, 0.5), p99: pairP99.length === 0 ? null : percentile(pairP99, 0.99) },
    detectionS: { p50: percentile(det, 0.5), p99: percentile(det, 0.99) },
    pairsLost: lostPairs,
    lostPairSeconds: failures.reduce((a, f) => a + f.lostPairSeconds, 0),
    boundAfterDetectionS: boundS,
    withinBoundRatio: lostPairs === 0 ? 1 : within / lostPairs,
    pairsUndeliveredAtEnd: undelivered,
    undeliveredAtEndBy,
    controlBytesPerNodePerMinute: controlBytes(net, minutes),
    failures,
  };
}

function choosePairs(net: MyceliumNetwork, members: Int32Array, options: ConvergenceOptions, rng: ReturnType<RngStreams['stream']>): Pair[] {
  const destinationCount = Math.min(options.destinations ?? 64, members.length);
  const perDestination = options.sourcesPerDestination ?? 8;
  const pairs: Pair[] = [];
  const chosen = new Set<number>();
  while (chosen.size < destinationCount) chosen.add(members[rng.int(0, members.length)]!);
  for (const dest of chosen) {
    const table = options.setup === 'steady' ? net.installSteadyState(dest) : net.announce(dest);
    if (options.setup !== 'steady') net.run();
    table.takeChanged();
    for (let i = 0; i < perDestination && members.length > 1; i++) {
      let source = dest;
      while (source === dest) source = members[rng.int(0, members.length)]!;
      pairs.push({ table, source });
    }
  }
  return pairs;
}

/** A random live link whose loss keeps the graph connected (a bridge would cut some pairs for good). */
function pickLink(net: MyceliumNetwork, rng: ReturnType<RngStreams['stream']>): number {
  const { topology } = net;
  const before = largestComponent(components(topology, undefined, net.linkUp)).length;
  for (let attempt = 0; attempt < 64; attempt++) {
    const edge = rng.int(0, topology.edgeCount);
    if (net.linkUp[edge] === 0) continue;
    net.linkUp[edge] = 0;
    const after = largestComponent(components(topology, undefined, net.linkUp)).length;
    net.linkUp[edge] = 1;
    if (after === before) return edge;
  }
  return -1;
}

/** Fails `edge` now and steps the engine to quiescence, re-following the pairs of every table that changed. */
function observeFailure(net: MyceliumNetwork, pairs: readonly Pair[], delivering: Uint8Array, edge: number, notice: FailureNotice, boundS: number): FailureResult {
  const byTable = new Map<DestinationTable, number[]>();
  pairs.forEach((p, i) => {
    const list = byTable.get(p.table) ?? [];
    list.push(i);
    byTable.set(p.table, list);
  });
  const failure = net.failLink(edge, notice);
  const failS = failure.failS;
  const lostAtS = new Float64Array(pairs.length).fill(-1);
  const backAtS = new Float64Array(pairs.length).fill(-1);
  const everLost = new Uint8Array(pairs.length);
  let lostPairSeconds = 0;
  let lastChangeS = failS;
  const check = (indices: readonly number[]): void => {
    for (const i of indices) {
      const route = followRoute(net, pairs[i]!.table, pairs[i]!.source);
      // A packet meeting a node with no entry at all makes that node ask (router.rs route_packet, Routes::None).
      if (route.failure === 'no-route' && pairs[i]!.table.entryCount[route.at] === 0) net.requestRoute(route.at, pairs[i]!.table.dest);
      const ok = route.delivered ? 1 : 0;
      if (ok === delivering[i]) continue;
      delivering[i] = ok;
      if (ok === 0) {
        lostAtS[i] = net.nowS;
        everLost[i] = 1;
      } else {
        if (lostAtS[i]! >= 0) lostPairSeconds += net.nowS - lostAtS[i]!;
        backAtS[i] = net.nowS;
      }
    }
  };
  check(pairs.map((_, i) => i));
  const dirty = new Set<DestinationTable>();
  const previous = net.onRouteChange;
  net.onRouteChange = (table) => dirty.add(table);
  // Pairs in use send a packet every second: lost pairs are followed again on that beat, which is when
  // a node that purged its last (retracted) entry meets a packet and sends a route request.
  const beat = (): void => {
    const lost: number[] = [];
    for (let i = 0; i < pairs.length; i++) if (delivering[i] === 0) lost.push(i);
    if (lost.length === 0 || net.nowS - failS > trafficHorizonS) return;
    check(lost);
    net.sim.schedule(packetIntervalS, beat);
  };
  net.sim.schedule(packetIntervalS, beat);
  while (net.sim.step()) {
    if (dirty.size === 0) continue;
    lastChangeS = net.nowS;
    for (const table of dirty) {
      table.takeChanged();
      const list = byTable.get(table);
      if (list !== undefined) check(list);
    }
    dirty.clear();
  }
  net.onRouteChange = previous;
  const detectionS = Math.max(failure.detectedS[0], failure.detectedS[1]) - failS;
  const delays: number[] = [];
  let within = 0;
  for (let i = 0; i < pairs.length; i++) {
    if (everLost[i] === 0) continue;
    if (delivering[i] === 0) {
      lostPairSeconds += net.nowS - lostAtS[i]!;
      continue;
    }
    const delay = backAtS[i]! - failS;
    delays.push(delay);
    if (delay <= detectionS + boundS) within++;
  }
  delays.sort((a, b) => a - b);
  const lost = everLost.reduce((a, b) => a + b, 0);
  return {
    edge,
    failS,
    detectionS,
    convergenceS: lastChangeS - failS,
    pairsLost: lost,
    pairConvergenceP50S: delays.length === 0 ? null : percentile(delays, 0.5),
    pairConvergenceP99S: delays.length === 0 ? null : percentile(delays, 0.99),
    lostPairSeconds,
    pairsWithinBound: within,
  };
}

/** Leaves: nodes of the smallest degree; hubs: the top 1 % by degree. Keepalive traffic is analytic. */
function controlBytes(net: MyceliumNetwork, minutes: number): { leaf: ControlBytes; hub: ControlBytes } {
  const { topology } = net;
  const n = topology.nodeCount;
  const degree = (u: number): number => topology.offsets[u + 1]! - topology.offsets[u]!;
  const order = Array.from({ length: n }, (_, u) => u).filter((u) => degree(u) > 0).sort((a, b) => degree(a) - degree(b) || a - b);
  const minDegree = order.length === 0 ? 0 : degree(order[0]!);
  const leaves = order.filter((u) => degree(u) === minDegree);
  const hubs = order.slice(Math.max(0, order.length - Math.max(1, Math.ceil(order.length / 100))));
  // Per peer per minute: 3 hellos and 3 IHU replies, and a fifth of the 300 s own-subnet update.
  const perPeerPerMinute = (60 / helloIntervalS) * (2 * packetHeaderBytes + helloBytes + ihuBytes) + (60 / updateIntervalS) * (packetHeaderBytes + updateBytes);
  const summary = (nodes: readonly number[]): ControlBytes => ({
    nodes: nodes.length,
    degree: mean(nodes.map(degree)),
    keepalive: mean(nodes.map((u) => degree(u) * perPeerPerMinute)),
    routing: mean(nodes.map((u) => net.controlBytes[u]! / minutes)),
  });
  return { leaf: summary(leaves), hub: summary(hubs) };
}
