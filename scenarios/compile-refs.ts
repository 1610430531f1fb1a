// What the parts of a scenario refer to (nodes, farms, workload groups), checked against the grid
// and the groups compiled so far. Leaves out the parts themselves (compile.ts, compile-invariants.ts).

import type { Fields } from './fields.js';

export interface Context {
  readonly where: string;
  readonly nodeCount: number;
  readonly farms: ReadonlyMap<string, readonly number[]>;
  readonly groups: ReadonlySet<string>;
  /** Untampered zdb groups compiled so far, with their instance counts: qsfs backends. */
  readonly zdbCounts: ReadonlyMap<string, number>;
}

export function nodeField(ctx: Context, f: Fields, key: string): number {
  return f.number(key, { integer: true, min: 0, max: ctx.nodeCount - 1 });
}

export function groupRef(ctx: Context, f: Fields, key: string): string {
  const name = f.string(key);
  if (!ctx.groups.has(name)) f.fail(key, `names no workload group (known: ${[...ctx.groups].join(', ') || 'none'})`);
  return name;
}

export function farmNodes(ctx: Context, f: Fields, key: string): number[] {
  const name = f.string(key);
  const nodes = ctx.farms.get(name);
  if (nodes === undefined) f.fail(key, `names no farm (known: ${[...ctx.farms.keys()].join(', ')})`);
  return [...nodes];
}
