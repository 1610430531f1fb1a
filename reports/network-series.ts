// Network figures per bucket: increases of world.net's cumulative counters (probes, gateway requests)
// and maxima of its gauges (links down, partitions). Leaves out time weighting: a gauge is its samples' max.

import type { NetworkCell, NetworkSample, NetworkTotals } from './types.js';

const zero: NetworkSample = { linksDown: 0, partitions: 0, znetMembersCutOff: 0, probesRouted: 0, probesDelivered: 0, meanStretch: NaN, gatewayRequests: 0, gatewayOk: 0 };

/** Σ stretch over delivered probes, recovered from the running mean (0 before any delivery). */
const stretchSum = (s: NetworkSample): number => (s.probesDelivered > 0 ? s.meanStretch * s.probesDelivered : 0);

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : NaN);

export class NetworkSeries {
  /** Counters as they stood when the open bucket began (the last sample before it). */
  private base: NetworkSample = zero;
  private held: NetworkSample = zero;
  private max = { linksDown: NaN, partitions: NaN, znetMembersCutOff: NaN };
  private readonly peak = { linksDown: 0, partitions: 0 };

  /**
   * Counters sampled exactly at the open bucket's end grew before it: the recorder calls this before
   * closing the bucket, so that those increases count in it and not in the next one.
   */
  countUntil(s: NetworkSample): void {
    this.held = { ...this.held, probesRouted: s.probesRouted, probesDelivered: s.probesDelivered, meanStretch: s.meanStretch, gatewayRequests: s.gatewayRequests, gatewayOk: s.gatewayOk };
  }

  observe(s: NetworkSample): void {
    this.held = s;
    this.max = { linksDown: maxOf(this.max.linksDown, s.linksDown), partitions: maxOf(this.max.partitions, s.partitions), znetMembersCutOff: maxOf(this.max.znetMembersCutOff, s.znetMembersCutOff) };
    this.peak.linksDown = Math.max(this.peak.linksDown, s.linksDown);
    this.peak.partitions = Math.max(this.peak.partitions, s.partitions);
  }

  /** Closes the open bucket; the held sample is present at the next one's first instant, as gauges are. */
  close(): NetworkCell {
    const now = this.held;
    const before = this.base;
    const routed = now.probesRouted - before.probesRouted;
    const delivered = now.probesDelivered - before.probesDelivered;
    const requests = now.gatewayRequests - before.gatewayRequests;
    const cell: NetworkCell = {
      probesRouted: routed,
      probesDelivered: delivered,
      deliveredFraction: ratio(delivered, routed),
      stretchMean: ratio(stretchSum(now) - stretchSum(before), delivered),
      linksDownMax: this.max.linksDown,
      partitionsMax: this.max.partitions,
      znetMembersCutOffMax: this.max.znetMembersCutOff,
      gatewayRequests: requests,
      gatewayOkFraction: ratio(now.gatewayOk - before.gatewayOk, requests),
    };
    this.base = now;
    this.max = { linksDown: now.linksDown, partitions: now.partitions, znetMembersCutOff: now.znetMembersCutOff };
    return cell;
  }

  totals(): NetworkTotals {
    const s = this.held;
    return {
      probesRouted: s.probesRouted,
      probesDelivered: s.probesDelivered,
      deliveredFraction: ratio(s.probesDelivered, s.probesRouted),
      stretchMean: s.probesDelivered > 0 ? s.meanStretch : NaN,
      linksDownPeak: this.peak.linksDown,
      partitionsPeak: this.peak.partitions,
      gatewayRequests: s.gatewayRequests,
      gatewayOkFraction: ratio(s.gatewayOk, s.gatewayRequests),
    };
  }
}

function maxOf(a: number, b: number): number {
  return a >= b ? a : b;
}
