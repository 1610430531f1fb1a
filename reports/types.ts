// The recorder's inputs and its finished record, defined here so reports do not depend on the runner.
// Leaves out how a runner gathers these numbers; it only states what each one means and its unit.

/** Capacity along zos's four resource axes: cores, and bytes of memory, SSD and HDD. */
export interface Resources {
  readonly cru: number;
  readonly mruBytes: number;
  readonly sruBytes: number;
  readonly hruBytes: number;
}

export const resourceNames = ['cru', 'mru', 'sru', 'hru'] as const;
export type ResourceName = (typeof resourceNames)[number];

/** A snapshot of the grid's gauges; each value holds from its instant until the next sample. */
export interface GridSample {
  /** Reserved by workloads on nodes that are up. */
  readonly used: Resources;
  /** Total on nodes that are up, so a fraction describes the capacity that can serve load. */
  readonly total: Resources;
  readonly nodesUp: number;
  readonly nodesDown: number;
  readonly workloadsOk: number;
  readonly workloadsError: number;
  /** Operations accepted but not started. */
  readonly queueDepth: number;
  readonly zstorObjectsDegraded: number;
  /** Logical bytes stored in zstor, the exposure that durability is normalised by. */
  readonly zstorStoredBytes: number;
  /** Present only in runs that use the network; its absence keeps other reports as they were. */
  readonly net?: NetworkSample;
  /** Deployment availability and healing; absent in samples that do not track deployments. */
  readonly deployments?: DeploymentSample;
}

/**
 * Deployments as an operator counts them at one instant: the share available now (a gauge), and
 * the reconciler's healing actions, cumulative since the run began.
 */
export interface DeploymentSample {
  /** Available deployments / deployments counted (1 when none is counted yet). */
  readonly availableFraction: number;
  readonly replacements: number;
  readonly repairs: number;
  readonly reapplies: number;
}

/** One bucket of deployment figures: the fraction's time-weighted mean and its minimum, healing counts within it. */
export interface DeploymentCell {
  /** NaN when no sample covered any of the bucket. */
  readonly availableFractionMean: number;
  /** The lowest value present in the bucket, including the one held from before it. */
  readonly availableFractionMin: number;
  readonly replacements: number;
  readonly repairs: number;
  readonly reapplies: number;
}

/** Whole-run deployment figures. */
export interface DeploymentTotals {
  readonly availableFractionMin: number;
  /** First instant at which the minimum was reached. */
  readonly availableFractionMinAtS: number;
  /** Time-weighted mean of the fraction over the covered run (not weighted by deployments). */
  readonly availableFractionMean: number;
  /** Seconds the fraction spent below 99.9 % and below 99.99 %. */
  readonly belowThreeNinesS: number;
  readonly belowFourNinesS: number;
  readonly replacements: number;
  readonly repairs: number;
  readonly reapplies: number;
}

/** world.net's figures at one instant: gauges now, and counters cumulative since the run began. */
export interface NetworkSample {
  readonly linksDown: number;
  /** Extra connected pieces of the underlay (0 = one piece). */
  readonly partitions: number;
  readonly znetMembersCutOff: number;
  readonly probesRouted: number;
  readonly probesDelivered: number;
  /** Mean hop stretch over every probe delivered so far (NaN before the first). */
  readonly meanStretch: number;
  readonly gatewayRequests: number;
  readonly gatewayOk: number;
}

/** One bucket of network figures: counts are of samples' increases within it, gauges the samples' maxima. */
export interface NetworkCell {
  readonly probesRouted: number;
  readonly probesDelivered: number;
  /** probesDelivered / probesRouted within the bucket; NaN when none was routed. */
  readonly deliveredFraction: number;
  /** Mean hop stretch of the probes delivered within the bucket; NaN when none was. */
  readonly stretchMean: number;
  readonly linksDownMax: number;
  readonly partitionsMax: number;
  readonly znetMembersCutOffMax: number;
  readonly gatewayRequests: number;
  readonly gatewayOkFraction: number;
}

/**
 * Counted occurrences. Kinds the recorder knows feed timeseries columns; any other kind is only
 * counted, per kind, in summary.csv. `fields.bytes` and `fields.count` are read where named.
 */
export type EventKind =
  | 'workload-replaced' // one deployment moved to another node by the reconciler
  | 'repair' // zstor repair traffic: fields.bytes
  | 'object-lost' // zstor objects beyond repair: fields.count (default 1), fields.bytes
  | (string & {});

export type EventFields = Readonly<Record<string, number | string | boolean>>;

/** One finished operation. Latency is submitted → finished; wait is submitted → started. */
export interface OperationRecord {
  readonly id: string;
  readonly kind: string;
  readonly submittedS: number;
  readonly startedS: number;
  readonly finishedS: number;
  /** Anything but 'ok' counts as an error. */
  readonly state: 'ok' | 'error' | (string & {});
  readonly node?: string | number;
}

/** A node's registration or state change; capacity and labels may be given once. */
export interface NodeRecord {
  readonly id: string | number;
  readonly up: boolean;
  readonly farm?: string;
  readonly template?: string;
  readonly capacity?: Resources;
}

export interface RecorderOptions {
  /** Width of a timeseries bucket in simulated seconds, e.g. 3600 or 86400. */
  readonly bucketS: number;
  /** Simulated instant at which bucket 0 starts; defaults to 0. */
  readonly startS?: number;
  readonly seed: string | number;
  readonly scenario: string;
  /** Samples kept exactly per digest before it turns into a sketch; defaults to 1024. */
  readonly exactSamples?: number;
  /** The sketch's relative accuracy on any quantile; defaults to 0.01. */
  readonly relativeAccuracy?: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One closed bucket; NaN marks a value that was not measured (written as an empty cell). */
export interface BucketRow {
  readonly startS: number;
  readonly endS: number;
  readonly usedFractionMean: Readonly<Record<ResourceName, number>>;
  readonly usedFractionMax: Readonly<Record<ResourceName, number>>;
  readonly nodesUpMean: number;
  readonly nodesDownMean: number;
  readonly nodesDownMax: number;
  readonly workloadsOkMean: number;
  readonly workloadsErrorMean: number;
  readonly workloadsReplaced: number;
  readonly queueDepthMean: number;
  readonly queueDepthMax: number;
  readonly zstorObjectsDegradedMean: number;
  readonly zstorObjectsDegradedMax: number;
  readonly zstorObjectsLost: number;
  readonly repairBytes: number;
  readonly ops: OpsCell;
  /** Per operation kind, only for kinds that finished an operation in this bucket. */
  readonly opsByKind: ReadonlyMap<string, OpsCell>;
  /** Only in runs that use the network. */
  readonly net?: NetworkCell;
  /** Only in runs whose samples tracked deployments. */
  readonly deployments?: DeploymentCell;
}

export interface OpsCell {
  readonly count: number;
  readonly errors: number;
  readonly latencyMs: Percentiles;
}

export interface OperationRow {
  readonly kind: string;
  readonly count: number;
  readonly errors: number;
  readonly latencyMsMean: number;
  readonly latencyMs: Percentiles;
  readonly latencyMsMax: number;
  readonly waitMsMean: number;
  readonly waitMs: Percentiles;
}

export interface NodeRow {
  readonly id: string | number;
  readonly farm: string;
  readonly template: string;
  readonly capacity: Resources | undefined;
  readonly firstSeenS: number;
  readonly upS: number;
  readonly downS: number;
  readonly downEvents: number;
  readonly up: boolean;
}

/** Whole-run figures the summary and the capacity maths start from. */
export interface RunTotals {
  readonly usedFractionPeak: Readonly<Record<ResourceName, number>>;
  readonly usedFractionMean: Readonly<Record<ResourceName, number>>;
  readonly zstorStoredBytesMean: number;
  readonly zstorObjectsLost: number;
  readonly zstorLostBytes: number;
  readonly repairBytes: number;
  readonly workloadsReplaced: number;
  /** Every event kind with its count, sorted by kind. */
  readonly events: ReadonlyArray<readonly [string, number]>;
}

/** Everything a finished run recorded: plain data, the only input of the writers. */
export interface RunRecord {
  readonly seed: string;
  readonly scenario: string;
  readonly bucketS: number;
  readonly startS: number;
  readonly endS: number;
  /** Digest settings, so a reader can state the percentiles' error. */
  readonly exactSamples: number;
  readonly relativeAccuracy: number;
  readonly buckets: readonly BucketRow[];
  /** Operation kinds in code-unit order; `operations` and bucket columns follow it. */
  readonly kinds: readonly string[];
  readonly operations: readonly OperationRow[];
  readonly nodes: readonly NodeRow[];
  readonly totals: RunTotals;
  /** Whole-run network figures; present only when the run used the network. */
  readonly network?: NetworkTotals;
  /** Whole-run deployment availability and healing; present only when samples tracked deployments. */
  readonly deployments?: DeploymentTotals;
}

export interface NetworkTotals {
  readonly probesRouted: number;
  readonly probesDelivered: number;
  readonly deliveredFraction: number;
  readonly stretchMean: number;
  readonly linksDownPeak: number;
  readonly partitionsPeak: number;
  readonly gatewayRequests: number;
  readonly gatewayOkFraction: number;
}
