// The figures `validate stretch` prints first for either overlay (issue 15's contract), in order.
// Each overlay's report extends this with its own extras.

/** p10, median and p90 of a per-tree mean hop stretch (per root for Yggdrasil, per destination for Mycelium). */
export interface StretchSpread {
  readonly p10: number;
  readonly median: number;
  readonly p90: number;
}

export interface StretchFigures {
  readonly nodes: number;
  readonly edges: number;
  readonly meanStretch: number;
  readonly p99Stretch: number;
  readonly maxStretch: number;
  readonly meanLatencyStretch: number | null;
  readonly deliveryRatio: number;
  readonly meanRoutingEntries: number;
  readonly maxRoutingEntries: number;
  readonly roots: StretchSpread;
}
