// Per-node uptime bookkeeping for nodes.csv and availability: seconds up and down, and how often a
// node went down. Leaves out per-node utilisation, which would cost a gauge per node per bucket.

import { SimulationError } from '../sim/errors.js';
import type { NodeRecord, NodeRow, Resources } from './types.js';

interface NodeEntry {
  readonly id: string | number;
  farm: string;
  template: string;
  capacity: Resources | undefined;
  readonly firstSeenS: number;
  up: boolean;
  sinceS: number;
  upS: number;
  downS: number;
  downEvents: number;
}

export class NodeLedger {
  private readonly byId = new Map<string | number, NodeEntry>();

  record(nowS: number, node: NodeRecord): void {
    const entry = this.byId.get(node.id);
    if (entry === undefined) {
      this.byId.set(node.id, {
        id: node.id,
        farm: node.farm ?? '',
        template: node.template ?? '',
        capacity: node.capacity,
        firstSeenS: nowS,
        up: node.up,
        sinceS: nowS,
        upS: 0,
        downS: 0,
        downEvents: node.up ? 0 : 1,
      });
      return;
    }
    if (nowS < entry.sinceS) throw new SimulationError(`node ${String(node.id)} changed at ${nowS} s, before its change at ${entry.sinceS} s`);
    settle(entry, nowS);
    if (entry.up && !node.up) entry.downEvents += 1;
    entry.up = node.up;
    if (node.farm !== undefined) entry.farm = node.farm;
    if (node.template !== undefined) entry.template = node.template;
    if (node.capacity !== undefined) entry.capacity = node.capacity;
  }

  /** Every node's row at `endS`, sorted by id (numbers numerically, before strings). */
  rows(endS: number): NodeRow[] {
    return [...this.byId.values()].sort(byId).map((e) => {
      const upS = e.upS + (e.up ? Math.max(0, endS - e.sinceS) : 0);
      const downS = e.downS + (e.up ? 0 : Math.max(0, endS - e.sinceS));
      return { id: e.id, farm: e.farm, template: e.template, capacity: e.capacity, firstSeenS: e.firstSeenS, upS, downS, downEvents: e.downEvents, up: e.up };
    });
  }
}

function settle(e: NodeEntry, nowS: number): void {
  if (e.up) e.upS += nowS - e.sinceS;
  else e.downS += nowS - e.sinceS;
  e.sinceS = nowS;
}

function byId(a: NodeEntry, b: NodeEntry): number {
  if (typeof a.id === 'number' && typeof b.id === 'number') return a.id - b.id;
  if (typeof a.id === 'number') return -1;
  if (typeof b.id === 'number') return 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
