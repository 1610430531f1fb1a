// A sweep planned before anything runs: each point's scenario compiled once (so bad values fail
// early, naming the parameter), the seeds, and one task per point × seed. Leaves out running them.

import { readFileSync } from 'node:fs';
import { InputError } from '../sim/errors.js';
import { builtinScenario, builtinScenarios } from './builtin/index.js';
import { compileScenario } from './compile.js';
import type { CompiledScenario } from './compiled.js';
import { formatDuration } from './duration.js';
import type { Scenario } from './scenario.js';
import { withTfrobot } from './tfrobot.js';
import { applyParams, cartesian, type ParamValue, type SweepParam } from './sweep-params.js';
import type { SweepRunChoice, SweepTask } from './sweep-task.js';

export interface SweepPoint {
  readonly index: number;
  readonly values: readonly ParamValue[];
  readonly nodes: number;
  /** Faults timed at or after the run's end (never happen): such a point is no candidate. */
  readonly faultsPastEnd: readonly string[];
}

export interface SweepPlan {
  readonly scenario: string;
  readonly params: readonly SweepParam[];
  readonly points: readonly SweepPoint[];
  readonly seeds: readonly string[];
  readonly tasks: readonly SweepTask[];
}

/**
 * Bounds checked before anything is built: a plan holds every task in memory and a sweep queues
 * them all at once, so a typo like `--seeds 1e9` must be refused, not run out of memory.
 */
export const sweepLimits = { seeds: 10_000, points: 10_000, runs: 100_000 } as const;

/** Throws an InputError naming the flag when the sweep would exceed sweepLimits. */
export function checkSweepSize(params: readonly SweepParam[], seedCount: number): number {
  if (!Number.isSafeInteger(seedCount) || seedCount < 1 || seedCount > sweepLimits.seeds) {
    throw new InputError('command line', '--seeds', `must be an integer from 1 to ${sweepLimits.seeds}, got ${seedCount}`);
  }
  const points = params.reduce((n, p) => n * p.values.length, 1);
  if (points > sweepLimits.points) {
    throw new InputError('command line', '--param', `${params.map((p) => p.values.length).join(' × ')} = ${points} points; at most ${sweepLimits.points} in one sweep`);
  }
  if (points * seedCount > sweepLimits.runs) {
    throw new InputError('command line', '--seeds', `${points} points × ${seedCount} seeds = ${points * seedCount} runs; at most ${sweepLimits.runs} in one sweep`);
  }
  return points;
}

/** The scenario as written (not compiled), since parameters are paths into what the user wrote. */
export function loadRawScenario(nameOrPath: string, tfrobotPath?: string): { scenario: Scenario; source: string } {
  const found = loadAsWritten(nameOrPath);
  if (tfrobotPath === undefined) return found;
  const source = `${found.source} with the workload of ${tfrobotPath}`;
  const scenario = withTfrobot(found.scenario, tfrobotPath);
  compileScenario(scenario, source);
  return { scenario, source };
}

function loadAsWritten(nameOrPath: string): { scenario: Scenario; source: string } {
  const builtin = builtinScenario(nameOrPath);
  if (builtin !== undefined) return { scenario: builtin, source: `builtin:${builtin.name}` };
  if (!nameOrPath.endsWith('.json')) {
    throw new InputError('command line', 'SCENARIO', `no built-in scenario '${nameOrPath}' and not a .json file (built-ins: ${builtinScenarios.map((s) => s.name).join(', ')})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(nameOrPath, 'utf8'));
  } catch (err) {
    throw new InputError(nameOrPath, '', `cannot read as JSON: ${(err as Error).message}`);
  }
  // Compiling checks the whole file now, so that errors name the file before any parameter is set.
  compileScenario(raw, nameOrPath);
  return { scenario: raw as Scenario, source: nameOrPath };
}

/** Seeds `S.1`, `S.2`, …: each replays with `run POINT --seed S.i` on the point's scenario. */
export function sweepSeeds(base: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${base}.${i + 1}`);
}

export function planSweep(nameOrPath: string, params: readonly SweepParam[], seedCount: number, baseSeed?: string, run?: SweepRunChoice, tfrobotPath?: string): SweepPlan {
  checkSweepSize(params, seedCount);
  const { scenario, source } = loadRawScenario(nameOrPath, tfrobotPath);
  const seeds = sweepSeeds(baseSeed ?? String(scenario.seed ?? 1), seedCount);
  const points: SweepPoint[] = [];
  const tasks: SweepTask[] = [];
  cartesian(params).forEach((values, pointIndex) => {
    const applied = applyParams(scenario, params, values);
    const pointSource = `${source} with ${params.map((p, i) => `${p.name}=${String(values[i])}`).join(' ')}`;
    const compiled = compileScenario(applied, pointSource);
    points.push({ index: pointIndex, values, nodes: compiled.nodeCount, faultsPastEnd: faultsPastEnd(compiled) });
    seeds.forEach((seed, seedIndex) => tasks.push({ index: tasks.length, pointIndex, seedIndex, seed, source: pointSource, scenario: applied, ...(run === undefined ? {} : { run }) }));
  });
  return { scenario: scenario.name, params, points, seeds, tasks };
}

/** Timed faults a run of this length never reaches: a run that ends before its faults tested nothing. */
export function faultsPastEnd(compiled: CompiledScenario): string[] {
  return compiled.faults.flatMap((fault, i) =>
    'atS' in fault && fault.atS >= compiled.durationS ? [`faults[${i}] (${fault.kind}) at ${formatDuration(fault.atS)} is not before the end of the run at ${formatDuration(compiled.durationS)}`] : [],
  );
}
