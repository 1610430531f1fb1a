// A scenario run that advances in caller-sized slices of virtual time and takes faults from a person
// (kill, repair, disk, partition, reboot, heal), aimed at a chosen node or farm or the next one round robin.
// Every key acts through the run's FaultInjector (ctx.inject), as a scenario's faults do.
// The run itself (Testbed, harness, safety/liveness loop) is scenario-run.ts's, as headless.
// Leaves out wall-clock pacing and drawing: the TUI does those.

import type { TransportChoice } from '../scheduler/testbed.js';
import type { World } from '../sim/grid/world.js';
import type { CompiledScenario } from './compiled.js';
import { formatDuration } from './duration.js';
import { usesNetwork } from './compile-network.js';
import { JobTally } from './job-tally.js';
import { liveSnapshot, networkView, type LiveSnapshot } from './live-snapshot.js';
import type { NetworkStats } from '../sim/network/grid-network.js';
import { attachObserver, type RunObserver } from './observer.js';
import type { RunContext } from './run-context.js';
import { ScenarioRun, type ScenarioRunOptions } from './scenario-run.js';

export type { LiveSnapshot, FarmView, NetworkView } from './live-snapshot.js';

export interface LiveOptions {
  readonly seed?: string | number;
  /** Also told everything the run observes (a report recorder). */
  readonly observer?: RunObserver;
  /** Event log lines kept (default 200). */
  readonly logLines?: number;
  readonly transport?: TransportChoice;
  readonly reconcile?: boolean;
  /** Wraps the run's FaultInjector (a test counting what the keys inject). */
  readonly wrapFaults?: ScenarioRunOptions['wrapFaults'];
}

export interface LogLine {
  readonly atS: number;
  readonly text: string;
}

/**
 * A ScenarioRun stepped from outside: `advance(dtS)` runs one slice, and the safety phase ends when
 * virtual time crosses the scenario's duration, exactly as a headless run's. Unlike the runner it does
 * not stop at the verdict: a person may keep injecting faults.
 */
export class LiveRun {
  readonly jobs: JobTally;
  private readonly sample: () => void;
  private readonly log: LogLine[] = [];
  private readonly logLines: number;
  /** Round-robin cursors, so that "the next node" is the same node for the same key presses. */
  private nodeCursor = 0;
  private farmCursor = 0;
  private diskCursor = 0;
  /** world.net's stats at the previous snapshot, for the panel's recent delivery; network runs only. */
  private lastNet: { readonly before: NetworkStats | undefined; readonly now: NetworkStats } | undefined;

  static async open(scenario: CompiledScenario, options: LiveOptions = {}): Promise<LiveRun> {
    const run = await ScenarioRun.open(scenario, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.transport === undefined ? {} : { transport: options.transport }),
      ...(options.reconcile === undefined ? {} : { reconcile: options.reconcile }),
      ...(options.wrapFaults === undefined ? {} : { wrapFaults: options.wrapFaults }),
    });
    return new LiveRun(run, options);
  }

  private constructor(readonly run: ScenarioRun, options: LiveOptions) {
    this.logLines = options.logLines ?? 200;
    this.jobs = new JobTally(run.ctx.testbed);
    run.onNote = (text) => this.note(text);
    this.sample = attachObserver(run.ctx, this.tee(options.observer));
    // Node changes by number: what a person watching a fault heal wants to read in the log.
    run.world.grid.onPower((node, event) => this.note(`node ${node} ${event === 'off' ? 'down' : event === 'on' ? 'up' : 'rebooted'}`));
    run.ctx.testbed.onAudit((entry) => {
      if (entry.reason !== 'delete-done') this.note(`reconciler: ${entry.reason}${entry.contractId === undefined ? '' : ` contract ${entry.contractId}`} — ${entry.detail}`);
    });
    this.sample();
  }

  get scenario(): CompiledScenario {
    return this.run.scenario;
  }

  get seed(): string {
    return this.run.seed;
  }

  get world(): World {
    return this.run.world;
  }

  get ctx(): RunContext {
    return this.run.ctx;
  }

  get safetyUntilS(): number {
    return this.run.safetyUntilS;
  }

  get endS(): number {
    return this.run.endS;
  }

  get nowS(): number {
    return this.run.nowS;
  }

  /** Runs `dtS` of virtual time, crossing into the liveness phase on the way if it is due; no sample. */
  advance(dtS: number): Promise<void> {
    return this.run.advanceTo(this.nowS + Math.max(0, dtS));
  }

  /** True once the liveness phase has its verdict: the scenario's own run is over. */
  get finished(): boolean {
    return this.run.finished;
  }

  /** True after interrupt(): an advance() stopped short, and only close() is left. */
  get stopped(): boolean {
    return this.run.stopped;
  }

  /** Stops an advance() in progress; then only close() is left. */
  interrupt(): void {
    this.run.interrupt();
  }

  close(): Promise<void> {
    return this.run.close();
  }

  /**
   * Tells the observer the grid's gauges now. O(nodes + deployments), so the caller does it once per
   * screen refresh rather than after every slice (the runner does it 200 times a run).
   */
  sampleNow(): void {
    this.sample();
  }

  snapshot(): LiveSnapshot {
    if (!usesNetwork(this.scenario)) return liveSnapshot(this, this.phaseNote());
    const now = this.world.net.stats();
    // A snapshot with no probe since the last one (paused, or a key pressed) keeps the window it had.
    if (this.lastNet !== undefined && now.probesRouted === this.lastNet.now.probesRouted) return liveSnapshot(this, this.phaseNote(), networkView(now, this.lastNet.before));
    this.lastNet = { before: this.lastNet?.now, now };
    return liveSnapshot(this, this.phaseNote(), networkView(now, this.lastNet.before));
  }

  logTail(n: number): readonly LogLine[] {
    return this.log.slice(-n);
  }

  // Faults by hand: the harness's, as a scenario's faults are -----------------------------------

  /** Crashes `node`, or the next node that is on (round robin from the last one taken). */
  killNode(node?: number): number | null {
    const target = this.targetNode(node, (n) => this.world.grid.isOn(n));
    if (target === null) return this.note(node === undefined ? 'kill: no node is up' : `kill: node ${node} is not up`), null;
    // Straight to the grid, not through the scenario's failure model: a model host stays "down" in
    // the model after a heal, and would refuse to fail a second time.
    this.ctx.inject((f) => f.crash(target));
    this.note(`kill: node ${target} crashed`);
    return target;
  }

  /** Reboots `node`, or the next node that is on (deployments re-run, as after any boot). */
  rebootNode(node?: number): number | null {
    const target = this.targetNode(node, (n) => this.world.grid.isOn(n));
    if (target === null) return this.note(node === undefined ? 'reboot: no node is up' : `reboot: node ${node} is not up`), null;
    this.ctx.inject((f) => f.reboot(target));
    this.note(`reboot: node ${target}`);
    return target;
  }

  /** Repairs `node` if it is down (crashed), or the next down node (round robin); it boots as after any outage. */
  repairNode(node?: number): number | null {
    const { grid } = this.world;
    const target = this.targetNode(node, (n) => grid.table.failed[n] === 1);
    if (target === null) return this.note(node === undefined ? 'repair: no node is down' : `repair: node ${node} is not down`), null;
    this.ctx.inject((f) => f.repair(target));
    this.note(`repair: node ${target}`);
    return target;
  }

  /**
   * Fails a disk: the HDD under the next zdb of the scenario if it has any (so that data at risk
   * shows), else the next healthy HDD of a node that is on.
   */
  failDisk(node?: number): { node: number; disk: number } | null {
    const { grid, storage } = this.world;
    if (node !== undefined) {
      const disk = this.validNode(node) && grid.isOn(node) ? firstHealthyHdd(this.world, node) : -1;
      if (disk < 0) return this.note(`disk: node ${node} has no healthy HDD (or is not up)`), null;
      return this.failHdd(node, disk);
    }
    const zdbs = this.ctx.instances.flatMap((i) => i.doc.workloads.filter((w) => w.type === 'zdb').map((w) => storage.zdb(`${i.doc.twin_id}-${i.contractId}-${w.name}`)));
    const candidates = zdbs.flatMap((p) => (p === undefined || grid.hdd(p.node, p.disk).failed ? [] : [{ node: p.node, disk: p.disk }]));
    let pick = candidates.length > 0 ? candidates[this.diskCursor++ % candidates.length]! : null;
    if (pick === null) {
      const node = this.nextNode((n) => grid.isOn(n) && firstHealthyHdd(this.world, n) >= 0);
      pick = node === null ? null : { node, disk: firstHealthyHdd(this.world, node) };
    }
    if (pick === null) return this.note('disk: no healthy HDD left'), null;
    return this.failHdd(pick.node, pick.disk);
  }

  private failHdd(node: number, disk: number): { node: number; disk: number } {
    this.ctx.inject((f) => f.failDisk(node, 'hdd', disk));
    this.ctx.diskFailures++;
    this.ctx.count('hdd-failure');
    this.note(`disk: node ${node} HDD ${disk} failed`);
    return { node, disk };
  }

  /**
   * Cuts the next farm off. In a scenario that uses the network it is a real partition (the farm's
   * site links cut, its nodes on); otherwise all its nodes crash together, as the `partition` fault does.
   */
  partitionFarm(farm?: number): string | null {
    const farms = this.world.grid.farms;
    if (farm !== undefined && !(Number.isInteger(farm) && farm >= 0 && farm < farms.farmCount)) return this.note(`partition: no farm ${farm}`), null;
    if (usesNetwork(this.scenario)) return this.partitionNetwork(farm);
    for (let tries = 0; tries < (farm === undefined ? farms.farmCount : 1); tries++) {
      const f = farm ?? this.farmCursor++ % farms.farmCount;
      const first = farms.firstNode[f]!;
      const last = farms.firstNode[f + 1]!;
      let crashed = 0;
      for (let n = first; n < last; n++) if (this.world.grid.isOn(n)) this.ctx.inject((f) => f.crash(n)), crashed++;
      if (crashed === 0) continue;
      this.note(`partition: farm ${farms.names[f]} cut off (${crashed} nodes)`);
      return farms.names[f]!;
    }
    this.note('partition: every farm is already down');
    return null;
  }

  /** Repairs every crashed node and brings the hub back, as the start of the liveness phase does; heals network partitions too. */
  healAll(): number {
    const { grid } = this.world;
    let repaired = 0;
    for (let n = 0; n < grid.nodeCount; n++) if (grid.table.failed[n] === 1) this.ctx.inject((f) => f.repair(n)), repaired++;
    this.ctx.inject((f) => f.setHub(true));
    const healedNet = this.partitioned.size > 0;
    if (healedNet) this.ctx.inject((f) => f.healPartition());
    this.partitioned.clear();
    this.note(`heal: ${repaired} nodes repaired, hub up${healedNet ? ', network partition healed' : ''}`);
    return repaired;
  }

  /** Farms cut off by hand with partitionNetwork, until the next heal. */
  private readonly partitioned = new Set<number>();

  private partitionNetwork(farm: number | undefined): string | null {
    const farms = this.world.grid.farms;
    // At least one farm stays on the other side, or there would be nothing to be cut off from.
    if (this.partitioned.size + 1 >= farms.farmCount) return this.note('partition: no farm left to cut off'), null;
    if (farm !== undefined && this.partitioned.has(farm)) return this.note(`partition: farm ${farms.names[farm]} is already cut off`), null;
    let f = farm ?? this.farmCursor++ % farms.farmCount;
    while (this.partitioned.has(f)) f = this.farmCursor++ % farms.farmCount;
    this.partitioned.add(f);
    this.ctx.inject((faults) => faults.partitionFarms([f]));
    this.note(`partition: farm ${farms.names[f]} cut off from the network (nodes stay on)`);
    return farms.names[f]!;
  }

  // -------------------------------------------------------------------------------------------

  private phaseNote(): string {
    if (this.ctx.phase === 'safety') return `safety ${formatDuration(this.nowS)}/${formatDuration(this.safetyUntilS)}`;
    const after = `liveness +${formatDuration(this.nowS - this.safetyUntilS)}`;
    if (this.run.convergedAfterS !== null) return `${after}, converged after ${formatDuration(this.run.convergedAfterS)}`;
    return this.run.verdict === null ? after : `${after}, NOT converged within ${formatDuration(this.endS - this.safetyUntilS)}`;
  }

  private validNode(node: number): boolean {
    return Number.isInteger(node) && node >= 0 && node < this.world.grid.nodeCount;
  }

  /** `node` when given and `ok`, else null; without one, the next node that is `ok`. */
  private targetNode(node: number | undefined, ok: (node: number) => boolean): number | null {
    if (node === undefined) return this.nextNode(ok);
    return this.validNode(node) && ok(node) ? node : null;
  }

  private nextNode(ok: (node: number) => boolean): number | null {
    const count = this.world.grid.nodeCount;
    for (let i = 0; i < count; i++) {
      const node = (this.nodeCursor + i) % count;
      if (ok(node)) {
        this.nodeCursor = node + 1;
        return node;
      }
    }
    return null;
  }

  private note(text: string): void {
    this.log.push({ atS: this.world.sim.nowS, text });
    if (this.log.length > this.logLines * 2) this.log.splice(0, this.log.length - this.logLines);
  }

  /** The log hears node changes and counted events; `extra` (a recorder) hears everything. */
  private tee(extra: RunObserver | undefined): RunObserver {
    return {
      sample: (nowS, s) => extra?.sample(nowS, s),
      node: (nowS, n) => extra?.node(nowS, n),
      operation: (op) => {
        extra?.operation(op);
        if (op.state !== 'ok') this.note(`${op.kind} ${op.id} ${op.state} on node ${op.node ?? '?'}`);
      },
      event: (nowS, kind, fields) => {
        extra?.event(nowS, kind, fields);
        if (kind !== 'node-up' && kind !== 'node-down') this.note(kind);
      },
    };
  }
}

function firstHealthyHdd(world: World, node: number): number {
  const count = world.grid.table.hddCount(node);
  for (let i = 0; i < count; i++) if (!world.grid.hdd(node, i).failed) return i;
  return -1;
}
