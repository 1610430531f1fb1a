// The network as scenarios: planetary root loss, a bridge link, the root as a hot spot, and a real farm
// partition (links cut, nodes on), each with its measured outcome as invariants. Leaves out Z-Nets and gateways.

import type { GridSpec } from '../../sim/grid/grid-spec.js';
import type { Scenario } from '../scenario.js';

/** Probe traffic for all of them: 20 random pairs every 10 s of virtual time. */
const probes = { intervalS: 10, pairs: 20 } as const;

const base = {
  grid: 'farm100',
  durationS: '20m',
  convergeWithinS: '30m',
  probes,
} as const satisfies Partial<Scenario>;

/**
 * Two farms: the underlay joins sites to their nearest sites, so with two there is exactly one site
 * link, and every path between the farms (and the overlay's inter-site peerings) rides on it.
 * Underlay ids: nodes 0–25, farm-main's site 26, farm-edge's site 27.
 */
const bridgeGrid: GridSpec = {
  farms: [
    { name: 'farm-main', publicIpv4Count: 8, nodes: [{ template: 'farmer-server', count: 20 }] },
    { name: 'farm-edge', publicIpv4Count: 2, nodes: [{ template: 'diy-small', count: 6 }] },
  ],
};

export const networkScenarios: readonly Scenario[] = [
  {
    ...base,
    name: 'net-planetary-root-loss',
    description: 'The Planetary Network root powers off: delivery dips while its record lingers (router timeout), then recovers under a new root',
    faults: [{ kind: 'planetary-root-loss', atS: '5m' }],
    invariants: [
      { kind: 'planetary-delivery-dips', below: 0.9 },
      { kind: 'planetary-delivery', min: 0.99 },
      { kind: 'no-partition-at-end' },
      { kind: 'converged' },
    ],
  },
  {
    ...base,
    name: 'net-bridge-link-cut',
    description: 'A farm joined to the rest by one underlay link: cutting it splits the grid in two, probes across fail; healed, delivery is back',
    grid: bridgeGrid,
    faults: [{ kind: 'link-cut', a: 26, b: 27, atS: '5m' }],
    invariants: [
      { kind: 'network-partitions', atS: '6m', min: 1, max: 1 },
      { kind: 'planetary-delivery-dips', below: 0.8 },
      { kind: 'max-down-fraction', fraction: 0 },
      { kind: 'no-partition-at-end' },
      { kind: 'planetary-delivery', min: 0.99 },
    ],
  },
  {
    ...base,
    name: 'net-root-hot-spot',
    description: 'Greedy tree routing sends paths between subtrees through their common ancestor: the root carries ~3x an average node\'s transit share, and its successor inherits the hot spot',
    faults: [{ kind: 'planetary-root-loss', atS: '5m' }],
    invariants: [
      { kind: 'root-path-share', min: 0.1, atS: '4m' },
      { kind: 'root-path-share', min: 0.1 },
      { kind: 'planetary-delivery-dips', below: 0.9 },
      { kind: 'planetary-delivery', min: 0.99 },
    ],
  },
  {
    ...base,
    name: 'net-farm-partition-healed',
    description: 'A real partition: farm-north loses every site link for 10 min (its nodes stay on); after the heal the grid is one piece and delivers again',
    faults: [{ kind: 'partition-farms', farms: ['farm-north'], atS: '5m', durationS: '10m' }],
    invariants: [
      { kind: 'network-partitions', atS: '10m', min: 1, max: 1 },
      { kind: 'network-partitions', atS: '19m', min: 0, max: 0 },
      { kind: 'planetary-delivery-dips', below: 0.8 },
      { kind: 'max-down-fraction', fraction: 0 },
      { kind: 'no-partition-at-end' },
      { kind: 'planetary-delivery', min: 0.99 },
    ],
  },
];
