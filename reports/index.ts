// The reports layer's public API: a recorder the runner feeds, the record it produces, the writers
// and the capacity maths. Re-exported by name so that internals can move without breaking callers.

export { RunRecorder } from './recorder.js';
export { writeReports, reportFiles, type WriteReportsOptions } from './write-reports.js';
export { timeseriesCsv, nodesCsv, operationsCsv, summaryCsv } from './csv.js';
export { reportHtml } from './html/report-html.js';
export { QuantileDigest } from './quantile-digest.js';
export {
  capacityPlan,
  headroom,
  nodeAvailability,
  durability,
  wilsonInterval,
  poissonUpperBound,
  defaultThresholds,
  yearS,
  type CapacityPlan,
  type Headroom,
  type ResourceHeadroom,
  type Availability,
  type Durability,
  type Interval,
  type Thresholds,
} from './capacity.js';
export { formatNumber } from './format.js';
export {
  resourceNames,
  type Resources,
  type ResourceName,
  type GridSample,
  type EventKind,
  type EventFields,
  type OperationRecord,
  type NodeRecord,
  type RecorderOptions,
  type RunRecord,
  type BucketRow,
  type OperationRow,
  type NodeRow,
  type RunTotals,
  type OpsCell,
  type Percentiles,
} from './types.js';
