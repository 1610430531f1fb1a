// The invariants a scenario asks for, checked and labelled for the summary. Leaves out checking them
// during a run (invariants.ts).

import type { CompiledInvariant } from './compiled.js';
import { groupRef, nodeField, type Context } from './compile-refs.js';
import { Fields } from './fields.js';
import { networkInvariant } from './compile-network-invariants.js';

const invariantFields: Record<string, string[]> = {
  'workload-state': ['group', 'workload', 'state', 'messageMatches', 'atS'],
  'deployment-removed': ['group', 'atS'],
  'node-status': ['node', 'status', 'atS'],
  'update-refused': ['group'],
  'errors-terminal': [],
  'capacity-bounds': [],
  'max-down-fraction': ['fraction'],
  'disk-afr': [],
  converged: [],
  'capacity-released': [],
  'deployments-ok': ['group', 'minFraction'],
  'zstor-no-loss': ['group'],
  'zstor-redundant': ['group'],
  'qsfs-loss-window': ['group', 'windowS'],
  'planetary-delivery': ['min'],
  'planetary-delivery-dips': ['below'],
  'network-partitions': ['atS', 'min', 'max'],
  'no-partition-at-end': [],
  'root-path-share': ['min', 'max', 'atS'],
};

export function invariant(ctx: Context, raw: unknown, path: string): CompiledInvariant {
  const kind = new Fields(ctx.where, path, raw, Object.keys(raw ?? {})).oneOf('kind', Object.keys(invariantFields));
  const f = new Fields(ctx.where, path, raw, ['kind', ...invariantFields[kind]!]);
  const at = f.has('atS') ? { atS: f.duration('atS') } : {};
  switch (kind) {
    case 'workload-state': {
      const g = groupRef(ctx, f, 'group');
      const state = f.oneOf('state', ['init', 'ok', 'error', 'deleted', 'paused', 'unchanged'] as const);
      const workload = f.string('workload');
      const matches = f.has('messageMatches') ? f.string('messageMatches') : undefined;
      if (matches !== undefined) {
        try {
          new RegExp(matches);
        } catch (err) {
          f.fail('messageMatches', (err as Error).message);
        }
      }
      return { kind, group: g, workload, state, ...(matches === undefined ? {} : { messageMatches: matches }), ...at, label: `${g}.${workload} is ${state}` };
    }
    case 'deployment-removed': {
      const g = groupRef(ctx, f, 'group');
      return { kind, group: g, ...at, label: `${g} removed from its node` };
    }
    case 'node-status': {
      const node = nodeField(ctx, f, 'node');
      const status = f.oneOf('status', ['up', 'down', 'standby'] as const);
      const atS = f.duration('atS');
      return { kind, node, status, atS, label: `node ${node} ${status} at ${atS} s` };
    }
    case 'update-refused': {
      const g = groupRef(ctx, f, 'group');
      return { kind, group: g, label: `update of ${g} refused` };
    }
    case 'max-down-fraction': {
      const fraction = f.number('fraction', { min: 0, max: 1 });
      return { kind, fraction, label: `at most ${fraction} of nodes down` };
    }
    case 'deployments-ok': {
      const g = f.has('group') ? groupRef(ctx, f, 'group') : undefined;
      const minFraction = f.number('minFraction', { min: 0, max: 1, default: 1 });
      return { kind, ...(g === undefined ? {} : { group: g }), minFraction, label: `${g ?? 'all'} deployments ok (>= ${minFraction})` };
    }
    case 'zstor-no-loss':
    case 'zstor-redundant': {
      const g = groupRef(ctx, f, 'group');
      return { kind, group: g, label: kind === 'zstor-no-loss' ? `no ${g} object lost` : `every ${g} object fully redundant` };
    }
    case 'qsfs-loss-window': {
      const g = groupRef(ctx, f, 'group');
      const windowS = f.duration('windowS');
      return { kind, group: g, windowS, label: `${g} loses only files written within ${windowS} s of a crash` };
    }
    case 'planetary-delivery':
    case 'planetary-delivery-dips':
    case 'network-partitions':
    case 'root-path-share':
      return networkInvariant(f, kind);
    default:
      return { kind: kind as 'converged', label: kind };
  }
}
