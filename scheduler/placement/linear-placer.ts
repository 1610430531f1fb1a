// The reference placement: the same fit test and ordering as CapacityIndex, by scanning every record.
// Kept for the property tests and as the benchmark's same-run baseline; O(N) per query by design.

import {
  applyPlacement,
  beats,
  compilePolicy,
  compileRequest,
  fitOnRecord,
  type CompiledRequest,
  type NodeCapacityRecord,
  type Placement,
  type PlacementPolicy,
  type PlacementRequest,
} from './capacity-record.js';
import type { PlaceManyOptions } from './capacity-index.js';

export class LinearPlacer {
  readonly policy: PlacementPolicy;
  private readonly records: NodeCapacityRecord[];
  private readonly slotOf = new Map<number, number>();

  constructor(records: readonly NodeCapacityRecord[], policy: Partial<PlacementPolicy> = {}) {
    this.policy = compilePolicy(policy);
    // A node listed twice: the later record wins, as in CapacityIndex.
    this.records = [];
    for (const r of records) {
      const slot = this.slotOf.get(r.node);
      if (slot === undefined) this.slotOf.set(r.node, this.records.push(r) - 1);
      else this.records[slot] = r;
    }
  }

  record(node: number): NodeCapacityRecord | undefined {
    const slot = this.slotOf.get(node);
    return slot === undefined ? undefined : this.records[slot];
  }

  place(request: PlacementRequest): Placement | undefined {
    return this.scan(compileRequest(request), new Set(), new Set());
  }

  placeMany(request: PlacementRequest, count: number, options: PlaceManyOptions = {}): Placement[] | undefined {
    const req = compileRequest(request);
    const nodes = new Set<number>();
    const farms = new Set<number>();
    const out: Placement[] = [];
    while (out.length < count) {
      const p = this.scan(req, nodes, farms);
      if (p === undefined) return undefined;
      out.push(p);
      nodes.add(p.node);
      if (options.distinctFarms === true) farms.add(p.farm);
    }
    return out;
  }

  reserve(p: Placement): void {
    const slot = this.slotOf.get(p.node)!;
    this.records[slot] = applyPlacement(this.records[slot]!, p, 1);
  }

  private scan(req: CompiledRequest, skipNodes: ReadonlySet<number>, skipFarms: ReadonlySet<number>): Placement | undefined {
    const excludeNodes = new Set(req.excludeNodes);
    const excludeFarms = new Set(req.excludeFarms);
    let best: Placement | undefined;
    let bestFree = -Infinity;
    let bestId = Infinity;
    for (const r of this.records) {
      if (excludeNodes.has(r.node) || skipNodes.has(r.node) || excludeFarms.has(r.farm) || skipFarms.has(r.farm)) continue;
      if (!beats(this.policy.weight, r.freeMruBytes, r.node, bestFree, bestId)) continue;
      const p = fitOnRecord(r, req, this.policy);
      if (p === undefined) continue;
      best = p;
      bestFree = r.freeMruBytes;
      bestId = r.node;
    }
    return best;
  }
}
