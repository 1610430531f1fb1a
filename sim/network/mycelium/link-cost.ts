// A Mycelium peer's link cost: the smoothed Hello→IHU time in whole milliseconds plus the transport's
// static per-hop cost. Leaves out queueing: the sample is the link's round trip, as on an idle link.

import type { Topology } from '../topology/graph.js';
import { defaultLinkCostMs, metricInfinite, smoothingDivisor, smoothingOldWeight, staticLinkCost, type PeerTransport } from './constants.js';

/**
 * One smoothing step (peer.rs set_link_cost): integer (9 × old + sample) / 10. From the 1000 ms start
 * it reaches the sample from above after about 66 hellos (22 min), which is why steady state uses the
 * sample itself.
 */
export function smoothLinkCostMs(oldMs: number, sampleMs: number): number {
  return Math.floor((oldMs * smoothingOldWeight + sampleMs * (smoothingDivisor - smoothingOldWeight)) / smoothingDivisor);
}

/** The Hello→IHU sample: router.rs handle_incoming_ihu takes whole milliseconds (as_millis) of the round trip. */
export function rttSampleMs(oneWayLatencyS: number): number {
  return Math.min(metricInfinite - 1, Math.floor(2 * oneWayLatencyS * 1000));
}

/** The cost each node sees towards each peer (peer.rs link_cost: smoothed + static), per half-edge, in steady state. */
export function steadyLinkCosts(topology: Topology, transport: PeerTransport = 'tcp6'): Uint16Array {
  const costs = new Uint16Array(topology.neighbours.length);
  for (let h = 0; h < costs.length; h++) costs[h] = Math.min(metricInfinite - 1, rttSampleMs(topology.latencyS[h]!) + staticLinkCost[transport]);
  return costs;
}

/** The smoothed cost after `hellos` samples from a new peer's 1000 ms start: how slowly a new link earns its true cost. */
export function linkCostAfterHellosMs(oneWayLatencyS: number, hellos: number): number {
  let cost = defaultLinkCostMs;
  for (let i = 0; i < hellos; i++) cost = smoothLinkCostMs(cost, rttSampleMs(oneWayLatencyS));
  return cost;
}

/** Metric addition (metric.rs Add): infinite absorbs, finite sums saturate one below infinite. */
export function addMetric(a: number, b: number): number {
  if (a === metricInfinite || b === metricInfinite) return metricInfinite;
  return Math.min(a + b, metricInfinite - 1);
}
