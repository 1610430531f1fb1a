// What a fault key does to the run: the harness's fault aimed at the cursor's node or farm, or at the
// next target round robin, and the line the header then shows. Leaves out the faults themselves
// (scenarios/live.ts) and the cursor's moves (cursor.ts).

import type { LiveRun } from '../../scenarios/live.js';
import type { FaultKind } from './keys.js';

export interface FaultTarget {
  /** The cursor's node, or undefined for the next one round robin. */
  readonly node: number | undefined;
  readonly farm: number | undefined;
}

/** Injects one fault and says what happened, as one line for the header. */
export function injectFault(run: LiveRun, fault: FaultKind, target: FaultTarget): string {
  const { node, farm } = target;
  switch (fault) {
    case 'kill': {
      const n = run.killNode(node);
      return n === null ? (node === undefined ? 'no node up to kill' : `node ${node} is not up`) : `killed node ${n}${farmOf(run, n)}`;
    }
    case 'repair': {
      const n = run.repairNode(node);
      return n === null ? (node === undefined ? 'no node is down' : `node ${node} is not down`) : `repaired node ${n}${farmOf(run, n)}`;
    }
    case 'reboot': {
      const n = run.rebootNode(node);
      return n === null ? (node === undefined ? 'no node up to reboot' : `node ${node} is not up`) : `rebooted node ${n}${farmOf(run, n)}`;
    }
    case 'disk': {
      const d = run.failDisk(node);
      return d === null ? (node === undefined ? 'no healthy disk' : `node ${node}: no healthy HDD, or not up`) : `failed HDD ${d.disk} of node ${d.node}${farmOf(run, d.node)}`;
    }
    case 'partition': {
      const f = run.partitionFarm(farm);
      return f === null ? 'no farm to cut off (see the log)' : `partitioned ${f}`;
    }
  }
}

/** " (farm-east)": which farm a node is in, so an aimed fault reads back where it landed. */
function farmOf(run: LiveRun, node: number): string {
  const farms = run.world.grid.farms;
  for (let f = 0; f < farms.farmCount; f++) if (node < farms.firstNode[f + 1]!) return ` (${farms.names[f]})`;
  return '';
}
