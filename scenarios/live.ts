// A scenario run that advances in caller-sized slices of virtual time and takes faults from a person
// (kill, disk, partition, reboot, heal). Leaves out wall-clock pacing and drawing: the TUI does those.

import { World } from '../sim/grid/world.js';
import { seedToString } from '../sim/engine/rng.js';
import { distroFlist } from '../sim/storage/flist/generate.js';
import type { CompiledScenario } from './compiled.js';
import { formatDuration } from './duration.js';
import { startFaults } from './faults.js';
import { baseFlistUrl } from './grids.js';
import { makeChecker, type Checker } from './invariants.js';
import { usesNetwork } from './compile-network.js';
import { liveSnapshot, networkView, type LiveSnapshot } from './live-snapshot.js';
import type { NetworkStats } from '../sim/network/grid-network.js';
import { attachObserver, type RunObserver } from './observer.js';
import { RunContext } from './run-context.js';
import { startWorkload } from './workload.js';

export type { LiveSnapshot, FarmView, NetworkView } from './live-snapshot.js';

/** As runner.ts: how often, in virtual seconds, the liveness phase looks for convergence. */
const livenessPollS = 60;

export interface LiveOptions {
  readonly seed?: string | number;
  /** Also told everything the run observes (a report recorder). */
  readonly observer?: RunObserver;
  /** Event log lines kept (default 200). */
  readonly logLines?: number;
}

export interface LogLine {
  readonly atS: number;
  readonly text: string;
}

/**
 * The runner's set-up (runner.ts), but stepped from outside: `advance(dtS)` runs one slice, and the
 * safety phase ends when virtual time crosses the scenario's duration, exactly as a headless run's.
 * Unlike the runner it does not stop at convergence: a person may keep injecting faults.
 */
export class LiveRun {
  readonly seed: string;
  readonly world: World;
  readonly ctx: RunContext;
  readonly safetyUntilS: number;
  readonly endS: number;
  private readonly checkers: Checker[];
  private readonly sample: () => void;
  private readonly log: LogLine[] = [];
  private readonly logLines: number;
  private convergedAfterS: number | null = null;
  private livenessVerdict: string | null = null;
  /** Round-robin cursors, so that "the next node" is the same node for the same key presses. */
  private nodeCursor = 0;
  private farmCursor = 0;
  private diskCursor = 0;
  /** world.net's stats at the previous snapshot, for the panel's recent delivery; network runs only. */
  private lastNet: { readonly before: NetworkStats | undefined; readonly now: NetworkStats } | undefined;

  constructor(readonly scenario: CompiledScenario, options: LiveOptions = {}) {
    this.seed = seedToString(options.seed ?? scenario.seed ?? 1);
    this.logLines = options.logLines ?? 200;
    this.safetyUntilS = scenario.durationS;
    this.endS = scenario.durationS + scenario.convergeWithinS;
    const world = (this.world = new World({ seed: this.seed, grid: scenario.grid, armDeviceFailures: scenario.armDeviceFailures }));
    world.hub.publish(distroFlist({ seed: `${this.seed}:base`, url: baseFlistUrl }));
    const ctx = (this.ctx = new RunContext(scenario, world, (purpose) => world.rngs.stream(`scenario.${purpose}`)));
    this.checkers = scenario.invariants.map((inv) => makeChecker(ctx, inv));
    this.sample = attachObserver(ctx, this.tee(options.observer));
    // Node changes by number: what a person watching a fault heal wants to read in the log.
    world.grid.onPower((node, event) => this.note(`node ${node} ${event === 'off' ? 'down' : event === 'on' ? 'up' : 'rebooted'}`));
    startFaults(ctx);
    startWorkload(ctx);
    this.sample();
  }

  get nowS(): number {
    return this.world.sim.nowS;
  }

  /** Runs `dtS` of virtual time, crossing into the liveness phase on the way if it is due; no sample. */
  advance(dtS: number): void {
    const sim = this.world.sim;
    const targetS = sim.nowS + Math.max(0, dtS);
    if (this.ctx.phase === 'safety' && targetS >= this.safetyUntilS) {
      sim.run({ untilS: this.safetyUntilS });
      this.endSafety();
    }
    // Until the verdict, liveness is checked every minute of virtual time, as the runner polls, so
    // that the convergence time does not depend on how big the caller's slices are.
    while (this.ctx.phase === 'liveness' && this.livenessVerdict === null && sim.nowS < targetS) {
      sim.run({ untilS: Math.min(targetS, sim.nowS + livenessPollS) });
      this.checkLiveness();
    }
    sim.run({ untilS: targetS });
  }

  /** True once the liveness phase has its verdict: the scenario's own run is over. */
  get finished(): boolean {
    return this.livenessVerdict !== null;
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

  // Faults by hand ----------------------------------------------------------------------------

  /** Crashes the next node that is on, round robin from the last one taken. */
  killNode(): number | null {
    const node = this.nextNode((n) => this.world.grid.isOn(n));
    if (node === null) return this.note('kill: no node is up'), null;
    // Straight to the grid, not through the scenario's failure model: a model host stays "down" in
    // the model after a heal, and would refuse to fail a second time.
    this.world.grid.crash(node);
    this.note(`kill: node ${node} crashed`);
    return node;
  }

  /** Reboots the next node that is on (deployments re-run, as after any boot). */
  rebootNode(): number | null {
    const node = this.nextNode((n) => this.world.grid.isOn(n));
    if (node === null) return this.note('reboot: no node is up'), null;
    this.world.grid.reboot(node);
    this.note(`reboot: node ${node}`);
    return node;
  }

  /**
   * Fails a disk: the HDD under the next zdb of the scenario if it has any (so that data at risk
   * shows), else the next healthy HDD of a node that is on.
   */
  failDisk(): { node: number; disk: number } | null {
    const { grid, storage } = this.world;
    const zdbs = this.ctx.instances.flatMap((i) => i.doc.workloads.filter((w) => w.type === 'zdb').map((w) => storage.zdb(`${i.doc.twin_id}-${i.contractId}-${w.name}`)));
    const candidates = zdbs.flatMap((p) => (p === undefined || grid.hdd(p.node, p.disk).failed ? [] : [{ node: p.node, disk: p.disk }]));
    let pick = candidates.length > 0 ? candidates[this.diskCursor++ % candidates.length]! : null;
    if (pick === null) {
      const node = this.nextNode((n) => grid.isOn(n) && firstHealthyHdd(this.world, n) >= 0);
      pick = node === null ? null : { node, disk: firstHealthyHdd(this.world, node) };
    }
    if (pick === null) return this.note('disk: no healthy HDD left'), null;
    grid.hdd(pick.node, pick.disk).fail('injected');
    this.ctx.diskFailures++;
    this.ctx.count('hdd-failure');
    this.note(`disk: node ${pick.node} HDD ${pick.disk} failed`);
    return pick;
  }

  /**
   * Cuts the next farm off. In a scenario that uses the network it is a real partition (the farm's
   * site links cut, its nodes on); otherwise all its nodes crash together, as the `partition` fault does.
   */
  partitionFarm(): string | null {
    const farms = this.world.grid.farms;
    if (usesNetwork(this.scenario)) return this.partitionNetwork();
    for (let tries = 0; tries < farms.farmCount; tries++) {
      const f = this.farmCursor++ % farms.farmCount;
      const first = farms.firstNode[f]!;
      const last = farms.firstNode[f + 1]!;
      let crashed = 0;
      for (let n = first; n < last; n++) if (this.world.grid.isOn(n)) this.world.grid.crash(n), crashed++;
      if (crashed === 0) continue;
      this.note(`partition: farm ${farms.names[f]} cut off (${crashed} nodes)`);
      return farms.names[f]!;
    }
    this.note('partition: every farm is already down');
    return null;
  }

  /** Repairs every crashed node and brings the hub back, as the start of the liveness phase does; heals network partitions too. */
  healAll(): number {
    const { grid, hub } = this.world;
    let repaired = 0;
    for (let n = 0; n < grid.nodeCount; n++) if (grid.table.failed[n] === 1) grid.repair(n), repaired++;
    hub.setUp(true);
    const healedNet = this.partitioned.size > 0;
    if (healedNet) this.world.net.healPartition();
    this.partitioned.clear();
    this.note(`heal: ${repaired} nodes repaired, hub up${healedNet ? ', network partition healed' : ''}`);
    return repaired;
  }

  /** Farms cut off by hand with partitionNetwork, until the next heal. */
  private readonly partitioned = new Set<number>();

  private partitionNetwork(): string | null {
    const farms = this.world.grid.farms;
    // At least one farm stays on the other side, or there would be nothing to be cut off from.
    if (this.partitioned.size + 1 >= farms.farmCount) return this.note('partition: no farm left to cut off'), null;
    let f = this.farmCursor++ % farms.farmCount;
    while (this.partitioned.has(f)) f = this.farmCursor++ % farms.farmCount;
    this.partitioned.add(f);
    this.world.net.partitionFarms([f]);
    this.note(`partition: farm ${farms.names[f]} cut off from the network (nodes stay on)`);
    return farms.names[f]!;
  }

  // -------------------------------------------------------------------------------------------

  private endSafety(): void {
    for (const c of this.checkers) if (c.phase === 'safety') this.verdict(c);
    this.ctx.startLiveness();
    this.note('liveness phase: faults off, everything repaired');
  }

  private checkLiveness(): void {
    const live = this.checkers.filter((c) => c.phase === 'liveness');
    const problems = live.map((c) => c.check());
    if (problems.every((p) => p === null)) {
      this.convergedAfterS = this.nowS - this.safetyUntilS;
      this.livenessVerdict = 'converged';
      this.note(`converged ${formatDuration(this.convergedAfterS)} after faults stopped`);
    } else if (this.nowS >= this.endS) {
      this.livenessVerdict = 'not converged';
      for (const c of live) this.verdict(c);
    }
  }

  private verdict(c: Checker): void {
    const problem = c.check();
    this.note(`${problem === null ? 'ok' : 'FAIL'} [${c.phase}] ${c.label}${problem === null ? '' : ` — ${problem}`}`);
  }

  private phaseNote(): string {
    if (this.ctx.phase === 'safety') return `safety ${formatDuration(this.nowS)}/${formatDuration(this.safetyUntilS)}`;
    const after = `liveness +${formatDuration(this.nowS - this.safetyUntilS)}`;
    if (this.convergedAfterS !== null) return `${after}, converged after ${formatDuration(this.convergedAfterS)}`;
    return this.livenessVerdict === null ? after : `${after}, NOT converged within ${formatDuration(this.endS - this.safetyUntilS)}`;
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
