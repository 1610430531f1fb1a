// The run's headline figures as named metrics with units, shared by summary.csv and the HTML table.
// Leaves out how each is computed: the recorder and capacity.ts own that.

import type { CapacityPlan } from './capacity.js';
import { resourceNames, type RunRecord } from './types.js';

export type SummaryEntry = readonly [metric: string, value: number | string];

export function summaryEntries(record: RunRecord, plan: CapacityPlan): SummaryEntry[] {
  const ops = record.operations;
  const opsCount = ops.reduce((a, o) => a + o.count, 0);
  const errors = ops.reduce((a, o) => a + o.errors, 0);
  const { availability: av, durability: du, headroom: hr } = plan;
  return [
    ['scenario', record.scenario],
    ['seed', record.seed],
    ['simulatedS', record.endS - record.startS],
    ['bucketS', record.bucketS],
    ['nodesCount', record.nodes.length],
    ['opsCount', opsCount],
    ['opsErrorCount', errors],
    ...ops.map((o): SummaryEntry => [`${o.kind}.latencyMsP99`, o.latencyMs.p99]),
    ...resourceNames.map((r): SummaryEntry => [`${r}UsedFractionMean`, record.totals.usedFractionMean[r]]),
    ...resourceNames.map((r): SummaryEntry => [`${r}UsedFractionPeak`, record.totals.usedFractionPeak[r]]),
    ...hr.resources.map((h): SummaryEntry => [`${h.resource}HeadroomLoadMultiplier`, h.loadMultiplier]),
    ...hr.resources.map((h): SummaryEntry => [`${h.resource}HeadroomCapacityLossFraction`, h.capacityLossFraction]),
    ['headroomBindingResourceName', hr.binding ?? ''],
    ['nodeAvailabilityFraction', av.estimate],
    ['nodeAvailabilityFractionLow95', av.low],
    ['nodeAvailabilityFractionHigh95', av.high],
    ['nodeDownEpisodesCount', av.downEpisodes],
    ['availabilityCorrelationS', av.correlationS],
    ['workloadsReplacedCount', record.totals.workloadsReplaced],
    ...deploymentEntries(record),
    ['repairBytes', record.totals.repairBytes],
    ['zstorStoredBytesMean', record.totals.zstorStoredBytesMean],
    ['zstorExposureTBYears', du.exposureTBYears],
    ['zstorObjectsLostCount', du.objectsLost],
    ['zstorLostBytes', du.lostBytes],
    ['zstorObjectsLostPerTBYear', du.objectsLostPerTBYear],
    ['zstorObjectsLostPerTBYearUpper95', du.objectsLostPerTBYearUpper95],
    ['zstorNomdlBytesPerTB', du.nomdlBytesPerTB],
    ['zstorLostBytesPerTBYear', du.lostBytesPerTBYear],
    ['percentileExactSamplesCount', record.exactSamples],
    ['percentileRelativeErrorFraction', record.relativeAccuracy],
    ...record.totals.events.map(([kind, n]): SummaryEntry => [`${kind}.eventsCount`, n]),
  ];
}

/** Deployment availability and healing, only for records that tracked them (the others keep their rows). */
function deploymentEntries(record: RunRecord): SummaryEntry[] {
  const d = record.deployments;
  if (d === undefined) return [];
  return [
    ['deploymentsAvailableFractionMin', d.availableFractionMin],
    ['deploymentsAvailableFractionMinAtS', d.availableFractionMinAtS],
    ['deploymentsAvailableFractionMean', d.availableFractionMean],
    ['deploymentsBelowThreeNinesS', d.belowThreeNinesS],
    ['deploymentsBelowFourNinesS', d.belowFourNinesS],
    ['healingReplacementsCount', d.replacements],
    ['healingRepairsCount', d.repairs],
    ['healingReappliesCount', d.reapplies],
  ];
}
