// The capacity-planning scenario: 10,000 nodes in 40 farms for a simulated year under field failure
// rates (ANCHORS.md §5). Every failure process is sampled lazily: no per-node periodic events.

import type { FarmSpec } from '../../sim/grid/grid-spec.js';
import type { Scenario } from '../scenario.js';

const farms: FarmSpec[] = Array.from({ length: 40 }, (_, i) => ({
  name: `farm-${String(i).padStart(2, '0')}`,
  publicIpv4Count: 16,
  nodes: [
    { template: 'farmer-server', count: 150 },
    { template: 'diy-small', count: 60 },
    { template: 'storage-heavy', count: 40 },
  ],
}));

export const capacity10kYear: Scenario = {
  name: 'capacity-10k-year',
  description: '10,000 nodes for a year: HDD AFR 1.5 %, SSD AFR 0.9 %, node crashes and farm-level outages, 3,000 deployments',
  grid: { farms },
  durationS: '1y',
  convergeWithinS: '6h',
  workload: [
    { name: 'dbs', kind: 'zdb', count: 2000, intervalS: { kind: 'exponential', meanS: 3600 }, diskBytes: 100 * 2 ** 30 },
    { name: 'vms', kind: 'vm', count: 1000, intervalS: { kind: 'exponential', meanS: 7200 }, memoryBytes: 4 * 2 ** 30, diskBytes: 50 * 2 ** 30 },
  ],
  faults: [
    { kind: 'disk-failures', hddAfr: 0.015, ssdAfr: 0.009, replaceAfterS: { kind: 'lognormal', mean: 3 * 86_400, sd: 2 * 86_400 } },
    // Node crashes (PSU, board, kernel): about one per node every 4 months, fixed in hours.
    { kind: 'node-failures', timeToFailureS: { kind: 'exponential', meanS: 120 * 86_400 }, timeToRepairS: { kind: 'lognormal', mean: 6 * 3600, sd: 12 * 3600 } },
    // Site-level events (power, uplink): every two weeks somewhere, 0.05–0.5 % of the grid for hours.
    { kind: 'correlated', intervalS: { kind: 'exponential', meanS: 14 * 86_400 }, fraction: { kind: 'uniform', min: 0.0005, max: 0.005 }, durationS: { kind: 'lognormal', mean: 3 * 3600, sd: 3 * 3600 } },
  ],
  invariants: [
    { kind: 'errors-terminal' },
    { kind: 'capacity-bounds' },
    { kind: 'disk-afr' },
    { kind: 'max-down-fraction', fraction: 0.05 },
    { kind: 'converged' },
    // SSD failures delete VMs for good (DOMAIN 5.1): most, not all, deployments are ok at the end.
    { kind: 'deployments-ok', minFraction: 0.9 },
  ],
};
