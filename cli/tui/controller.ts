// The TUI's controller: opens a LiveRun, paces it by wall time (one slice of virtual time per tick),
// runs keys and ticks one at a time in arrival order, and hands the components a plain TuiState.
// Leaves out drawing (the components), the key table (keys.ts) and the faults (fault-keys.ts).

import { builtinScenarios, compileBuiltin } from '../../scenarios/builtin/index.js';
import type { CompiledScenario } from '../../scenarios/compiled.js';
import { formatDuration } from '../../scenarios/duration.js';
import { loadScenario } from '../../scenarios/load.js';
import { LiveRun, type LiveOptions } from '../../scenarios/live.js';
import { cursorAt, cursorNode, moveFarm, moveNode, nextWhere, startCursor } from './cursor.js';
import { injectFault } from './fault-keys.js';
import { liveCommand, type Command, type KeyInfo } from './keys.js';
import { MaxSpeedPacer, maxSpeedTickMs } from './pacer.js';
import { ReportKey } from './report-key.js';
import { emptyHistory, pushHistory, speedLabel, stepSpeed, type TuiState } from './state.js';

export { speedLabel, speeds, type ScenarioChoice, type TuiState } from './state.js';

export interface ControllerOptions {
  /** Start straight in the live view of this scenario (a built-in name, a .json path, or one loaded). */
  readonly scenario?: string | CompiledScenario;
  readonly seed?: string;
  /** Wall milliseconds between ticks (default 100). */
  readonly tickMs?: number;
  /** Virtual seconds per tick to start with (default 60). */
  readonly speedS?: number;
  /** Where `w` writes the report (default ./tui-report-SCENARIO). */
  readonly reportDir?: string;
  /** Start paused (tests step by hand; the CLI's --paused). */
  readonly paused?: boolean;
  /** Record for `w` (default true); recording costs about a third more simulation time at 10,000 nodes. */
  readonly record?: boolean;
  /** How the run's jobs travel and whether it heals (the CLI's --transport, --redis, --no-reconcile). */
  readonly run?: Pick<LiveOptions, 'transport' | 'reconcile'>;
}

const logKept = 50;

export class TuiController {
  private state: TuiState;
  private run: LiveRun | undefined;
  private report: ReportKey | undefined;
  private readonly pacer = new MaxSpeedPacer();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timing = false;
  private sawFinish = false;
  /** Keys and ticks in arrival order, one at a time: a fault never lands in the middle of a slice. */
  private work: Promise<void> = Promise.resolve();
  private started: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  /** What stopped the run (a failed open, a harness error): the CLI prints it once Ink is gone. */
  failure: unknown;
  /** Wall milliseconds spent advancing and reading the state, and ticks: for `bench tui`. */
  readonly cost = { simMs: 0, snapshotMs: 0, ticks: 0 };

  constructor(private readonly options: ControllerOptions = {}) {
    this.state = {
      screen: 'pick',
      choices: builtinScenarios.map((s) => ({ name: s.name, description: s.description ?? '' })),
      selected: 0,
      snapshot: undefined,
      log: [],
      history: emptyHistory,
      cursor: startCursor,
      paused: options.paused ?? false,
      speedS: options.speedS ?? 60,
      message: '',
      quitting: false,
    };
    if (options.scenario !== undefined) this.start(typeof options.scenario === 'string' ? loadScenario(options.scenario) : options.scenario);
  }

  getState = (): TuiState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Resolves once the run asked for is open (or failed to open). */
  ready(): Promise<void> {
    return this.started;
  }

  /** Resolves once every key and tick queued so far is done. */
  idle(): Promise<void> {
    return this.work;
  }

  /** One key press, as Ink's useInput reports it; q quits at once, other keys wait their turn. */
  key(input: string, key: KeyInfo = {}): Promise<void> {
    // Keys typed faster than Ink reads them arrive as one string ("]>>"): each is still one key.
    if ([...input].length > 1 && !input.includes('\u001B')) return [...input].reduce<Promise<void>>((_, ch) => this.key(ch), this.work);
    if (input === 'q') return this.quit(), this.work;
    return this.enqueue(() => (this.state.screen === 'pick' ? this.pickKey(input, key) : this.liveKey(input, key)));
  }

  /** Advances one slice (unless paused and not forced) and publishes a fresh state. */
  tick(force = false): Promise<void> {
    return this.enqueue(() => this.advanceTick(force));
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

  /** Stops the clock, cuts a slice in progress short and closes the run's Testbed (its transport). */
  async close(): Promise<void> {
    this.stop();
    await this.started;
    this.run?.interrupt();
    await this.work;
    await this.run?.close();
  }

  private enqueue(step: () => void | Promise<void>): Promise<void> {
    this.work = this.work.then(step).catch((error: unknown) => this.fail(error));
    return this.work;
  }

  private async advanceTick(force: boolean): Promise<void> {
    const run = this.run;
    if (run === undefined || this.state.quitting || run.stopped) return;
    // Paused, nothing changes between keys, and keys refresh the screen themselves.
    if (this.state.paused && !force) return;
    const t0 = performance.now();
    if (this.state.speedS !== Infinity) await run.advance(this.state.speedS);
    else await this.pacer.advance(run, t0, Math.max(this.options.tickMs ?? 100, maxSpeedTickMs));
    run.sampleNow();
    this.cost.simMs += performance.now() - t0;
    this.cost.ticks++;
    // Stop where a headless run would stop; space carries on past the scenario's end.
    if (run.finished && !this.sawFinish) {
      this.sawFinish = true;
      this.state = { ...this.state, paused: true, message: 'scenario over (see the log); space runs on' };
    }
    this.refresh();
  }

  private pickKey(input: string, key: KeyInfo): void {
    const count = this.state.choices.length;
    if (key.upArrow === true) return this.set({ selected: (this.state.selected + count - 1) % count });
    if (key.downArrow === true) return this.set({ selected: (this.state.selected + 1) % count });
    if (key.return === true || input === '\r') {
      const name = this.state.choices[this.state.selected]!.name;
      this.start(compileBuiltin(builtinScenarios.find((s) => s.name === name)!));
    }
  }

  private liveKey(input: string, key: KeyInfo): void | Promise<void> {
    if (this.run === undefined) return;
    const command = liveCommand(input, key);
    if (command !== undefined) return this.perform(this.run, command);
  }

  private perform(run: LiveRun, c: Command): void | Promise<void> {
    const farms = this.state.snapshot!.farms;
    switch (c.kind) {
      case 'quit':
        return this.quit();
      case 'pause':
        return this.set({ paused: !this.state.paused, message: this.state.paused ? 'resumed' : 'paused' });
      case 'step':
        return this.advanceTick(true);
      case 'speed': {
        const speedS = stepSpeed(this.state.speedS, c.step);
        return this.set({ speedS, message: `speed ${speedLabel(speedS)} per tick` });
      }
      case 'farm':
        return this.set({ cursor: moveFarm(this.state.cursor, farms, c.step) });
      case 'node':
        return this.set({ cursor: moveNode(this.state.cursor, farms, c.step) });
      case 'next-down': {
        const at = nextWhere(this.state.cursor, farms, (s) => s === 2);
        return this.set(at === null ? { message: 'no node is down' } : { cursor: at, message: `cursor on down node ${cursorNode(at, farms)}` });
      }
      case 'fault': {
        const aimed = c.at === 'cursor';
        const target = aimed ? { node: cursorNode(this.state.cursor, farms), farm: this.state.cursor.farm } : { node: undefined, farm: undefined };
        this.state = { ...this.state, message: injectFault(run, c.fault, target) };
        return this.refresh();
      }
      case 'heal':
        this.state = { ...this.state, message: `healed: ${run.healAll()} nodes repaired, hub up` };
        return this.refresh();
      case 'report':
        return this.set({ message: this.writeReport(run) });
    }
  }

  /** Opens the run (its Testbed); keys and ticks wait behind the opening. */
  private start(scenario: CompiledScenario): void {
    const seed = this.options.seed ?? scenario.seed ?? '1';
    if (this.options.record !== false) this.report = new ReportKey(scenario, seed);
    this.set({ screen: 'loading', message: `opening ${scenario.name}…` });
    const opening = LiveRun.open(scenario, { seed, ...(this.report === undefined ? {} : { observer: this.report.observer() }), ...this.options.run }).then((run) => {
      this.run = run;
      this.state = { ...this.state, screen: 'live', message: `started ${scenario.name}` };
      this.refresh();
    });
    this.started = opening.catch((error: unknown) => this.fail(error));
    this.work = this.work.then(() => this.started);
  }

  private writeReport(run: LiveRun): string {
    if (this.report === undefined) return 'no report: recording is off (--no-record)';
    return this.report.write(run, this.options.reportDir ?? `tui-report-${run.scenario.name}`);
  }

  private refresh(): void {
    const t0 = performance.now();
    const snapshot = this.run!.snapshot();
    this.cost.snapshotMs += performance.now() - t0;
    const log = this.run!.logTail(logKept).map((l) => `${formatDuration(l.atS).padStart(6)}  ${l.text}`);
    // The grid does not change shape during a run, but a cursor from another scenario would point nowhere.
    const cursor = this.state.cursor.farm < snapshot.farms.length ? this.state.cursor : cursorAt(0, snapshot.farms);
    const sameInstant = this.state.snapshot !== undefined && this.state.snapshot.nowS === snapshot.nowS;
    this.set({ snapshot, log, cursor, history: pushHistory(this.state.history, snapshot, sameInstant) });
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.stop();
    this.set({ quitting: true, message: `stopped: ${error instanceof Error ? error.message : String(error)}` });
  }

  private quit(): void {
    this.stop();
    // A slice in progress (a long one over BullMQ) stops after its current event instead of finishing.
    this.run?.interrupt();
    this.set({ quitting: true });
  }

  private set(patch: Partial<TuiState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
