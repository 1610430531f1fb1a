// The box at the top of report.html: what an operator or planner asks first, in words — how
// available deployments were (lowest, mean, time below three and four nines), how much healing it
// took, and which resource runs out first with how much load the grid could still take.

import type { CapacityPlan } from '../capacity.js';
import { formatNumber } from '../format.js';
import type { RunRecord } from '../types.js';
import { escapeXml } from './escape.js';

export function headlineBox(record: RunRecord, plan: CapacityPlan): string {
  const lines = [availabilityWords(record), headroomWords(plan)].filter((l) => l !== undefined);
  return `<div class="headline">${lines.map((l) => `<p>${escapeXml(l)}</p>`).join('')}</div>`;
}

function availabilityWords(record: RunRecord): string | undefined {
  const d = record.deployments;
  if (d === undefined) return undefined;
  const healing = d.replacements + d.repairs + d.reapplies === 0 ? 'no healing was needed' : `healing: ${d.replacements} re-placed, ${d.repairs} zstor repairs, ${d.reapplies} Z-Net re-applies`;
  return (
    `Deployment availability: lowest ${percent(d.availableFractionMin)} at ${duration(d.availableFractionMinAtS)}, ` +
    `mean ${percent(d.availableFractionMean)}; below 99.9 % for ${duration(d.belowThreeNinesS)} and below 99.99 % for ${duration(d.belowFourNinesS)}; ${healing}.`
  );
}

function headroomWords(plan: CapacityPlan): string {
  const binding = plan.headroom.resources.find((r) => r.resource === plan.headroom.binding);
  if (binding === undefined) return 'Headroom: no resource was used, so none binds.';
  return (
    `Headroom: ${resourceWords[binding.resource] ?? binding.resource} runs out first — its peak use was ${percent(binding.peakUsedFraction)} against a threshold of ` +
    `${percent(binding.thresholdFraction)}, so the grid takes about ${formatNumber(Number(binding.loadMultiplier.toFixed(1)))}× this load before placements fail.`
  );
}

/** zos's capacity names, said as a planner says them. */
const resourceWords: Readonly<Record<string, string>> = { cru: 'CPU (cru)', mru: 'memory (mru)', sru: 'SSD (sru)', hru: 'HDD (hru)' };

/** A share as a percentage rounded for people: enough digits to tell 99.9 % from 99.99 %. */
function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return 'n/a';
  const p = fraction * 100;
  return `${p >= 99 && p < 100 ? p.toFixed(3).replace(/0+$/, '').replace(/\.$/, '') : formatNumber(Number(p.toFixed(1)))} %`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${formatNumber(Math.round(seconds))} s`;
  if (seconds < 7200) return `${formatNumber(Number((seconds / 60).toFixed(1)))} min`;
  if (seconds < 4 * 86_400) return `${formatNumber(Number((seconds / 3600).toFixed(1)))} h`;
  return `${formatNumber(Number((seconds / 86_400).toFixed(1)))} d`;
}
