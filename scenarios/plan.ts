// `plan`: for each demand level (the scenario's workload groups scaled), the smallest value of one
// sizing field (a node count) whose runs meet the SLO in every seed, found by scenarios/plan-search.ts
// rather than by running every combination, with what binds in words. Runs go through the same task
// runner as `sweep` (local threads or BullMQ), so each is a full scenario run through the scheduler.

import { InputError } from '../sim/errors.js';
import { compileScenario } from './compile.js';
import { gridByName } from './grids.js';
import type { CompiledScenario } from './compiled.js';
import { resourceUse, templateNames } from './plan-resources.js';
import { searchFrontier, type Evaluation } from './plan-search.js';
import type { Scenario } from './scenario.js';
import { meetsSlo, sweepMetricNames, type SloBound, type SweepMetrics } from './sweep-metrics.js';
import { applyParams, parseParams, type SweepParam } from './sweep-params.js';
import { sweepSeeds } from './sweep-plan.js';
import type { SweepRunChoice, SweepTask, SweepTaskResult } from './sweep-task.js';

export interface PlanInput {
  readonly scenario: Scenario;
  readonly source: string;
  /** A dotted path to a node count, as `sweep --param` takes it. */
  readonly sizePath: string;
  /** Multipliers of every workload group's count, ascending. */
  readonly demand: readonly number[];
  readonly slo: readonly SloBound[];
  readonly seedCount: number;
  readonly baseSeed: string;
  readonly maxNodes: number;
  readonly run?: SweepRunChoice;
}

export type RunTasks = (tasks: readonly SweepTask[]) => Promise<SweepTaskResult[]>;

export interface PlanPointResult extends Evaluation {
  readonly size: number;
  readonly nodes: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Each metric's value in every seed, in seed order: what plan.csv's confidence intervals come from. */
  readonly samples: Readonly<Record<string, readonly number[]>>;
  /** The SLO bounds some seed missed, as `metric value op bound` (empty when it passes). */
  readonly missed: readonly string[];
}

export interface FrontierEntry {
  readonly demand: number;
  /** The smallest passing grid's node count; when none passes, the largest grid tried. */
  readonly nodes: number;
  readonly size: number;
  readonly sloMet: boolean;
  readonly binding: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly samples: Readonly<Record<string, readonly number[]>>;
}

export interface PlanResult {
  readonly frontier: readonly FrontierEntry[];
  readonly evaluatedRuns: number;
  readonly fullGridRuns: number;
  readonly seeds: readonly string[];
  readonly sizes: { readonly min: number; readonly max: number };
}

/** Scales every group's count by `factor` (rounded up: a demand of 2.5 deployments needs 3). */
export function scaleDemand(scenario: Scenario, factor: number): Scenario {
  return { ...scenario, workload: (scenario.workload ?? []).map((g) => ({ ...g, count: Math.max(1, Math.ceil((g.count ?? 1) * factor)) })) };
}

export async function plan(input: PlanInput, runTasks: RunTasks): Promise<PlanResult> {
  const param = sizeParam(input.sizePath);
  const written = (level: number, size: number): Scenario => scaleDemand(applyParams(input.scenario, [param], [size]), input.demand[level]!);
  const sourceAt = (level: number, size: number): string => `${input.source} with ${input.sizePath}=${size} demand ×${input.demand[level]}`;
  const at = (level: number, size: number): CompiledScenario => compileScenario(written(level, size), sourceAt(level, size));
  const nodesAt = (size: number): number => nodeCount(applyParams(input.scenario, [param], [size]));
  const maxSize = largestSize(input, nodesAt);
  const seeds = sweepSeeds(input.baseSeed, input.seedCount);
  let evaluatedRuns = 0;
  const evaluate = async (level: number, index: number): Promise<PlanPointResult> => {
    const size = index + 1;
    const scenario = written(level, size);
    const compiled = compiles(() => compileScenario(scenario, sourceAt(level, size)));
    // A grid too small for the scenario as written (a fault naming node 3 of 2) fails like any too-small grid.
    if (compiled instanceof InputError) return { size, nodes: nodesAt(size), pass: false, metrics: {}, samples: {}, missed: [`the scenario does not fit: ${compiled.message}`] };
    const tasks = seeds.map((seed, i): SweepTask => ({ index: i, pointIndex: 0, seedIndex: i, seed, source: compiled.source, scenario, ...(input.run === undefined ? {} : { run: input.run }) }));
    evaluatedRuns += tasks.length;
    const runs = (await runTasks(tasks)).map((r) => r.metrics);
    return { size, nodes: compiled.nodeCount, pass: runs.every((m) => meetsSlo(m, input.slo)), metrics: meanMetrics(runs), samples: metricSamples(runs), missed: missedBounds(runs, input.slo) };
  };
  const answers = await searchFrontier(input.demand.length, maxSize, evaluate);
  const frontier = answers.map((answer, level): FrontierEntry => {
    const point = answer.at;
    return {
      demand: input.demand[level]!,
      nodes: point.nodes,
      size: point.size,
      sloMet: answer.size !== undefined,
      binding: bindingWords(answer.size === undefined ? point : answer.below?.evaluation, compiles(() => at(level, answer.size === undefined ? point.size : Math.max(1, point.size - 1))), input, level),
      metrics: point.metrics,
      samples: point.samples,
    };
  });
  return { frontier, evaluatedRuns, fullGridRuns: input.demand.length * maxSize * seeds.length, seeds, sizes: { min: 1, max: maxSize } };
}

function compiles(build: () => CompiledScenario): CompiledScenario | InputError {
  try {
    return build();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
}

/** Nodes in the scenario's grid as written (the sized path always expands a named grid). */
function nodeCount(scenario: Scenario): number {
  const grid = typeof scenario.grid === 'string' ? gridByName(scenario.grid, 'command line', '--size') : scenario.grid;
  return grid.farms.reduce((sum, farm) => sum + farm.nodes.reduce((n, g) => n + g.count, 0), 0);
}

function sizeParam(path: string): SweepParam {
  const [param] = parseParams(`${path}=1`);
  return param!;
}

/** The largest size (1…) whose grid has at most maxNodes nodes; node count grows by one per size. */
function largestSize(input: PlanInput, nodesAt: (size: number) => number): number {
  const others = nodesAt(1) - 1;
  if (nodesAt(2) - others !== 2) throw new InputError('command line', '--size', `'${input.sizePath}' is not a node count (one more makes ${nodesAt(2) - nodesAt(1)} more nodes)`);
  const max = input.maxNodes - others;
  if (max < 1) throw new InputError('command line', '--max-nodes', `${input.maxNodes} leaves no room: the rest of the grid has ${others} nodes`);
  return max;
}

function meanMetrics(runs: readonly SweepMetrics[]): Record<string, number> {
  return Object.fromEntries(sweepMetricNames.map((m) => [m, runs.reduce((sum, r) => sum + r[m], 0) / runs.length]));
}

function metricSamples(runs: readonly SweepMetrics[]): Record<string, number[]> {
  return Object.fromEntries(sweepMetricNames.map((m) => [m, runs.map((r) => r[m])]));
}

/** The bounds some run missed, with the worst value; a metric not measured (NaN) misses, as in a sweep. */
function missedBounds(runs: readonly SweepMetrics[], slo: readonly SloBound[]): string[] {
  return slo.flatMap((b) => {
    const worst = runs.map((r) => r[b.metric]).reduce((w, v) => (Number.isNaN(v) ? v : b.op === '>=' ? Math.min(w, v) : Math.max(w, v)));
    const ok = b.op === '>=' ? worst >= b.value : worst <= b.value;
    return ok ? [] : [`${b.metric} ${valueWords(b.metric, worst)} (needs ${b.op} ${valueWords(b.metric, b.value)})`];
  });
}

/** A metric's value as people read it, by the unit its name ends in: seconds as minutes or hours, shares as percentages. */
export function valueWords(metric: string, value: number): string {
  const round = (x: number): number => Number(x.toPrecision(4));
  if (!Number.isFinite(value)) return String(value);
  if (metric.endsWith('S')) return value < 120 ? `${round(value)} s` : value < 7200 ? `${round(value / 60)} min` : `${round(value / 3600)} h`;
  if (metric.endsWith('Fraction')) return `${value >= 0.99 && value < 1 ? Number((value * 100).toFixed(3)) : round(value * 100)} %`;
  return String(round(value));
}

/**
 * In words: which SLO bound fails just below the answer (or at the closest point when nothing
 * passes), and which resource the demand uses most of there.
 */
function bindingWords(failing: PlanPointResult | undefined, scenario: CompiledScenario | InputError, input: PlanInput, level: number): string {
  const top = scenario instanceof InputError ? undefined : resourceUse(scenario)[0];
  const resource = top === undefined || scenario instanceof InputError
    ? 'no resource is short'
    : top.fraction > 1
      ? `${top.resource} on ${templateNames(scenario).join(', ')} nodes runs out first at ${input.demand[level]}× demand (${percent(top.fraction)} of it asked at ${scenario.nodeCount} nodes)`
      : `${top.resource} is the most used resource at ${input.demand[level]}× demand (${percent(top.fraction)} of it on ${templateNames(scenario).join(', ')} nodes asked at ${scenario.nodeCount} nodes)`;
  if (failing === undefined) return resource;
  return `${failing.missed.join('; ') || 'the SLO'} at ${failing.nodes} nodes; ${resource}`;
}

function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)} %` : 'all (none offered)';
}
