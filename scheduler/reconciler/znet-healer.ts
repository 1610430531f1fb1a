// Our self-healing for Z-Nets (zos's mesh is static: hidden members stay cut off until the network is
// re-applied): when a network's access node is lost, re-apply it through another public member.
// Bookkeeping only; the Reconciler sends the operations and writes the audit log.

import type { ZNetObservation } from './reconciler-types.js';

interface Attempts {
  failures: number;
  nextAttemptS: number;
}

/** What ended() tells the reconciler about a failed re-apply. */
export type ZNetFailure = { readonly gaveUp: false; readonly waitS: number } | { readonly gaveUp: true; readonly failures: number };

export class ZNetHealer {
  private readonly nets = new Map<string, ZNetObservation>();
  private readonly attempts = new Map<string, Attempts>();
  /** Networks with a re-apply in flight. */
  private readonly busy = new Set<string>();
  /** Observed since the last due(): a network no longer observed is gone, and forgotten. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly backoffBaseS: number,
    private readonly backoffMaxS: number,
    private readonly maxAttempts: number,
  ) {}

  /** Networks known (observed and not yet forgotten). */
  get size(): number {
    return this.nets.size;
  }

  observe(o: ZNetObservation): void {
    const before = this.nets.get(o.network);
    // A new access node: whatever failed before is history.
    if (before !== undefined && before.accessNode !== o.accessNode) this.attempts.delete(o.network);
    this.nets.set(o.network, o);
    this.seen.add(o.network);
  }

  /**
   * Networks to re-apply now: their access node is lost, or a member back from downtime runs an old
   * mesh; none is in flight and any backoff is over.
   */
  due(lost: { has(node: number): boolean }, nowS: number): string[] {
    for (const network of this.nets.keys()) if (!this.seen.has(network) && !this.busy.has(network)) this.nets.delete(network);
    this.seen.clear();
    const broken = (n: ZNetObservation): boolean => lost.has(n.accessNode) || n.staleMembers.length > 0;
    return [...this.nets.values()]
      .filter((n) => broken(n) && !this.busy.has(n.network) && nowS >= (this.attempts.get(n.network)?.nextAttemptS ?? 0))
      .map((n) => n.network)
      .sort();
  }

  started(network: string): void {
    this.busy.add(network);
  }

  /** A re-apply ended; a failure backs off, and after maxAttempts the network is given up (until its access node changes). */
  ended(network: string, ok: boolean, nowS: number): ZNetFailure | undefined {
    this.busy.delete(network);
    if (ok) {
      this.attempts.delete(network);
      return undefined;
    }
    const a = this.attempts.get(network) ?? { failures: 0, nextAttemptS: 0 };
    a.failures++;
    this.attempts.set(network, a);
    if (a.failures >= this.maxAttempts) {
      a.nextAttemptS = Infinity;
      return { gaveUp: true, failures: a.failures };
    }
    const waitS = Math.min(this.backoffMaxS, this.backoffBaseS * 2 ** (a.failures - 1));
    a.nextAttemptS = nowS + waitS;
    return { gaveUp: false, waitS };
  }

  /** The earliest instant a network may need a re-apply, given when each down node went down. */
  nextActionS(downSinceS: (node: number) => number | undefined, thresholdS: number): number | undefined {
    let next: number | undefined;
    for (const n of this.nets.values()) {
      const sinceS = n.staleMembers.length > 0 ? -thresholdS : downSinceS(n.accessNode);
      if (sinceS === undefined || this.busy.has(n.network)) continue;
      const atS = Math.max(sinceS + thresholdS, this.attempts.get(n.network)?.nextAttemptS ?? 0);
      if (atS === Infinity) continue;
      if (next === undefined || atS < next) next = atS;
    }
    return next;
  }
}
