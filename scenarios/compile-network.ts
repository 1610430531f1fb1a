// The network parts of a scenario, checked once: link cuts, real farm partitions, planetary root loss
// and probe traffic. Leaves out whether a link exists: the underlay is built at run time (network-faults.ts).

import type { CompiledFault, CompiledScenario } from './compiled.js';
import type { Context } from './compile-refs.js';
import { Fields } from './fields.js';

export const networkFaultKinds = ['link-cut', 'partition-farms', 'planetary-root-loss'] as const;
export type NetworkFaultKind = (typeof networkFaultKinds)[number];

export function isNetworkFaultKind(kind: string): kind is NetworkFaultKind {
  return (networkFaultKinds as readonly string[]).includes(kind);
}

export function networkFault(ctx: Context, raw: unknown, path: string, kind: NetworkFaultKind): CompiledFault {
  const fields = (extra: string[]): Fields => new Fields(ctx.where, path, raw, ['kind', ...extra]);
  switch (kind) {
    case 'link-cut': {
      const f = fields(['a', 'b', 'atS', 'durationS']);
      const a = f.number('a', { integer: true, min: 0 });
      const b = f.number('b', { integer: true, min: 0 });
      if (a === b) f.fail('b', `must differ from a (${a}): a link joins two underlay nodes`);
      return { kind, a, b, atS: f.duration('atS'), durationS: optionalPositive(f, 'durationS'), field: path };
    }
    case 'partition-farms': {
      const f = fields(['farms', 'atS', 'durationS']);
      return { kind, farms: farmIndices(ctx, f), atS: f.duration('atS'), durationS: optionalPositive(f, 'durationS') };
    }
    case 'planetary-root-loss': {
      const f = fields(['atS']);
      return { kind, atS: f.duration('atS') };
    }
  }
}

/** Farm names to indices in the grid's order; at least one farm must stay on the other side. */
function farmIndices(ctx: Context, f: Fields): number[] {
  const names = [...ctx.farms.keys()];
  const list = f.list('farms');
  if (list.length === 0) f.fail('farms', 'must name at least one farm');
  const indices = list.map((name, i) => {
    const index = typeof name === 'string' ? names.indexOf(name) : -1;
    if (index < 0) f.fail(`farms[${i}]`, `names no farm, got ${JSON.stringify(name)} (known: ${names.join(', ')})`);
    return index;
  });
  if (new Set(indices).size !== indices.length) f.fail('farms', 'names a farm twice');
  if (indices.length >= names.length) f.fail('farms', `cuts off every farm of the grid (${names.length}); leave at least one on the other side`);
  return indices;
}

function optionalPositive(f: Fields, key: string): number | undefined {
  if (!f.has(key)) return undefined;
  const s = f.duration(key);
  if (!(s > 0)) f.fail(key, 'must be > 0');
  return s;
}

/** `probes: { intervalS, pairs }`, or undefined when the scenario has none. */
export function probesOf(where: string, raw: unknown): CompiledScenario['probes'] {
  if (raw === undefined) return undefined;
  const f = new Fields(where, 'probes', raw, ['intervalS', 'pairs']);
  const intervalS = f.duration('intervalS');
  if (!(intervalS >= 1)) f.fail('intervalS', `must be >= 1 s, got ${intervalS}`);
  return { intervalS, pairs: f.number('pairs', { integer: true, min: 1, max: 10_000 }) };
}

const probeInvariants = new Set(['planetary-delivery', 'planetary-delivery-dips']);
const networkInvariants = new Set([...probeInvariants, 'network-partitions', 'no-partition-at-end', 'root-path-share']);

/** Invariants on probe traffic need probes: refused at compile time rather than failing vacuously. */
export function checkProbeInvariants(where: string, scenario: Pick<CompiledScenario, 'invariants' | 'probes'>): void {
  if (scenario.probes !== undefined) return;
  const i = scenario.invariants.findIndex((inv) => probeInvariants.has(inv.kind));
  if (i >= 0) new Fields(where, `invariants[${i}]`, {}, []).fail('kind', `${scenario.invariants[i]!.kind} needs probe traffic: add probes: { intervalS, pairs }`);
}

/**
 * A run uses the network when it cuts links, partitions farms, loses the root, sends probes or checks
 * the network. Only then is world.net built and do reports carry network columns: other runs stay
 * byte-identical to what they were before the network existed.
 */
export function usesNetwork(scenario: Pick<CompiledScenario, 'faults' | 'invariants' | 'probes'>): boolean {
  return scenario.probes !== undefined || scenario.faults.some((f) => isNetworkFaultKind(f.kind)) || scenario.invariants.some((inv) => networkInvariants.has(inv.kind));
}
