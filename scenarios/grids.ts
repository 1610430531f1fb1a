// Named grid specs for `--grid NAME` and openSimTestbed: farms of the node templates in
// hardware-profiles/nodes/, and the flists their hub serves. Leaves out loading specs from files.

import { InputError } from '../sim/errors.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';

/** The official base image the example deployments boot from; every named grid's hub serves it. */
export const baseFlistUrl = 'https://hub.grid.tf/tf-official-apps/base:latest.flist';

export const grids = {
  /** Seven nodes in two farms (nodes 0–2 farmer-server, 3–4 diy-small, 5–6 storage-heavy). */
  small: {
    farms: [
      { name: 'farm-a', publicIpv4Count: 4, nodes: [{ template: 'farmer-server', count: 3 }, { template: 'diy-small', count: 2 }] },
      { name: 'farm-b', publicIpv4Count: 2, nodes: [{ template: 'storage-heavy', count: 2 }] },
    ],
  },
  /** A hundred nodes in four farms of 25 on four continents, each with every template (the DIY ones not certified). */
  farm100: {
    farms: ([['north', 'europe'], ['south', 'africa'], ['east', 'asia'], ['west', 'americas']] as const).map(([name, region]) => ({
      name: `farm-${name}`,
      publicIpv4Count: 16,
      region,
      nodes: [{ template: 'farmer-server', count: 15, certified: true }, { template: 'diy-small', count: 6, certified: false }, { template: 'storage-heavy', count: 4, certified: true }],
    })),
  },
} as const satisfies Record<string, GridSpec>;

export type GridName = keyof typeof grids;

export const gridNames = Object.keys(grids) as GridName[];

/** The spec called `name`, or bad input listing the names there are. */
export function gridByName(name: string, where = 'command line', field = '--grid'): GridSpec {
  if (!Object.hasOwn(grids, name)) throw new InputError(where, field, `no grid named '${name}' (valid: ${gridNames.join(', ')})`);
  return grids[name as GridName];
}
