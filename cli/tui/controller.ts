// The TUI's controller: paces a LiveRun by wall time (one slice of virtual time per tick), maps keys
// to actions, keeps sparkline history, and hands the components a plain state. Leaves out drawing.

import { builtinScenarios, compileBuiltin } from '../../scenarios/builtin/index.js';
import type { CompiledScenario } from '../../scenarios/compiled.js';
import { formatDuration } from '../../scenarios/duration.js';
import { loadScenario } from '../../scenarios/load.js';
import { LiveRun, type LiveOptions, type LiveSnapshot } from '../../scenarios/live.js';
import type { RunObserver } from '../../scenarios/observer.js';
import { RunRecorder, writeReports } from '../../reports/index.js';

/** Virtual seconds per tick that +/- step through; Infinity is "max": simulate for most of each tick. */
export const speeds = [1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86_400, 7 * 86_400, Infinity] as const;

/**
 * At max speed, wall milliseconds simulated per tick. Reading the state and drawing a frame cost about
 * 10–20 ms at 10,000 nodes, so four frames a second keep them under a tenth of the time, and a key
 * still answers within a quarter of a second.
 */
const maxSpeedTickMs = 250;
/**
 * At most this much virtual time per max-speed tick: an idle grid (no events left) would otherwise
 * cover years per tick and flood the report recorder with empty buckets.
 */
const maxTickS = 30 * 86_400;
/** At max speed, wall milliseconds between looks at the clock (the chunk of virtual time adapts). */
const chunkTargetMs = 5;

export function speedLabel(speedS: number): string {
  return speedS === Infinity ? 'max' : formatDuration(speedS);
}

export interface ScenarioChoice {
  readonly name: string;
  readonly description: string;
}

export interface TuiState {
  readonly screen: 'pick' | 'live';
  readonly choices: readonly ScenarioChoice[];
  readonly selected: number;
  readonly snapshot: LiveSnapshot | undefined;
  readonly log: readonly string[];
  readonly history: { readonly nodesUp: readonly number[]; readonly workloadsOk: readonly number[] };
  readonly paused: boolean;
  readonly speedS: number;
  /** The last action's outcome, shown under the header. */
  readonly message: string;
  readonly quitting: boolean;
}

export interface ControllerOptions {
  /** Start straight in the live view of this scenario (a built-in name or a .json path). */
  readonly scenario?: string;
  readonly seed?: string;
  /** Wall milliseconds between ticks (default 100). */
  readonly tickMs?: number;
  /** Virtual seconds per tick to start with (default 60). */
  readonly speedS?: number;
  /** Where `w` writes the report (default ./tui-report-SCENARIO). */
  readonly reportDir?: string;
  /** Start paused (tests step by hand). */
  readonly paused?: boolean;
  /** Record for `w` (default true); recording costs about a third more simulation time at 10,000 nodes. */
  readonly record?: boolean;
  /** How the run's jobs travel and whether it heals (the CLI's --transport, --redis, --no-reconcile). */
  readonly run?: Pick<LiveOptions, 'transport' | 'reconcile'>;
}

const historyLength = 120;
const logKept = 50;

export class TuiController {
  private state: TuiState;
  private run: LiveRun | undefined;
  private recorder: RunRecorder | undefined;
  private reportWritten: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timing = false;
  /** Virtual seconds per max-speed chunk, adapted to the grid's pace. */
  private chunkS = 600;
  private sawFinish = false;
  private ticking = false;
  private started: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** Wall milliseconds spent inside advance(), and virtual seconds covered: for the slowdown figure. */
  readonly cost = { simMs: 0, snapshotMs: 0, ticks: 0 };

  constructor(private readonly options: ControllerOptions = {}) {
    this.state = {
      screen: 'pick',
      choices: builtinScenarios.map((s) => ({ name: s.name, description: s.description ?? '' })),
      selected: 0,
      snapshot: undefined,
      log: [],
      history: { nodesUp: [], workloadsOk: [] },
      paused: options.paused ?? false,
      speedS: options.speedS ?? 60,
      message: '',
      quitting: false,
    };
    if (options.scenario !== undefined) void this.start(loadScenario(options.scenario));
  }

  getState = (): TuiState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** One key press, as Ink's useInput reports it. */
  key(input: string, key: { readonly return?: boolean; readonly upArrow?: boolean; readonly downArrow?: boolean } = {}): void {
    if (input === 'q') return this.quit();
    if (this.state.screen === 'pick') return this.pickKey(input, key);
    const run = this.run!;
    switch (input) {
      case ' ':
        return this.set({ paused: !this.state.paused, message: this.state.paused ? 'resumed' : 'paused' });
      case 's':
        return void this.tick(true);
      case '+':
      case '=':
        return this.changeSpeed(1);
      case '-':
        return this.changeSpeed(-1);
      case 'k':
        return this.act(() => run.killNode(), (n) => (n === null ? 'no node up to kill' : `killed node ${n}`));
      case 'd':
        return this.act(() => run.failDisk(), (d) => (d === null ? 'no healthy disk' : `failed HDD ${d.disk} of node ${d.node}`));
      case 'p':
        return this.act(() => run.partitionFarm(), (f) => (f === null ? 'every farm is down' : `partitioned ${f}`));
      case 'r':
        return this.act(() => run.rebootNode(), (n) => (n === null ? 'no node up to reboot' : `rebooted node ${n}`));
      case 'h':
        return this.act(() => run.healAll(), (n) => `healed: ${n} nodes repaired, hub up`);
      case 'w':
        return this.set({ message: this.writeReport() });
      default:
        return;
    }
  }

  /** Advances one slice (unless paused and not forced) and publishes a fresh state. */
  async tick(force = false): Promise<void> {
    if (this.run === undefined || this.state.quitting || this.ticking) return;
    this.ticking = true;
    try {
      await this.advanceTick(force);
    } finally {
      this.ticking = false;
    }
    this.refresh();
  }

  private async advanceTick(force: boolean): Promise<void> {
    if (this.run === undefined) return;
    if (!this.state.paused || force) {
      const t0 = performance.now();
      if (this.state.speedS !== Infinity) await this.run.advance(this.state.speedS);
      else await this.advanceForBudget(t0);
      this.run.sampleNow();
      this.cost.simMs += performance.now() - t0;
      this.cost.ticks++;
      // Stop where a headless run would stop; space carries on past the scenario's end.
      if (this.run.finished && !this.sawFinish) {
        this.sawFinish = true;
        this.state = { ...this.state, paused: true, message: 'scenario over (see the log); space runs on' };
      }
    }
  }

  /**
   * Max speed: simulate in chunks until this tick's wall budget is spent. Chunks only pause the
   * simulation between events, they never reorder them; the chunk adapts so that a look at the clock
   * comes about every few milliseconds whatever the grid's size.
   */
  private async advanceForBudget(t0: number): Promise<void> {
    const budgetMs = Math.max(this.options.tickMs ?? 100, maxSpeedTickMs);
    const untilS = this.run!.nowS + maxTickS;
    const finishedBefore = this.run!.finished;
    for (;;) {
      const c0 = performance.now();
      await this.run!.advance(Math.min(this.chunkS, untilS - this.run!.nowS));
      const now = performance.now();
      const tookMs = Math.max(now - c0, 0.01);
      this.chunkS = Math.min(30 * 86_400, Math.max(60, this.chunkS * Math.min(4, chunkTargetMs / tookMs)));
      if (now - t0 >= budgetMs || this.run!.nowS >= untilS || this.run!.finished !== finishedBefore) return;
    }
  }

  /**
   * Starts wall-clock pacing; the TUI command calls it, tests may tick by hand instead. Each tick is
   * scheduled after the last one ends, so a slow slice delays the next instead of piling up behind it.
   */
  startTimer(): void {
    if (this.timing) return;
    this.timing = true;
    const tickMs = this.options.tickMs ?? 100;
    const loop = async (): Promise<void> => {
      const t0 = performance.now();
      await this.tick();
      // At max speed the tick already filled its wall budget: yield just long enough to draw and read keys.
      const restMs = this.state.speedS === Infinity ? 0 : Math.max(0, tickMs - (performance.now() - t0));
      if (this.timing) this.timer = setTimeout(() => void loop(), restMs);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  stop(): void {
    this.timing = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pickKey(input: string, key: { readonly return?: boolean; readonly upArrow?: boolean; readonly downArrow?: boolean }): void {
    const count = this.state.choices.length;
    if (key.upArrow === true) return this.set({ selected: (this.state.selected + count - 1) % count });
    if (key.downArrow === true) return this.set({ selected: (this.state.selected + 1) % count });
    if (key.return === true || input === '\r') {
      const name = this.state.choices[this.state.selected]!.name;
      void this.start(compileBuiltin(builtinScenarios.find((s) => s.name === name)!));
      this.publish();
    }
  }

  /** Opens the run (its Testbed); keys and ticks before it is open do nothing. */
  private start(scenario: CompiledScenario): Promise<void> {
    const seed = this.options.seed === undefined ? {} : { seed: this.options.seed };
    if (this.options.record !== false) {
      this.recorder = new RunRecorder({ bucketS: bucketFor(scenario.durationS + scenario.convergeWithinS), seed: this.options.seed ?? scenario.seed ?? '1', scenario: scenario.name });
    }
    const observer = this.recorder === undefined ? {} : { observer: this.guarded(this.recorder) };
    this.started = LiveRun.open(scenario, { ...seed, ...observer, ...this.options.run }).then((run) => {
      this.run = run;
      this.state = { ...this.state, screen: 'live', message: `started ${scenario.name}` };
      this.refresh(false);
    });
    return this.started;
  }

  /** Resolves once the run asked for is open (tests await it before pressing keys). */
  ready(): Promise<void> {
    return this.started;
  }

  private act<T>(action: () => T, say: (result: T) => string): void {
    this.set({ message: say(action()) });
    this.refresh();
  }

  private changeSpeed(step: 1 | -1): void {
    const i = speeds.findIndex((s) => s >= this.state.speedS);
    const next = speeds[Math.max(0, Math.min(speeds.length - 1, (i < 0 ? speeds.length - 1 : i) + step))]!;
    this.set({ speedS: next, message: `speed ${speedLabel(next)} per tick` });
  }

  private writeReport(): string {
    if (this.recorder === undefined) return 'no report: recording is off (--no-record)';
    if (this.reportWritten !== undefined) return `report already written to ${this.reportWritten} (one per run)`;
    const run = this.run!;
    const dir = this.options.reportDir ?? `tui-report-${run.scenario.name}`;
    // A recorder's record is final once finished, so this is the run's one report, 0 to now.
    const files = writeReports(this.recorder!.finish(run.nowS), dir);
    this.reportWritten = dir;
    return `report: ${files.length} files in ${dir}`;
  }

  /** The recorder hears the run until its report is written; after that it would throw. */
  private guarded(recorder: RunRecorder): RunObserver {
    const live = (): boolean => this.reportWritten === undefined;
    return {
      sample: (nowS, s) => live() && recorder.sample(nowS, s),
      node: (nowS, n) => live() && recorder.node(nowS, n),
      operation: (op) => live() && recorder.operation(op),
      event: (nowS, kind, fields) => live() && recorder.event(nowS, kind, fields),
    };
  }

  private refresh(publish = true): void {
    const t0 = performance.now();
    const snapshot = this.run!.snapshot();
    this.cost.snapshotMs += performance.now() - t0;
    const h = this.state.history;
    const log = this.run!.logTail(logKept).map((l) => `${formatDuration(l.atS).padStart(6)}  ${l.text}`);
    this.state = {
      ...this.state,
      snapshot,
      log,
      history: { nodesUp: push(h.nodesUp, snapshot.nodes.up), workloadsOk: push(h.workloadsOk, snapshot.workloads.ok) },
    };
    if (publish) this.publish();
  }

  private quit(): void {
    this.stop();
    this.set({ quitting: true });
  }

  private set(patch: Partial<TuiState>): void {
    this.state = { ...this.state, ...patch };
    this.publish();
  }

  private publish(): void {
    for (const l of this.listeners) l();
  }
}

function push(values: readonly number[], v: number): number[] {
  const next = values.length >= historyLength ? values.slice(1) : values.slice();
  next.push(v);
  return next;
}

/** As `run --out`: the finest bucket width that keeps a run under 10,000 timeseries rows. */
function bucketFor(totalS: number): number {
  const widths = [60, 300, 900, 3600, 21_600, 86_400, 7 * 86_400];
  return widths.find((w) => totalS / w <= 10_000) ?? 30 * 86_400;
}
