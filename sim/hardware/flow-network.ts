// Flow-level network (SimGrid's approach): a transfer waits its path latency, then flows at its max-min share.
// Leaves out packets, queues, loss, routing, and TCP dynamics beyond SimGrid's constant corrections.

import { ErrorCode, InputError, SimulationError, ZosError } from '../errors.js';
import { SimEvent, type Scheduler } from '../engine/events.js';
import { solveMaxMinSystem } from './max-min.js';

/**
 * The TCP corrections of SimGrid's CM02/LV08 models (docs/source/Models.rst, network_cm02.cpp).
 * The solver shares "link bytes"; a flow's payload moves at bandwidthFactor times its share.
 */
export interface TcpModel {
  readonly name: string;
  /** Payload share of the link bandwidth left after TCP/IP headers (SimGrid network/bandwidth-factor). */
  readonly bandwidthFactor: number;
  /** Multiplies the path latency paid before the transfer, for slow start (network/latency-factor). */
  readonly latencyFactor: number;
  /** Maximum TCP window in bytes: a flow is bounded by γ / (2 · path latency); 0 turns the bound off. */
  readonly tcpGammaBytes: number;
  /** Link bytes each payload byte costs on the reverse path for its ACKs (network/crosstraffic); 0 turns it off. */
  readonly ackCrossTrafficFraction: number;
  /**
   * Share bandwidth in inverse proportion to the RTT-like penalty Σ latency + weightS · Σ 1/bandwidth
   * (SimGrid's sharing penalty), instead of equally.
   */
  readonly rttWeightedSharing: boolean;
  /** Bytes of the weightS term above (network/weight-S); 0 leaves latency alone in the penalty. */
  readonly weightS: number;
}

/** SimGrid LV08 constants (network_cm02.cpp, LV08 registration and comm_action_expand_constraints). */
export const lv08BandwidthFactor = 0.97;
export const lv08LatencyFactor = 13.01;
export const lv08WeightS = 20537;
/** SimGrid's default network/TCP-gamma: a 4 MiB window. */
export const simgridTcpGammaBytes = 4_194_304;
/**
 * The backward "ACK flow" of SimGrid costs 5 % of the forward rate on every link of the reverse route.
 * On a link used both ways (SimGrid's SHARED link, as in the LV08 example) a flow thus costs 1 + 0.05 =
 * 1.05 link bytes per byte: that is the 1.05 of 0.01 × 13.01 + 8·10⁵ / ((0.97·10⁶) / 1.05) = 0.996079 s.
 * (Models.rst words it as "0.05%"; the code's coefficient is .05, that is 5 %.)
 */
export const simgridAckCrossTrafficFraction = 0.05;

/** No corrections at all: latency + size / max-min share. The grid's default. */
export const plainTcpModel: TcpModel = {
  name: 'plain',
  bandwidthFactor: 1,
  latencyFactor: 1,
  tcpGammaBytes: 0,
  ackCrossTrafficFraction: 0,
  rttWeightedSharing: false,
  weightS: 0,
};

/**
 * CM02: the window bound only. SimGrid's CM02 also weighs sharing by latency, kept here; ACK cross-traffic
 * is off so that a flow alone on a link gets all of it, as in the CM02 examples of Models.rst.
 */
export const cm02TcpModel: TcpModel = {
  name: 'cm02',
  bandwidthFactor: 1,
  latencyFactor: 1,
  tcpGammaBytes: simgridTcpGammaBytes,
  ackCrossTrafficFraction: 0,
  rttWeightedSharing: true,
  weightS: 0,
};

/** LV08, SimGrid's default TCP model. */
export const lv08TcpModel: TcpModel = {
  name: 'lv08',
  bandwidthFactor: lv08BandwidthFactor,
  latencyFactor: lv08LatencyFactor,
  tcpGammaBytes: simgridTcpGammaBytes,
  ackCrossTrafficFraction: simgridAckCrossTrafficFraction,
  rttWeightedSharing: true,
  weightS: lv08WeightS,
};

/** Validates a model once; nothing downstream checks it again. */
export function compileTcpModel(model: TcpModel): TcpModel {
  const where = `tcp model ${model.name}`;
  const positive = (field: keyof TcpModel, value: number): void => {
    if (!(value > 0 && value < Infinity)) throw new InputError(where, field, `must be finite and > 0, got ${value}`);
  };
  const nonNegative = (field: keyof TcpModel, value: number): void => {
    if (!(value >= 0 && value < Infinity)) throw new InputError(where, field, `must be finite and >= 0, got ${value}`);
  };
  positive('bandwidthFactor', model.bandwidthFactor);
  nonNegative('latencyFactor', model.latencyFactor);
  nonNegative('tcpGammaBytes', model.tcpGammaBytes);
  nonNegative('ackCrossTrafficFraction', model.ackCrossTrafficFraction);
  nonNegative('weightS', model.weightS);
  return { ...model };
}

/** Stable code of LinkFailedError (src/errors.ts has no network codes yet; this one must not change). */
export const linkFailedCode = ErrorCode.linkFailed;

/** A flow's link went down under it (or was down when it started); the flow's event fails with this. */
export class LinkFailedError extends ZosError {
  constructor(
    readonly linkId: number,
    readonly flowId: number,
  ) {
    super(ErrorCode.linkFailed, `link ${linkId} failed under flow ${flowId}`);
  }
}

export interface LinkSpec {
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
}

export interface FlowSpec {
  /** Link ids from source to destination. Empty is a loopback: only its bound limits it. */
  readonly path: readonly number[];
  readonly sizeBytes: number;
  /** A payload-rate cap of the flow's own (an application limit, a NIC seen from outside the model). */
  readonly rateBoundBytesPerS?: number;
  /** Links the ACKs take back; defaults to the path itself (links used both ways, as SimGrid's SHARED links). */
  readonly reversePath?: readonly number[];
}

export interface FlowResult {
  readonly flowId: number;
  readonly sizeBytes: number;
  readonly startS: number;
  readonly endS: number;
  readonly durationS: number;
}

/** The event a flow's caller waits on; it fails with LinkFailedError. */
export class FlowEvent extends SimEvent<FlowResult> {
  constructor(
    sim: Scheduler,
    readonly flowId: number,
  ) {
    super(sim);
  }
}

export interface LinkStats {
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
  readonly up: boolean;
  /** Flows in their transfer phase that carry data forward over the link. */
  readonly activeFlowCount: number;
  /** Sum of those flows' payload rates now. */
  readonly loadBytesPerS: number;
  /** Payload bytes carried forward so far (ACK and header overhead not counted), for utilisation reports. */
  readonly bytesTransferred: number;
}

const waiting = 0;
const transferring = 1;
const ended = 2;

/** One transfer's state. Its constraint row is the union of forward (coefficient 1) and ACK links. */
class Flow {
  phase = waiting;
  remainingBytes: number;
  /** Payload rate since lastUpdateS. */
  rateBytesPerS = 0;
  lastUpdateS = 0;
  latencyHandle: number | null = null;
  /** Search stamp of the last component walk that reached this flow. */
  stamp = 0;
  constructor(
    readonly id: number,
    readonly event: FlowEvent,
    readonly path: Int32Array,
    readonly rowLinks: Int32Array,
    readonly rowCoefficients: Float64Array,
    readonly sizeBytes: number,
    readonly startS: number,
    /** In link bytes per second, as the solver sees it. */
    readonly boundBytesPerS: number,
    public weight: number,
  ) {
    this.remainingBytes = sizeBytes;
  }

  finishS(): number {
    // A zero-byte remainder is due now even before its first solve gives it a rate (0 / 0 is NaN).
    return this.remainingBytes <= 0 ? this.lastUpdateS : this.lastUpdateS + this.remainingBytes / this.rateBytesPerS;
  }
}

/**
 * Recomputes run after every other event of their instant (a priority later than normal), so that all the
 * starts, ends and failures of one instant share one solve. Nothing reads rates within an instant to move
 * bytes, so other events at that instant seeing the previous rates is harmless.
 */
const endOfInstant = 1;

/** Relative slack under which flows due at the same instant end together rather than one event apart. */
const simultaneityTolerance = 1e-12;

/**
 * Links and flows over one engine. Rates change only at a flow's start or end, or a link's failure or
 * bandwidth change; every change at one instant is collected and solved once, by an event at the end of
 * that instant, so starting a thousand flows together costs one solve. The solve covers only the connected
 * component of flows and links reachable from the changed links (max-min decomposes over components),
 * and flows outside it keep their rate and their unadvanced byte count. One scheduled callback stands
 * for the next completion of all flows; each solve cancels and re-places it after a scan of the active
 * flows, which is O(active flows) per change.
 */
export class FlowNetwork {
  readonly model: TcpModel;
  /** Instants at which rates were recomputed (one per instant that saw a start, end or link change). */
  recomputeCount = 0;
  private readonly bandwidthBytesPerS: number[] = [];
  private readonly latencyS: number[] = [];
  private readonly up: boolean[] = [];
  /** Payload bytes carried forward, up to each flow's lastUpdateS. */
  private readonly settledBytes: number[] = [];
  /** Every unfinished flow whose row includes the link, in any phase (failures must reach them all). */
  private readonly linkFlows: Set<Flow>[] = [];
  private readonly linkStamp: number[] = [];
  private readonly linkLocal: number[] = [];
  private readonly flows = new Map<number, Flow>();
  private readonly active = new Set<Flow>();
  private nextFlowId = 0;
  private stamp = 0;
  private dirtyLinks: number[] = [];
  /** Flows over no link start outside any component, so the next solve picks them up by name. */
  private dirtyLooseFlows: Flow[] = [];
  private recomputePending = false;
  /** Engine handles can be negative (priority is folded into them), so "none" is null. */
  private completionHandle: number | null = null;
  private completionFlow: Flow | null = null;
  private readonly scratch = new SolverScratch();

  constructor(
    readonly sim: Scheduler,
    model: TcpModel = plainTcpModel,
  ) {
    this.model = compileTcpModel(model);
  }

  get linkCount(): number {
    return this.bandwidthBytesPerS.length;
  }

  /** Flows not yet ended, in their latency or transfer phase. */
  get flowCount(): number {
    return this.flows.size;
  }

  addLink(spec: LinkSpec): number {
    checkLinkSpec(spec, `link ${this.linkCount}`);
    const id = this.linkCount;
    this.bandwidthBytesPerS.push(spec.bandwidthBytesPerS);
    this.latencyS.push(spec.latencyS);
    this.up.push(true);
    this.settledBytes.push(0);
    this.linkFlows.push(new Set());
    this.linkStamp.push(0);
    this.linkLocal.push(0);
    return id;
  }

  /**
   * Starts a transfer now: it waits latencyFactor × Σ path latency, then moves sizeBytes at its share.
   * The event fails with LinkFailedError if a link of its path (or ACK path) is or goes down; as with any
   * event, a failure nobody waits for stops the run.
   */
  startFlow(spec: FlowSpec): FlowEvent {
    const reversePath = this.model.ackCrossTrafficFraction > 0 ? (spec.reversePath ?? spec.path) : [];
    this.checkFlowSpec(spec, reversePath);
    const id = this.nextFlowId++;
    const event = new FlowEvent(this.sim, id);
    const path = Int32Array.from(spec.path);
    const [rowLinks, rowCoefficients] = this.constraintRow(path, reversePath);
    const bound = this.linkBound(path, spec.rateBoundBytesPerS ?? Infinity);
    const flow = new Flow(id, event, path, rowLinks, rowCoefficients, spec.sizeBytes, this.sim.nowS, bound, this.weightOf(path));
    const downLink = rowLinks.find((l) => !this.up[l]);
    if (downLink !== undefined) {
      event.fail(new LinkFailedError(downLink, id));
      return event;
    }
    this.flows.set(id, flow);
    for (const l of rowLinks) this.linkFlows[l]!.add(flow);
    flow.latencyHandle = this.sim.schedule(this.pathLatencyS(path) * this.model.latencyFactor, beginTransfer, { network: this, flow });
    return event;
  }

  /** Fails every flow whose path or ACK path crosses the link; the others on its component are re-shared. */
  failLink(linkId: number): void {
    this.checkLinkId(linkId);
    if (!this.up[linkId]) return;
    this.up[linkId] = false;
    for (const flow of [...this.linkFlows[linkId]!]) this.failFlow(flow, new LinkFailedError(linkId, flow.id));
  }

  /** Brings a link back; flows started from now on may use it (failed flows stay failed). */
  healLink(linkId: number): void {
    this.checkLinkId(linkId);
    this.up[linkId] = true;
  }

  isLinkUp(linkId: number): boolean {
    this.checkLinkId(linkId);
    return this.up[linkId]!;
  }

  /** Changes a link's bandwidth from now on (a degraded port, a renegotiated speed). */
  setLinkBandwidth(linkId: number, bandwidthBytesPerS: number): void {
    this.checkLinkId(linkId);
    checkLinkSpec({ bandwidthBytesPerS, latencyS: this.latencyS[linkId]! }, `link ${linkId}`);
    this.bandwidthBytesPerS[linkId] = bandwidthBytesPerS;
    for (const flow of this.linkFlows[linkId]!) flow.weight = this.weightOf(flow.path);
    this.markDirty([linkId]);
  }

  linkStats(linkId: number): LinkStats {
    this.checkLinkId(linkId);
    let activeFlowCount = 0;
    let loadBytesPerS = 0;
    let bytesTransferred = this.settledBytes[linkId]!;
    for (const flow of this.linkFlows[linkId]!) {
      if (flow.phase !== transferring || !flow.path.includes(linkId)) continue;
      activeFlowCount++;
      loadBytesPerS += flow.rateBytesPerS;
      bytesTransferred += this.unsettledBytes(flow);
    }
    return {
      bandwidthBytesPerS: this.bandwidthBytesPerS[linkId]!,
      latencyS: this.latencyS[linkId]!,
      up: this.up[linkId]!,
      activeFlowCount,
      loadBytesPerS,
      bytesTransferred,
    };
  }

  /** The payload rate of an unfinished flow (0 during its latency phase), or undefined once it ended. */
  flowRateBytesPerS(flowId: number): number | undefined {
    return this.flows.get(flowId)?.rateBytesPerS;
  }

  /** Sum of link latencies, before the model's latency factor. */
  pathLatencyS(path: ArrayLike<number>): number {
    let sum = 0;
    for (let i = 0; i < path.length; i++) sum += this.latencyS[path[i]!]!;
    return sum;
  }

  // ---- flow life cycle ----

  /** @internal Engine callback: the latency is paid; the flow starts to load its links. */
  beginTransfer(flow: Flow): void {
    flow.latencyHandle = null;
    flow.phase = transferring;
    flow.lastUpdateS = this.sim.nowS;
    this.active.add(flow);
    if (flow.rowLinks.length === 0) this.dirtyLooseFlows.push(flow);
    this.markDirty(flow.rowLinks);
  }

  /** @internal Engine callback: the earliest completion is due; ends it and any due at the same instant. */
  completeDue(): void {
    this.completionHandle = null;
    const nowS = this.sim.nowS;
    const slackS = simultaneityTolerance * Math.max(1, nowS);
    const due: Flow[] = [];
    for (const flow of this.active) if (flow === this.completionFlow || flow.finishS() <= nowS + slackS) due.push(flow);
    this.completionFlow = null;
    for (const flow of due) this.endFlow(flow);
    for (const flow of due) {
      flow.event.succeed({ flowId: flow.id, sizeBytes: flow.sizeBytes, startS: flow.startS, endS: nowS, durationS: nowS - flow.startS });
    }
  }

  private endFlow(flow: Flow): void {
    this.settleBytes(flow, flow.remainingBytes);
    flow.remainingBytes = 0;
    this.detach(flow);
  }

  private failFlow(flow: Flow, error: LinkFailedError): void {
    if (flow.latencyHandle !== null) this.sim.cancel(flow.latencyHandle);
    else this.advance(flow);
    this.detach(flow);
    flow.event.fail(error);
  }

  /** Takes an ending flow off its links; its component is re-shared at this instant. */
  private detach(flow: Flow): void {
    const wasTransferring = flow.phase === transferring;
    flow.phase = ended;
    flow.rateBytesPerS = 0;
    this.flows.delete(flow.id);
    this.active.delete(flow);
    for (const l of flow.rowLinks) this.linkFlows[l]!.delete(flow);
    if (flow === this.completionFlow) this.completionFlow = null;
    if (wasTransferring) this.markDirty(flow.rowLinks);
  }

  // ---- recomputation ----

  private markDirty(links: ArrayLike<number>): void {
    for (let i = 0; i < links.length; i++) this.dirtyLinks.push(links[i]!);
    if (this.recomputePending) return;
    this.recomputePending = true;
    this.sim.schedule(0, recompute, this, endOfInstant);
  }

  /** @internal Engine callback: re-shares the component of every link that changed at this instant. */
  recompute(): void {
    this.recomputePending = false;
    this.recomputeCount++;
    const component = this.collectComponent();
    for (const flow of component.flows) this.advance(flow);
    this.solve(component);
    this.scheduleNextCompletion();
  }

  /** Walks links ↔ transferring flows from the dirty links; stamps avoid revisiting. */
  private collectComponent(): { flows: Flow[]; links: number[] } {
    const stamp = ++this.stamp;
    const flows: Flow[] = [];
    const links: number[] = [];
    for (const l of this.dirtyLinks) this.visitLink(l, stamp, links);
    for (const flow of this.dirtyLooseFlows) this.visitFlow(flow, stamp, flows, links);
    for (let i = 0; i < links.length; i++) {
      for (const flow of this.linkFlows[links[i]!]!) this.visitFlow(flow, stamp, flows, links);
    }
    this.dirtyLinks = [];
    this.dirtyLooseFlows = [];
    return { flows, links };
  }

  private visitLink(l: number, stamp: number, links: number[]): void {
    if (this.linkStamp[l] === stamp) return;
    this.linkStamp[l] = stamp;
    this.linkLocal[l] = links.length;
    links.push(l);
  }

  private visitFlow(flow: Flow, stamp: number, flows: Flow[], links: number[]): void {
    if (flow.stamp === stamp || flow.phase !== transferring) return;
    flow.stamp = stamp;
    flows.push(flow);
    for (const l of flow.rowLinks) this.visitLink(l, stamp, links);
  }

  /**
   * Builds the component's compressed system in reused scratch arrays and applies the rates. A link that
   * only one flow of the component crosses is exactly a bound on that flow (rate ≤ capacity / coefficient),
   * so it goes in as one: NIC links mostly carry one flow, and this keeps them out of the solver's heap.
   */
  private solve({ flows, links }: { flows: Flow[]; links: number[] }): void {
    let entries = 0;
    for (const flow of flows) entries += flow.rowLinks.length;
    const scratch = this.scratch.reserve(flows.length, links.length, entries);
    const keptLinkCount = this.compactSharedLinks(flows, links, scratch);
    let k = 0;
    for (let f = 0; f < flows.length; f++) {
      const flow = flows[f]!;
      let boundBytesPerS = flow.boundBytesPerS;
      scratch.flowStart[f] = k;
      for (let i = 0; i < flow.rowLinks.length; i++) {
        const l = flow.rowLinks[i]!;
        const kept = scratch.compactLink[this.linkLocal[l]!]!;
        if (kept < 0) {
          boundBytesPerS = Math.min(boundBytesPerS, this.bandwidthBytesPerS[l]! / flow.rowCoefficients[i]!);
          continue;
        }
        scratch.linkIndex[k] = kept;
        scratch.coefficient[k++] = flow.rowCoefficients[i]!;
      }
      scratch.boundBytesPerS[f] = boundBytesPerS;
      scratch.weight[f] = flow.weight;
    }
    scratch.flowStart[flows.length] = k;
    const { rateBytesPerS } = solveMaxMinSystem({
      capacityBytesPerS: scratch.capacityBytesPerS.subarray(0, keptLinkCount),
      flowStart: scratch.flowStart.subarray(0, flows.length + 1),
      linkIndex: scratch.linkIndex.subarray(0, k),
      coefficient: scratch.coefficient.subarray(0, k),
      boundBytesPerS: scratch.boundBytesPerS.subarray(0, flows.length),
      weight: scratch.weight.subarray(0, flows.length),
    });
    for (let f = 0; f < flows.length; f++) flows[f]!.rateBytesPerS = rateBytesPerS[f]! * this.model.bandwidthFactor;
  }

  /** Numbers the links crossed by two or more of the component's flows (-1 for the others) and fills their capacities. */
  private compactSharedLinks(flows: Flow[], links: number[], scratch: SolverScratch): number {
    const counts = scratch.compactLink;
    counts.fill(0, 0, links.length);
    for (const flow of flows) for (const l of flow.rowLinks) counts[this.linkLocal[l]!]!++;
    let kept = 0;
    for (let i = 0; i < links.length; i++) {
      if (counts[i]! < 2) {
        counts[i] = -1;
        continue;
      }
      counts[i] = kept;
      scratch.capacityBytesPerS[kept++] = this.bandwidthBytesPerS[links[i]!]!;
    }
    return kept;
  }

  /** Moves a flow's byte count to now at its current rate and credits its forward links. */
  private advance(flow: Flow): void {
    const movedBytes = this.unsettledBytes(flow);
    flow.remainingBytes -= movedBytes;
    flow.lastUpdateS = this.sim.nowS;
    this.settleBytes(flow, movedBytes);
  }

  private unsettledBytes(flow: Flow): number {
    const elapsedS = this.sim.nowS - flow.lastUpdateS;
    return elapsedS > 0 ? Math.min(flow.remainingBytes, flow.rateBytesPerS * elapsedS) : 0;
  }

  private settleBytes(flow: Flow, bytes: number): void {
    for (const l of flow.path) this.settledBytes[l]! += bytes;
  }

  /** One callback for the earliest finish among all active flows; ties go to the flow that started first. */
  private scheduleNextCompletion(): void {
    if (this.completionHandle !== null) this.sim.cancel(this.completionHandle);
    this.completionHandle = null;
    this.completionFlow = null;
    let earliestS = Infinity;
    for (const flow of this.active) {
      const finishS = flow.finishS();
      if (finishS < earliestS) {
        earliestS = finishS;
        this.completionFlow = flow;
      }
    }
    if (this.completionFlow === null) return;
    this.completionHandle = this.sim.schedule(Math.max(0, earliestS - this.sim.nowS), completeDue, this);
  }

  // ---- the TCP model's per-flow terms ----

  /** Forward links at coefficient 1 plus ACK links at the cross-traffic fraction, merged per link. */
  private constraintRow(path: Int32Array, reversePath: readonly number[]): [Int32Array, Float64Array] {
    const row = new Map<number, number>();
    for (const l of path) row.set(l, (row.get(l) ?? 0) + 1);
    for (const l of reversePath) row.set(l, (row.get(l) ?? 0) + this.model.ackCrossTrafficFraction);
    return [Int32Array.from(row.keys()), Float64Array.from(row.values())];
  }

  /**
   * The flow's own bound in link bytes: the window γ / (2 · latency) on the unfactored path latency, as
   * SimGrid does, and the caller's payload bound scaled up by the bandwidth factor.
   */
  private linkBound(path: Int32Array, payloadBoundBytesPerS: number): number {
    const latencyS = this.pathLatencyS(path);
    const windowBound = this.model.tcpGammaBytes > 0 && latencyS > 0 ? this.model.tcpGammaBytes / (2 * latencyS) : Infinity;
    return Math.min(windowBound, payloadBoundBytesPerS / this.model.bandwidthFactor);
  }

  /** SimGrid's sharing penalty is Σ latency (+ weightS / bandwidth per link); a zero penalty counts as 1, as there. */
  private weightOf(path: Int32Array): number {
    if (!this.model.rttWeightedSharing) return 1;
    let penaltyS = 0;
    for (const l of path) penaltyS += this.latencyS[l]! + this.model.weightS / this.bandwidthBytesPerS[l]!;
    return penaltyS > 0 ? 1 / penaltyS : 1;
  }

  // ---- input checks ----

  private checkLinkId(linkId: number): void {
    if (!(Number.isInteger(linkId) && linkId >= 0 && linkId < this.linkCount)) {
      throw new SimulationError(`no link ${linkId} (have ${this.linkCount})`);
    }
  }

  private checkFlowSpec(spec: FlowSpec, reversePath: readonly number[]): void {
    for (const l of spec.path) this.checkLinkId(l);
    for (const l of reversePath) this.checkLinkId(l);
    if (!(spec.sizeBytes >= 0 && spec.sizeBytes < Infinity)) throw new SimulationError(`flow size ${spec.sizeBytes} bytes must be finite and >= 0`);
    const bound = spec.rateBoundBytesPerS;
    if (bound !== undefined && !(bound > 0)) throw new SimulationError(`flow rate bound ${bound} bytes/s must be > 0`);
  }
}

/** Typed arrays for the solver's input that grow and are reused, so a recompute allocates little. */
class SolverScratch {
  capacityBytesPerS = new Float64Array(16);
  /** Per component link: first the count of flows on it, then its index among the kept links or -1. */
  compactLink = new Int32Array(16);
  flowStart = new Int32Array(17);
  linkIndex = new Int32Array(16);
  coefficient = new Float64Array(16);
  boundBytesPerS = new Float64Array(16);
  weight = new Float64Array(16);

  reserve(flowCount: number, linkCount: number, entryCount: number): this {
    if (linkCount > this.capacityBytesPerS.length) {
      this.capacityBytesPerS = new Float64Array(2 * linkCount);
      this.compactLink = new Int32Array(2 * linkCount);
    }
    if (flowCount + 1 > this.flowStart.length) {
      this.flowStart = new Int32Array(2 * flowCount + 1);
      this.boundBytesPerS = new Float64Array(2 * flowCount);
      this.weight = new Float64Array(2 * flowCount);
    }
    if (entryCount > this.linkIndex.length) {
      this.linkIndex = new Int32Array(2 * entryCount);
      this.coefficient = new Float64Array(2 * entryCount);
    }
    return this;
  }
}

function checkLinkSpec(spec: LinkSpec, where: string): void {
  if (!(spec.bandwidthBytesPerS > 0)) throw new InputError(where, 'bandwidthBytesPerS', `must be > 0, got ${spec.bandwidthBytesPerS}`);
  if (!(spec.latencyS >= 0 && spec.latencyS < Infinity)) throw new InputError(where, 'latencyS', `must be finite and >= 0, got ${spec.latencyS}`);
}

function beginTransfer(arg: { network: FlowNetwork; flow: Flow }): void {
  arg.network.beginTransfer(arg.flow);
}
function recompute(network: FlowNetwork): void {
  network.recompute();
}
function completeDue(network: FlowNetwork): void {
  network.completeDue();
}
