// Sweep parameters: `PATH=V1,V2,…` where PATH is a dotted path into the scenario object, applied to
// copies of it, and the cartesian product of all values. Leaves out running the points (sweep-pool.ts).

import { InputError } from '../sim/errors.js';
import { parseDuration } from './duration.js';
import { gridByName } from './grids.js';
import type { Scenario } from './scenario.js';

export type ParamValue = number | string | boolean;

export interface SweepParam {
  /** As the user typed it: `grid.farms[0].nodes[0].count`; also the CSV column header. */
  readonly name: string;
  readonly path: readonly (string | number)[];
  readonly values: readonly ParamValue[];
}

const WHERE = 'command line';

/**
 * `--param` text: assignments separated by `;` (the flag can be given once), each `PATH=V1,V2,…`.
 * Values that read as numbers are numbers, `true`/`false` booleans, anything else a string (so
 * grid names pass through to the scenario compiler, which checks them). A field named in seconds
 * (`durationS`, `atS`) takes durations such as `2h` and holds their seconds.
 */
export function parseParams(text: string): SweepParam[] {
  const params = text.split(';').filter((s) => s.trim() !== '').map(parseOne);
  if (params.length === 0) throw new InputError(WHERE, '--param', 'needs at least one PATH=V1,V2,…');
  const names = new Set<string>();
  for (const p of params) {
    if (names.has(p.name)) throw new InputError(WHERE, '--param', `'${p.name}' given twice`);
    names.add(p.name);
  }
  return params;
}

function parseOne(text: string): SweepParam {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError(WHERE, '--param', `'${text}' is not PATH=V1,V2,…`);
  const name = text.slice(0, eq).trim();
  const values = text.slice(eq + 1).split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new InputError(WHERE, '--param', `'${name}' has an empty value`);
  if (new Set(values).size !== values.length) throw new InputError(WHERE, '--param', `'${name}' repeats a value`);
  const path = parsePath(name);
  // A field whose name says seconds (durationS, atS…) holds seconds in the CSV column too: `2h` is 7200.
  const seconds = typeof path[path.length - 1] === 'string' && /S$/.test(path[path.length - 1] as string);
  return { name, path, values: values.map((v) => (seconds ? secondsValue(name, v) : parseValue(v))) };
}

function parsePath(name: string): (string | number)[] {
  const path: (string | number)[] = [];
  // Segments are identifiers, each optionally followed by [index]s: farms[0].nodes[1].count.
  for (const segment of name.split('.')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/.exec(segment);
    if (m === null) throw new InputError(WHERE, '--param', `'${name}': bad path segment '${segment}' (use a.b[0].c)`);
    path.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(idx[1]));
  }
  return path;
}

function secondsValue(name: string, text: string): number {
  try {
    return parseDuration(parseValue(text));
  } catch (err) {
    throw new InputError(WHERE, '--param', `'${name}' takes durations (seconds, or 90m, 2h, 1d): ${(err as Error).message}`);
  }
}

function parseValue(text: string): ParamValue {
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** Every combination, the first parameter varying slowest (the order of the CSV rows). */
export function cartesian(params: readonly SweepParam[]): ParamValue[][] {
  let points: ParamValue[][] = [[]];
  for (const p of params) points = points.flatMap((prefix) => p.values.map((v) => [...prefix, v]));
  return points;
}

/**
 * A copy of `scenario` with each parameter set. A named grid is expanded into its spec first, so
 * that `grid.farms[…]` paths work on built-ins such as farm-partition; the leaf must already exist
 * (a typo is bad input, not a silently ignored new field).
 */
export function applyParams(scenario: Scenario, params: readonly SweepParam[], values: readonly ParamValue[]): Scenario {
  const copy = structuredClone(scenario) as unknown as Record<string, unknown>;
  params.forEach((p, i) => {
    if (p.path[0] === 'grid' && p.path.length > 1 && typeof copy.grid === 'string') copy.grid = structuredClone(gridByName(copy.grid, WHERE, '--param'));
    setPath(copy, p, values[i]!);
  });
  return copy as unknown as Scenario;
}

function setPath(root: Record<string, unknown>, p: SweepParam, value: ParamValue): void {
  let node: unknown = root;
  p.path.forEach((key, depth) => {
    const last = depth === p.path.length - 1;
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
      throw new InputError(WHERE, '--param', `'${p.name}': the scenario has no ${p.path.slice(0, depth + 1).join('.')}`);
    }
    if (last) (node as Record<string | number, unknown>)[key] = value;
    else node = (node as Record<string | number, unknown>)[key];
  });
}
