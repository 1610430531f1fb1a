// Weighted max-min fair sharing of link capacities among flows, by progressive filling (the "maxmin"
// objective of SimGrid's LMM solver). Pure and deterministic; it knows nothing of time, latency or TCP.

import { SimulationError } from '../errors.js';

/**
 * A max-min problem in compressed-row form, so a caller with thousands of flows builds it without one
 * object per flow. Flow f crosses links `linkIndex[k]` for k in [flowStart[f], flowStart[f + 1]) and
 * consumes `coefficient[k]` bytes of that link per byte of its own rate (1 for the data path; SimGrid
 * adds 0.05 on the reverse path for ACKs). A link listed twice for one flow simply adds up.
 */
export interface MaxMinSystem {
  /** Per link; Infinity never binds. */
  readonly capacityBytesPerS: Float64Array;
  /** Length flows + 1. */
  readonly flowStart: Int32Array;
  readonly linkIndex: Int32Array;
  /** Per entry of linkIndex; all 1 when absent. Must be > 0. */
  readonly coefficient?: Float64Array;
  /** Per flow: a cap of its own (a TCP window, a NIC, a user limit); Infinity when absent. */
  readonly boundBytesPerS?: Float64Array;
  /** Per flow: rates grow in proportion to weights (SimGrid's 1 / sharing penalty); 1 when absent. Must be > 0. */
  readonly weight?: Float64Array;
}

/** bottleneck[f] when the flow's own bound froze it. */
export const boundedByRate = -1;
/** bottleneck[f] when nothing finite limits the flow: its rate is Infinity. */
export const unconstrained = -2;

export interface MaxMinSolution {
  readonly rateBytesPerS: Float64Array;
  /** The link whose saturation froze each flow, or boundedByRate, or unconstrained. */
  readonly bottleneck: Int32Array;
}

/** The friendly form: one object per flow. */
export interface MaxMinFlow {
  readonly links: readonly number[];
  readonly coefficients?: readonly number[];
  readonly boundBytesPerS?: number;
  readonly weight?: number;
}

/** Builds the compressed form of `flows` and solves it. */
export function solveMaxMin(capacityBytesPerS: readonly number[], flows: readonly MaxMinFlow[]): MaxMinSolution {
  const flowStart = new Int32Array(flows.length + 1);
  for (let f = 0; f < flows.length; f++) flowStart[f + 1] = flowStart[f]! + flows[f]!.links.length;
  const entries = flowStart[flows.length]!;
  const linkIndex = new Int32Array(entries);
  const coefficient = new Float64Array(entries).fill(1);
  const boundBytesPerS = new Float64Array(flows.length);
  const weight = new Float64Array(flows.length);
  flows.forEach((flow, f) => {
    const start = flowStart[f]!;
    flow.links.forEach((link, i) => {
      linkIndex[start + i] = link;
      coefficient[start + i] = flow.coefficients?.[i] ?? 1;
    });
    boundBytesPerS[f] = flow.boundBytesPerS ?? Infinity;
    weight[f] = flow.weight ?? 1;
  });
  const capacity = Float64Array.from(capacityBytesPerS);
  return solveMaxMinSystem({ capacityBytesPerS: capacity, flowStart, linkIndex, coefficient, boundBytesPerS, weight });
}

/**
 * Progressive filling. Every unfrozen flow f runs at weight[f]·λ while a common level λ rises; a link
 * saturates at λ_l = (capacity left after frozen flows) / (Σ coefficient·weight of its unfrozen flows),
 * a bounded flow stops at bound/weight. Repeatedly take the lowest of these levels, freeze the flows it
 * limits, and subtract their use from every link they cross.
 *
 * Freezing a flow can only raise the level of the other links it crosses (what it leaves is at least
 * its fair part), so link levels sit in a min-heap with lazy deletion: an update pushes a new entry and
 * records the link's current level, and entries that no longer match it are skipped on pop. Bounds do not depend on other flows
 * and are sorted once. With F flows, L links and E = Σ path lengths, that is
 * O(F log F + (L + E) log(L + E)) time and O(F + L + E) memory, instead of the O(F·(L + F)) of the
 * textbook loop that rescans every link at each step. Ties go to the lower link index, then to links
 * before bounds, so the result does not depend on anything but the input.
 */
export function solveMaxMinSystem(system: MaxMinSystem): MaxMinSolution {
  checkSystem(system);
  const state = new FillState(system);
  state.freezeUnusedFlows();
  state.seedHeap();
  for (;;) {
    const linkLevel = state.lowestLinkLevel();
    const boundLevel = state.lowestBoundLevel();
    if (linkLevel === Infinity && boundLevel === Infinity) break;
    if (boundLevel < linkLevel) state.freezeAtBound();
    else state.saturateLowestLink();
  }
  state.freezeRemainingAsUnconstrained();
  return { rateBytesPerS: state.rate, bottleneck: state.bottleneck };
}

/** Programmer errors only: typed arrays would silently drop an out-of-range write and give wrong rates. */
function checkSystem(system: MaxMinSystem): void {
  const flowCount = system.flowStart.length - 1;
  const linkCount = system.capacityBytesPerS.length;
  const entries = system.linkIndex.length;
  if (flowCount < 0 || system.flowStart[0] !== 0 || system.flowStart[flowCount] !== entries) {
    throw new SimulationError(`max-min: flowStart must run from 0 to ${entries}`);
  }
  for (let k = 0; k < entries; k++) {
    const l = system.linkIndex[k]!;
    if (!(l >= 0 && l < linkCount)) throw new SimulationError(`max-min: link index ${l} outside [0, ${linkCount})`);
    if (system.coefficient !== undefined && !(system.coefficient[k]! > 0)) {
      throw new SimulationError(`max-min: coefficient ${system.coefficient[k]} must be > 0`);
    }
  }
  for (let l = 0; l < linkCount; l++) {
    if (!(system.capacityBytesPerS[l]! >= 0)) throw new SimulationError(`max-min: link ${l} capacity must be >= 0`);
  }
  for (let f = 0; f < flowCount; f++) {
    const w = system.weight?.[f] ?? 1;
    const b = system.boundBytesPerS?.[f] ?? Infinity;
    if (!(w > 0 && w < Infinity)) throw new SimulationError(`max-min: flow ${f} weight ${w} must be finite and > 0`);
    if (!(b >= 0)) throw new SimulationError(`max-min: flow ${f} bound ${b} must be >= 0`);
  }
}

/** The working arrays of one solve; each method is one step of the filling. */
class FillState {
  readonly rate: Float64Array;
  readonly bottleneck: Int32Array;
  private readonly flowCount: number;
  private readonly capacity: Float64Array;
  private readonly flowStart: Int32Array;
  private readonly linkIndex: Int32Array;
  private readonly coefficient: Float64Array | undefined;
  private readonly weight: Float64Array | undefined;
  private readonly bound: Float64Array | undefined;
  /** Capacity not used by frozen flows, Σ coefficient·weight and count of unfrozen entries, per link. */
  private readonly leftBytesPerS: Float64Array;
  private readonly unfrozenWeight: Float64Array;
  private readonly unfrozenEntries: Int32Array;
  /** The level of each link's live heap entry; NaN (equal to nothing) once saturated or emptied. */
  private readonly currentLevel: Float64Array;
  /** The transpose: the entries of link l are linkFlow[linkFlowStart[l] .. linkFlowStart[l + 1]). */
  private readonly linkFlowStart: Int32Array;
  private readonly linkFlow: Int32Array;
  private readonly frozen: Uint8Array;
  private readonly boundOrder: Int32Array;
  private boundNext = 0;
  private readonly heap: LevelHeap;

  constructor(system: MaxMinSystem) {
    const linkCount = system.capacityBytesPerS.length;
    this.flowCount = system.flowStart.length - 1;
    this.capacity = system.capacityBytesPerS;
    this.flowStart = system.flowStart;
    this.linkIndex = system.linkIndex;
    this.coefficient = system.coefficient;
    this.weight = system.weight;
    this.bound = system.boundBytesPerS;
    this.rate = new Float64Array(this.flowCount);
    this.bottleneck = new Int32Array(this.flowCount);
    this.frozen = new Uint8Array(this.flowCount);
    this.leftBytesPerS = Float64Array.from(system.capacityBytesPerS);
    this.unfrozenWeight = new Float64Array(linkCount);
    this.unfrozenEntries = new Int32Array(linkCount);
    this.currentLevel = new Float64Array(linkCount).fill(NaN);
    this.linkFlowStart = new Int32Array(linkCount + 1);
    this.linkFlow = new Int32Array(this.linkIndex.length);
    this.buildTranspose(linkCount);
    this.boundOrder = this.sortBoundedFlows();
    this.heap = new LevelHeap(linkCount + this.linkIndex.length);
  }

  private coefficientAt(k: number): number {
    return this.coefficient === undefined ? 1 : this.coefficient[k]!;
  }
  private weightOf(f: number): number {
    return this.weight === undefined ? 1 : this.weight[f]!;
  }
  private boundOf(f: number): number {
    return this.bound === undefined ? Infinity : this.bound[f]!;
  }

  /** Counting sort of the entries by link; also sums each link's unfrozen weight. */
  private buildTranspose(linkCount: number): void {
    const starts = this.linkFlowStart;
    for (let k = 0; k < this.linkIndex.length; k++) starts[this.linkIndex[k]! + 1]!++;
    for (let l = 0; l < linkCount; l++) starts[l + 1]! += starts[l]!;
    const fill = starts.slice(0, linkCount);
    for (let f = 0; f < this.flowCount; f++) {
      for (let k = this.flowStart[f]!; k < this.flowStart[f + 1]!; k++) {
        const l = this.linkIndex[k]!;
        this.linkFlow[fill[l]!++] = f;
        this.unfrozenWeight[l]! += this.coefficientAt(k) * this.weightOf(f);
        this.unfrozenEntries[l]!++;
      }
    }
  }

  /** Flows with a finite bound, by the level at which the bound stops them, then by index. */
  private sortBoundedFlows(): Int32Array {
    const bounded: number[] = [];
    for (let f = 0; f < this.flowCount; f++) if (this.boundOf(f) < Infinity) bounded.push(f);
    const level = (f: number): number => this.boundOf(f) / this.weightOf(f);
    bounded.sort((a, b) => level(a) - level(b) || a - b);
    return Int32Array.from(bounded);
  }

  /** A flow that crosses no link rides at its bound (or without limit): it needs no filling. */
  freezeUnusedFlows(): void {
    for (let f = 0; f < this.flowCount; f++) {
      if (this.flowStart[f] === this.flowStart[f + 1] && this.boundOf(f) === Infinity) {
        this.freeze(f, Infinity, unconstrained);
      }
    }
  }

  /** Every used, finite link enters at its initial level; one heapify is O(L) where L pushes are O(L log L). */
  seedHeap(): void {
    for (let l = 0; l < this.capacity.length; l++) {
      const level = this.levelOf(l);
      if (level === level) this.heap.append(level, l); // not NaN
    }
    this.heap.heapify();
  }

  /** NaN for links that cannot bind: no unfrozen flow, or infinite capacity. */
  private levelOf(l: number): number {
    if (this.unfrozenEntries[l] === 0 || this.capacity[l] === Infinity) return (this.currentLevel[l] = NaN);
    return (this.currentLevel[l] = Math.max(this.leftBytesPerS[l]!, 0) / this.unfrozenWeight[l]!);
  }

  private pushLevel(l: number): void {
    const level = this.levelOf(l);
    if (level === level) this.heap.push(level, l);
  }

  lowestLinkLevel(): number {
    const heap = this.heap;
    while (heap.size > 0 && heap.topLevel() !== this.currentLevel[heap.topLink()]) heap.pop();
    return heap.size > 0 ? heap.topLevel() : Infinity;
  }

  lowestBoundLevel(): number {
    while (this.boundNext < this.boundOrder.length && this.frozen[this.boundOrder[this.boundNext]!] === 1) {
      this.boundNext++;
    }
    if (this.boundNext === this.boundOrder.length) return Infinity;
    const f = this.boundOrder[this.boundNext]!;
    return this.boundOf(f) / this.weightOf(f);
  }

  freezeAtBound(): void {
    const f = this.boundOrder[this.boundNext++]!;
    this.freeze(f, this.boundOf(f), boundedByRate);
  }

  saturateLowestLink(): void {
    const l = this.heap.topLink();
    const level = this.heap.topLevel();
    this.heap.pop();
    this.currentLevel[l] = NaN; // the link is now full: no later entry of it may count
    for (let i = this.linkFlowStart[l]!; i < this.linkFlowStart[l + 1]!; i++) {
      const f = this.linkFlow[i]!;
      if (this.frozen[f] === 0) this.freeze(f, this.weightOf(f) * level, l);
    }
  }

  private freeze(f: number, rate: number, reason: number): void {
    this.frozen[f] = 1;
    this.rate[f] = rate;
    this.bottleneck[f] = reason;
    const w = this.weightOf(f);
    for (let k = this.flowStart[f]!; k < this.flowStart[f + 1]!; k++) {
      const l = this.linkIndex[k]!;
      const a = this.coefficientAt(k);
      this.leftBytesPerS[l]! -= a * rate;
      // Counting entries, not trusting the float sum, makes an emptied link exactly weightless.
      this.unfrozenWeight[l] = --this.unfrozenEntries[l]! === 0 ? 0 : this.unfrozenWeight[l]! - a * w;
      if (reason !== l) this.pushLevel(l);
    }
  }

  /** What is left crosses only infinite links and has no bound. */
  freezeRemainingAsUnconstrained(): void {
    for (let f = 0; f < this.flowCount; f++) if (this.frozen[f] === 0) this.freeze(f, Infinity, unconstrained);
  }
}

/**
 * A binary min-heap of (level, link) in two typed arrays, ordered by level then link. Sifting moves a
 * hole and writes each entry once, instead of swapping at every level.
 */
class LevelHeap {
  private readonly levels: Float64Array;
  private readonly links: Int32Array;
  size = 0;

  /** Every push comes from the seed (one per link) or a freeze (one per entry), which bounds the size. */
  constructor(capacity: number) {
    this.levels = new Float64Array(Math.max(capacity, 1));
    this.links = new Int32Array(Math.max(capacity, 1));
  }

  topLevel(): number {
    return this.levels[0]!;
  }
  topLink(): number {
    return this.links[0]!;
  }

  /** Adds without ordering; call heapify() before the first pop. */
  append(level: number, link: number): void {
    this.levels[this.size] = level;
    this.links[this.size++] = link;
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, this.levels[i]!, this.links[i]!);
  }

  push(level: number, link: number): void {
    const levels = this.levels;
    const links = this.links;
    let hole = this.size++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const pl = levels[parent]!;
      if (pl < level || (pl === level && links[parent]! < link)) break;
      levels[hole] = pl;
      links[hole] = links[parent]!;
      hole = parent;
    }
    levels[hole] = level;
    links[hole] = link;
  }

  pop(): void {
    const last = --this.size;
    if (last > 0) this.siftDown(0, this.levels[last]!, this.links[last]!);
  }

  /** Places (level, link) at or below `hole`, moving smaller children up. */
  private siftDown(hole: number, level: number, link: number): void {
    const levels = this.levels;
    const links = this.links;
    const size = this.size;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size) {
        const lr = levels[right]!;
        const ll = levels[child]!;
        if (lr < ll || (lr === ll && links[right]! < links[child]!)) child = right;
      }
      const cl = levels[child]!;
      if (level < cl || (level === cl && link < links[child]!)) break;
      levels[hole] = cl;
      links[hole] = links[child]!;
      hole = child;
    }
    levels[hole] = level;
    links[hole] = link;
  }
}
