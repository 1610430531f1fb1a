// Placement over an index: a segment tree on buckets of node slots whose tree slots keep upper bounds
// (max free memory, largest SSD pool and HDD, IPv4, CPU headroom), so a query descends only where a fit may be.

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
import { GATES, gateDims, gateFrom, gateMin, gateTo, gatesFor } from './bound-gates.js';

export interface PlaceManyOptions {
  /** Each placement on a different farm: zstor backends in distinct failure groups (DOMAIN 3.2). */
  readonly distinctFarms?: boolean;
}

/** Writes v at a[i]; true if that changed it. A plain function: closures cost an allocation per call here. */
function put(a: Float64Array, i: number, v: number): boolean {
  if (a[i] === v) return false;
  a[i] = v;
  return true;
}

/**
 * Node slots per tree leaf. A leaf per node cost 2 × 23 joint bounds per tree slot, 880 MiB at a
 * million nodes; a bucket is scanned with the exact fit test instead, as the linear scan would, and
 * its bounds are folded from six numbers per node kept beside the records (50 MiB at a million).
 */
const bucketSlots = 8;

/** An indexed loop: for-of allocated an iterator per call here, once per record refreshed. */
function maxOf(values: readonly number[]): number {
  let m = -1;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return m;
}

/**
 * Nodes are updated one record at a time (O(log N)); `place` is a branch-and-bound descent that
 * prunes any subtree whose bounds cannot hold the request or cannot beat the best node found. It
 * chooses exactly the node a linear scan would (LinearPlacer), which the property tests check.
 */
export class CapacityIndex {
  readonly policy: PlacementPolicy;
  /** Leaves (buckets) of the tree; the bucket of node slot s is the leaf size + ⌊s / bucketSlots⌋. */
  private size = 1;
  // Per tree slot (1 = root, buckets at size + b): bounds over visible, up nodes; -1 when none.
  private mem = new Float64Array(2);
  private ssd = new Float64Array(2);
  private hdd = new Float64Array(2);
  private ip = new Float64Array(2);
  private cru = new Float64Array(2);
  private usedMin = new Float64Array(2);
  private minId = new Float64Array(2);
  // Joint bounds, GATES per tree slot: the max free memory among nodes that also pass a gate (CPU
  // headroom, largest SSD pool, largest HDD or free IPv4 at least a threshold). Separate maxima alone
  // let a memory-rich node whose CPU or SSD is spent vouch for a subtree, and the search wanders.
  private gated = new Float64Array(2 * GATES);
  // Beside each memory maximum, the lowest node id holding it: (max, id) bounds the (free, −id) key
  // lexicographically, so ties on free memory (common: sizes are whole GiB) prune as well.
  private memId = new Float64Array(2);
  private gatedId = new Float64Array(2 * GATES);
  private records: NodeCapacityRecord[] = [];
  // Per node slot, what its bucket's bounds fold: -1 (Infinity for used vCPUs) when hidden or down.
  private slotMem = new Float64Array(1);
  private slotSsd = new Float64Array(1);
  private slotHdd = new Float64Array(1);
  private slotIp = new Float64Array(1);
  private slotCru = new Float64Array(1);
  private slotUsed = new Float64Array(1);
  /** Exclusion depth per slot: hidden while > 0, so nested exclusions undo cleanly. */
  private hidden = new Uint16Array(1);
  private readonly slotOf = new Map<number, number>();
  private readonly farmSlots = new Map<number, number[]>();

  constructor(records: readonly NodeCapacityRecord[] = [], policy: Partial<PlacementPolicy> = {}) {
    this.policy = compilePolicy(policy);
    // Bulk load: slots first, then one O(N) bottom-up build instead of N climbs of the tree.
    const repeats: NodeCapacityRecord[] = [];
    for (const r of records) {
      if (this.slotOf.has(r.node)) {
        repeats.push(r);
        continue;
      }
      this.slotOf.set(r.node, this.records.length);
      this.farmList(r.farm).push(this.records.length);
      this.records.push(r);
    }
    this.grow(Math.max(1, this.records.length));
    // A node listed twice: the later record wins, as if it were observed later.
    for (const r of repeats) this.upsert(r);
  }

  get nodeCount(): number {
    return this.records.length;
  }

  record(node: number): NodeCapacityRecord | undefined {
    const slot = this.slotOf.get(node);
    return slot === undefined ? undefined : this.records[slot];
  }

  /** Adds a node or replaces what the scheduler knows about it (an observation arrived). */
  upsert(record: NodeCapacityRecord): void {
    let slot = this.slotOf.get(record.node);
    const added = slot === undefined;
    if (slot === undefined) {
      slot = this.records.length;
      if (slot >= this.size * bucketSlots) this.grow(this.size * bucketSlots * 2);
      this.slotOf.set(record.node, slot);
      this.farmList(record.farm).push(slot);
    } else if (this.records[slot]!.farm !== record.farm) {
      const old = this.farmList(this.records[slot]!.farm);
      old.splice(old.indexOf(slot), 1);
      this.farmList(record.farm).push(slot);
    }
    this.records[slot] = record;
    this.refresh(slot, added);
  }

  setUp(node: number, up: boolean): void {
    const r = this.record(node);
    if (r !== undefined && r.up !== up) this.upsert({ ...r, up });
  }

  /** The best node for the request under the policy, or undefined; reserves nothing. */
  place(request: PlacementRequest): Placement | undefined {
    const req = compileRequest(request);
    const undo = this.hide(req);
    try {
      return this.search(req);
    } finally {
      this.unhide(undo);
    }
  }

  /** The request on this one node (a caller who names the node), or undefined when it does not fit there. */
  placeOn(node: number, request: PlacementRequest): Placement | undefined {
    const r = this.record(node);
    return r === undefined ? undefined : fitOnRecord(r, compileRequest(request), this.policy);
  }

  /**
   * `count` placements on distinct nodes (and distinct farms if asked), chosen greedily best first;
   * undefined when fewer fit. Reserves nothing: the caller reserves what it actually deploys.
   */
  placeMany(request: PlacementRequest, count: number, options: PlaceManyOptions = {}): Placement[] | undefined {
    const req = compileRequest(request);
    const undo = this.hide(req);
    const out: Placement[] = [];
    try {
      while (out.length < count) {
        const p = this.search(req);
        if (p === undefined) return undefined;
        out.push(p);
        const slots = options.distinctFarms === true ? this.farmList(p.farm) : [this.slotOf.get(p.node)!];
        for (const s of slots) this.hideSlot(s, undo);
      }
      return out;
    } finally {
      this.unhide(undo);
    }
  }

  reserve(p: Placement): void {
    this.upsert(applyPlacement(this.mustRecord(p.node), p, 1));
  }

  release(p: Placement): void {
    this.upsert(applyPlacement(this.mustRecord(p.node), p, -1));
  }

  private mustRecord(node: number): NodeCapacityRecord {
    const r = this.record(node);
    if (r === undefined) throw new Error(`capacity index: node ${node} is unknown`);
    return r;
  }

  private farmList(farm: number): number[] {
    let list = this.farmSlots.get(farm);
    if (list === undefined) this.farmSlots.set(farm, (list = []));
    return list;
  }

  private hide(req: CompiledRequest): number[] {
    const undo: number[] = [];
    for (const node of req.excludeNodes) {
      const slot = this.slotOf.get(node);
      if (slot !== undefined) this.hideSlot(slot, undo);
    }
    for (const farm of req.excludeFarms) for (const s of this.farmSlots.get(farm) ?? []) this.hideSlot(s, undo);
    return undo;
  }

  private hideSlot(slot: number, undo: number[]): void {
    this.hidden[slot]!++;
    undo.push(slot);
    if (this.hidden[slot] === 1) this.refresh(slot);
  }

  private unhide(undo: readonly number[]): void {
    for (const slot of undo) {
      this.hidden[slot]!--;
      if (this.hidden[slot] === 0) this.refresh(slot);
    }
  }

  private search(req: CompiledRequest): Placement | undefined {
    const { ssd, hdd, ip, cru, usedMin, minId, size } = this;
    const ratio = this.policy.cpuOvercommit;
    const spread = this.policy.weight === 'spread';
    const gates = gatesFor(req);
    let best: Placement | undefined;
    let bestFree = -Infinity;
    let bestId = Infinity;
    const stack = [1];
    while (stack.length > 0) {
      const k = stack.pop()!;
      // Bounds first: nothing below k can hold the request, or nothing below can beat the best.
      const bk = this.bound(k, gates);
      const bkId = this.boundId;
      if (bk < req.mruBytes || ssd[k]! < req.maxSsd || hdd[k]! < req.maxHdd || ip[k]! < req.ipv4) continue;
      if (cru[k]! * ratio - usedMin[k]! < req.vcpus) continue;
      if (spread ? bk < bestFree || (bk === bestFree && bkId >= bestId) : minId[k]! >= bestId) continue;
      if (k >= size) {
        // A bucket: every visible, up node in it, as the linear scan tests them.
        const end = Math.min(this.records.length, (k - size + 1) * bucketSlots);
        for (let slot = (k - size) * bucketSlots; slot < end; slot++) {
          const r = this.records[slot]!;
          if (!r.up || this.hidden[slot] !== 0) continue;
          if (!beats(this.policy.weight, r.freeMruBytes, r.node, bestFree, bestId)) continue;
          const p = fitOnRecord(r, req, this.policy);
          if (p === undefined) continue;
          best = p;
          bestFree = r.freeMruBytes;
          bestId = r.node;
        }
        continue;
      }
      const l = 2 * k;
      const rt = l + 1;
      // Visit the more promising child first (it is pushed last): the best find comes early and prunes.
      let leftFirst = minId[l]! <= minId[rt]!;
      if (spread) {
        const bl = this.bound(l, gates);
        const il = this.boundId;
        const br = this.bound(rt, gates);
        leftFirst = bl > br || (bl === br && il <= this.boundId);
      }
      if (leftFirst) stack.push(rt, l);
      else stack.push(l, rt);
    }
    return best;
  }

  /** Id half of the last `bound` answer; a field, so the hot loop allocates no pair. */
  private boundId = Infinity;

  /** The (free, id) bound of tree slot k: the lexicographically tightest of the maxima that apply. */
  private bound(k: number, gates: readonly number[]): number {
    let b = this.mem[k]!;
    let id = this.memId[k]!;
    for (let j = 0; j < gates.length; j++) {
      const i = k * GATES + gates[j]!;
      const v = this.gated[i]!;
      if (v < b || (v === b && this.gatedId[i]! > id)) {
        b = v;
        id = this.gatedId[i]!;
      }
    }
    this.boundId = id;
    return b;
  }

  /**
   * Brings the bounds above `slot` up to date with its record. Most updates (a view read again, a
   * farm's IPv4 pool notice) leave a node's six numbers as they were: then nothing above changes.
   * A slot just added is always folded in: its bucket's lowest id may be its own.
   */
  private refresh(slot: number, added = false): void {
    const leaf = this.size + Math.floor(slot / bucketSlots);
    if (!this.setSlot(slot) && !added) return;
    this.setBucket(leaf);
    // Stop climbing once a slot's bounds come out unchanged: nothing above it can change either.
    for (let k = leaf >> 1; k >= 1; k >>= 1) if (!this.pull(k)) break;
  }

  /** The node slot's own bounds, from its record; false when they came out as they were. */
  private setSlot(slot: number): boolean {
    const r = this.records[slot]!;
    const live = r.up && this.hidden[slot] === 0;
    let changed = put(this.slotMem, slot, live ? r.freeMruBytes : -1);
    changed = put(this.slotSsd, slot, live ? maxOf(r.ssdFreeBytes) : -1) || changed;
    changed = put(this.slotHdd, slot, live ? maxOf(r.hddFreeBytes) : -1) || changed;
    changed = put(this.slotIp, slot, live ? r.freeIpv4 : -1) || changed;
    changed = put(this.slotCru, slot, live ? r.cru : -1) || changed;
    return put(this.slotUsed, slot, live ? r.usedVcpus : Infinity) || changed;
  }

  /** The bounds of tree leaf `leaf` (a bucket) over its node slots' bounds. */
  private setBucket(leaf: number): void {
    const first = (leaf - this.size) * bucketSlots;
    const end = Math.min(this.records.length, first + bucketSlots);
    const { mem, memId, gated, gatedId, slotMem, slotSsd, slotHdd, slotIp, slotCru, slotUsed } = this;
    const ratio = this.policy.cpuOvercommit;
    let bMem = -1;
    let bMemId = Infinity;
    let bSsd = -1;
    let bHdd = -1;
    let bIp = -1;
    let bCru = -1;
    let bUsed = Infinity;
    let bMinId = Infinity;
    const g0 = leaf * GATES;
    gated.fill(-1, g0, g0 + GATES);
    gatedId.fill(Infinity, g0, g0 + GATES);
    for (let slot = first; slot < end; slot++) {
      const node = this.records[slot]!.node;
      if (node < bMinId) bMinId = node;
      const free = slotMem[slot]!;
      if (free === -1) continue; // hidden or down: in no bound but the lowest id
      if (slotSsd[slot]! > bSsd) bSsd = slotSsd[slot]!;
      if (slotHdd[slot]! > bHdd) bHdd = slotHdd[slot]!;
      if (slotIp[slot]! > bIp) bIp = slotIp[slot]!;
      if (slotCru[slot]! > bCru) bCru = slotCru[slot]!;
      if (slotUsed[slot]! < bUsed) bUsed = slotUsed[slot]!;
      // (max, lowest id holding it), as pull() combines two children.
      if (free > bMem || (free === bMem && node < bMemId)) {
        bMem = free;
        bMemId = node;
      }
      scratchValues[0] = slotCru[slot]! * ratio - slotUsed[slot]!;
      scratchValues[1] = slotSsd[slot]!;
      scratchValues[2] = slotHdd[slot]!;
      scratchValues[3] = slotIp[slot]!;
      // A ladder's thresholds ascend: the first gate a slot fails, it fails every one above it too.
      for (let d = 0; d < gateDims; d++) {
        const value = scratchValues[d]!;
        for (let g = gateFrom[d]!; g < gateTo[d]! && value >= gateMin[g]!; g++) {
          const i = g0 + g;
          if (free > gated[i]! || (free === gated[i]! && node < gatedId[i]!)) {
            gated[i] = free;
            gatedId[i] = node;
          }
        }
      }
    }
    mem[leaf] = bMem;
    memId[leaf] = bMemId;
    this.ssd[leaf] = bSsd;
    this.hdd[leaf] = bHdd;
    this.ip[leaf] = bIp;
    this.cru[leaf] = bCru;
    this.usedMin[leaf] = bUsed;
    this.minId[leaf] = bMinId;
  }

  /** Recomputes slot k from its children; false when nothing changed. */
  private pull(k: number): boolean {
    const l = 2 * k;
    const r = l + 1;
    let changed = false;
    const ml = this.mem[l]!;
    const mr = this.mem[r]!;
    changed = put(this.mem, k, Math.max(ml, mr)) || changed;
    changed = put(this.memId, k, ml > mr ? this.memId[l]! : mr > ml ? this.memId[r]! : Math.min(this.memId[l]!, this.memId[r]!)) || changed;
    changed = put(this.ssd, k, Math.max(this.ssd[l]!, this.ssd[r]!)) || changed;
    changed = put(this.hdd, k, Math.max(this.hdd[l]!, this.hdd[r]!)) || changed;
    changed = put(this.ip, k, Math.max(this.ip[l]!, this.ip[r]!)) || changed;
    changed = put(this.cru, k, Math.max(this.cru[l]!, this.cru[r]!)) || changed;
    changed = put(this.usedMin, k, Math.min(this.usedMin[l]!, this.usedMin[r]!)) || changed;
    changed = put(this.minId, k, Math.min(this.minId[l]!, this.minId[r]!)) || changed;
    const g = this.gated;
    const gi = this.gatedId;
    for (let i = 0; i < GATES; i++) {
      const a = g[l * GATES + i]!;
      const b = g[r * GATES + i]!;
      changed = put(g, k * GATES + i, Math.max(a, b)) || changed;
      changed = put(gi, k * GATES + i, a > b ? gi[l * GATES + i]! : b > a ? gi[r * GATES + i]! : Math.min(gi[l * GATES + i]!, gi[r * GATES + i]!)) || changed;
    }
    return changed;
  }

  /** Reallocates for `capacity` node slots and rebuilds every bound bottom-up in O(N). */
  private grow(capacity: number): void {
    let size = 1;
    while (size * bucketSlots < capacity) size *= 2;
    const n = 2 * size;
    this.size = size;
    this.mem = new Float64Array(n).fill(-1);
    this.ssd = new Float64Array(n).fill(-1);
    this.hdd = new Float64Array(n).fill(-1);
    this.ip = new Float64Array(n).fill(-1);
    this.cru = new Float64Array(n).fill(-1);
    this.usedMin = new Float64Array(n).fill(Infinity);
    this.minId = new Float64Array(n).fill(Infinity);
    this.gated = new Float64Array(n * GATES).fill(-1);
    this.memId = new Float64Array(n).fill(Infinity);
    this.gatedId = new Float64Array(n * GATES).fill(Infinity);
    const slots = size * bucketSlots;
    const hidden = new Uint16Array(slots);
    hidden.set(this.hidden.subarray(0, Math.min(this.hidden.length, slots)));
    this.hidden = hidden;
    this.slotMem = new Float64Array(slots);
    this.slotSsd = new Float64Array(slots);
    this.slotHdd = new Float64Array(slots);
    this.slotIp = new Float64Array(slots);
    this.slotCru = new Float64Array(slots);
    this.slotUsed = new Float64Array(slots);
    for (let slot = 0; slot < this.records.length; slot++) this.setSlot(slot);
    for (let leaf = size; leaf < n; leaf++) this.setBucket(leaf);
    for (let k = size - 1; k >= 1; k--) this.pull(k);
  }
}

/** A leaf record's CPU headroom, largest SSD pool, largest HDD and IPv4, by gate dimension. */
const scratchValues = new Float64Array(4);
