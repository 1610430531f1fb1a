// Checks a scenario (TypeScript object or parsed JSON) once and compiles it; every error is an
// InputError naming the source file and the field path. Leaves out reading files (load.ts).

import { exponentialFromMean } from '../sim/engine/distributions.js';
import { InputError } from '../sim/errors.js';
import { compileGridSpec, type GridSpec } from '../sim/grid/grid-spec.js';
import { loadProfiles } from '../sim/hardware/profiles.js';
import { gridByName } from './grids.js';
import type { CompiledAction, CompiledFault, CompiledGroup, CompiledScenario } from './compiled.js';
import { farmNodes, groupRef, nodeField, type Context } from './compile-refs.js';
import { invariant } from './compile-invariants.js';
import { checkProbeInvariants, isNetworkFaultKind, networkFault, networkFaultKinds, probesOf } from './compile-network.js';
import { Fields } from './fields.js';
import { reportMetrics, type NodeGroupFilter } from './scenario.js';

const GiB = 2 ** 30;
const DAY_S = 86_400;


/** `source` names the file (or "builtin:NAME") in every message. */
export function compileScenario(raw: unknown, source: string): CompiledScenario {
  const f = new Fields(source, '', raw, ['name', 'description', 'seed', 'grid', 'durationS', 'convergeWithinS', 'armDeviceFailures', 'reconcile', 'workload', 'faults', 'actions', 'invariants', 'probes', 'report']);
  const seed = f.raw.seed;
  if (seed !== undefined && !(typeof seed === 'string' && seed !== '') && !(typeof seed === 'number' && Number.isFinite(seed))) f.fail('seed', `must be a string or a number, got ${JSON.stringify(seed)}`);
  const grid = gridOf(f);
  const { nodeCount, farms } = layout(grid, source);
  const groupNames = new Set<string>();
  const zdbCounts = new Map<string, number>();
  const partial: Context = { where: source, nodeCount, farms, groups: groupNames, zdbCounts };
  const workload = f.list('workload', true).map((g, i) => {
    const compiled = group(partial, g, `workload[${i}]`);
    if (compiled.kind === 'zdb' && compiled.tamper === undefined) zdbCounts.set(compiled.name, compiled.count);
    return compiled;
  });
  const invariants = f.list('invariants').map((v, i) => invariant(partial, v, `invariants[${i}]`));
  if (invariants.length === 0) f.fail('invariants', 'must list at least one invariant');
  const report = f.list('report', true).map((m, i) => {
    if (!reportMetrics.includes(m as never)) f.fail(`report[${i}]`, `must be one of ${reportMetrics.join(', ')}, got ${JSON.stringify(m)}`);
    return m as string;
  });
  const probes = probesOf(source, f.raw.probes);
  checkProbeInvariants(source, { invariants, probes });
  return {
    name: f.string('name'),
    description: f.string('description', '-'),
    source,
    seed: seed === undefined ? undefined : String(seed),
    grid,
    nodeCount,
    durationS: positive(f, 'durationS'),
    convergeWithinS: f.duration('convergeWithinS', 2 * 3600),
    armDeviceFailures: f.boolean('armDeviceFailures', false),
    reconcile: f.boolean('reconcile', true),
    workload,
    faults: faultsOf(f, partial),
    actions: f.list('actions', true).map((v, i) => action(partial, v, `actions[${i}]`)),
    invariants,
    ...(probes === undefined ? {} : { probes }),
    report: report.length > 0 ? report : [...reportMetrics],
  };
}

function positive(f: Fields, key: string): number {
  const s = f.duration(key);
  if (!(s > 0)) f.fail(key, 'must be > 0');
  return s;
}

function gridOf(f: Fields): GridSpec {
  const raw = f.raw.grid;
  if (typeof raw === 'string') {
    try {
      return gridByName(raw, f.where, 'grid');
    } catch (err) {
      return rethrow(err, f.where, 'grid');
    }
  }
  try {
    compileGridSpec(raw, loadProfiles());
  } catch (err) {
    return rethrow(err, f.where, 'grid');
  }
  return raw as GridSpec;
}

/** An error from a lower layer, restated against the scenario's own file and field path. */
function rethrow(err: unknown, where: string, prefix: string): never {
  if (!(err instanceof InputError)) throw err;
  const problem = err.message.replace(/^.*?: (field \S+: )?/, '');
  const inner = err.field !== '' && err.where !== where ? `${prefix}.${err.field}` : err.field || prefix;
  throw new InputError(where, inner.startsWith(prefix) ? inner : `${prefix}.${inner}`, problem);
}

/** Node indices follow the spec's order: farm by farm, group by group. */
function layout(grid: GridSpec, where: string): { nodeCount: number; farms: Map<string, number[]> } {
  const farms = new Map<string, number[]>();
  let node = 0;
  for (const farm of grid.farms) {
    const nodes: number[] = [];
    for (const g of farm.nodes) for (let k = 0; k < g.count; k++) nodes.push(node++);
    farms.set(farm.name, nodes);
  }
  if (node === 0) throw new InputError(where, 'grid', 'has no nodes');
  return { nodeCount: node, farms };
}

function group(ctx: Context, raw: unknown, path: string): CompiledGroup {
  const f = new Fields(ctx.where, path, raw, ['name', 'kind', 'count', 'node', 'atS', 'intervalS', 'cpu', 'memoryBytes', 'memoryFraction', 'diskBytes', 'twin', 'tamper', 'backends', 'minimalShards', 'expectedShards', 'writeEveryS', 'fileBytes', 'nodeGroup']);
  const name = f.string('name');
  if (!/^[a-zA-Z0-9_]{1,24}$/.test(name)) f.fail('name', `must be 1..24 of [a-zA-Z0-9_], got "${name}"`);
  if (ctx.groups.has(name)) f.fail('name', `"${name}" names two groups`);
  const kind = f.oneOf('kind', ['vm', 'vm-pair', 'zdb', 'qsfs'] as const);
  const qsfs = kind === 'qsfs' ? qsfsFields(ctx, f) : { backends: undefined, minimalShards: 0, expectedShards: 0, writeEvery: undefined, fileBytes: 0 };
  (ctx.groups as Set<string>).add(name);
  return {
    ...qsfs,
    name,
    kind,
    count: f.number('count', { integer: true, min: 1, max: 10_000_000, default: 1 }),
    node: f.has('node') ? nodeField(ctx, f, 'node') : undefined,
    atS: f.duration('atS', 0),
    interval: f.has('intervalS') ? f.distribution('intervalS') : undefined,
    cpu: f.number('cpu', { integer: true, min: 1, max: 1024, default: 1 }),
    memoryBytes: f.number('memoryBytes', { min: 1, default: 2 * GiB }),
    memoryFraction: f.optionalNumber('memoryFraction', { min: 0.01, max: 1 }),
    diskBytes: f.number('diskBytes', { min: 1, default: 10 * GiB }),
    twin: f.number('twin', { integer: true, min: 1, default: 100 + ctx.groups.size }),
    tamper: f.has('tamper') ? f.oneOf('tamper', ['hash', 'wrong-node', 'no-contract'] as const) : undefined,
    nodeGroup: f.has('nodeGroup') ? nodeGroupFilter(ctx, f.raw.nodeGroup, `${path}.nodeGroup`) : undefined,
  };
}

function nodeGroupFilter(ctx: Context, raw: unknown, path: string): NodeGroupFilter {
  const f = new Fields(ctx.where, path, raw, ['name', 'nodesCount', 'minTotalCpu', 'minFreeMemoryBytes', 'minFreeSsdBytes', 'minFreeHddBytes', 'publicIpv4', 'certified', 'region']);
  return {
    name: f.string('name'),
    nodesCount: f.number('nodesCount', { integer: true, min: 1 }),
    minTotalCpu: f.number('minTotalCpu', { integer: true, min: 0, default: 0 }),
    minFreeMemoryBytes: f.number('minFreeMemoryBytes', { min: 0, default: 0 }),
    minFreeSsdBytes: f.number('minFreeSsdBytes', { min: 0, default: 0 }),
    minFreeHddBytes: f.number('minFreeHddBytes', { min: 0, default: 0 }),
    publicIpv4: f.boolean('publicIpv4', false),
    certified: f.boolean('certified', false),
    ...(f.has('region') ? { region: f.string('region') } : {}),
  };
}

/** One independent node-failure process per grid: a second would silently be ignored, so it is refused. */
function faultsOf(f: Fields, ctx: Context): CompiledFault[] {
  const faults = f.list('faults', true).map((v, i) => fault(ctx, v, `faults[${i}]`));
  const second = faults.findIndex((x, i) => x.kind === 'node-failures' && faults.findIndex((y) => y.kind === 'node-failures') < i);
  if (second >= 0) f.fail(`faults[${second}].kind`, 'a scenario has at most one node-failures process (combine them into one distribution)');
  return faults;
}

/** A qsfs names an earlier zdb group holding 4 metadata backends and at least expected_shards data ones. */
function qsfsFields(ctx: Context, f: Fields): Pick<CompiledGroup, 'backends' | 'minimalShards' | 'expectedShards' | 'writeEvery' | 'fileBytes'> {
  const backends = groupRef(ctx, f, 'backends');
  const minimalShards = f.number('minimalShards', { integer: true, min: 1, max: 255, default: 2 });
  const expectedShards = f.number('expectedShards', { integer: true, min: minimalShards, max: 255, default: 4 });
  const zdbs = ctx.zdbCounts.get(backends);
  if (zdbs === undefined) f.fail('backends', `"${backends}" is not a zdb group`);
  if (zdbs < 4 + expectedShards) f.fail('backends', `"${backends}" holds ${zdbs} namespaces; 4 metadata + ${expectedShards} data are needed`);
  return { backends, minimalShards, expectedShards, writeEvery: f.has('writeEveryS') ? f.distribution('writeEveryS') : undefined, fileBytes: f.number('fileBytes', { min: 1, default: 64 * 2 ** 20 }) };
}

function fault(ctx: Context, raw: unknown, path: string): CompiledFault {
  const kind = new Fields(ctx.where, path, raw, Object.keys(raw ?? {})).oneOf('kind', ['crash', 'reboot', 'fail-ssd', 'fail-hdd', 'fail-zdb', 'hub-outage', 'partition', 'node-failures', 'correlated', 'disk-failures', ...networkFaultKinds] as const);
  if (isNetworkFaultKind(kind)) return networkFault(ctx, raw, path, kind);
  const fields = (extra: string[]): Fields => new Fields(ctx.where, path, raw, ['kind', ...extra]);
  switch (kind) {
    case 'crash': {
      const f = fields(['node', 'group', 'atS', 'repairAfterS']);
      if (f.has('node') === f.has('group')) f.fail('node', 'give exactly one of node and group');
      return {
        kind,
        nodes: f.has('node') ? [nodeField(ctx, f, 'node')] : undefined,
        group: f.has('group') ? groupRef(ctx, f, 'group') : undefined,
        atS: f.duration('atS'),
        repairAfterS: f.has('repairAfterS') ? f.duration('repairAfterS') : undefined,
      };
    }
    case 'partition': {
      const f = fields(['farm', 'atS', 'durationS']);
      return { kind: 'crash', nodes: farmNodes(ctx, f, 'farm'), group: undefined, atS: f.duration('atS'), repairAfterS: f.duration('durationS') };
    }
    case 'reboot': {
      const f = fields(['node', 'atS']);
      return { kind, node: nodeField(ctx, f, 'node'), atS: f.duration('atS') };
    }
    case 'fail-ssd': {
      const f = fields(['group', 'node', 'pool', 'atS']);
      if (f.has('node') === f.has('group')) f.fail('node', 'give exactly one of node and group');
      return {
        kind,
        group: f.has('group') ? groupRef(ctx, f, 'group') : undefined,
        node: f.has('node') ? nodeField(ctx, f, 'node') : -1,
        pool: f.number('pool', { integer: true, min: 0, default: 0 }),
        atS: f.duration('atS'),
      };
    }
    case 'fail-hdd': {
      const f = fields(['node', 'disk', 'atS']);
      return { kind, node: nodeField(ctx, f, 'node'), disk: f.number('disk', { integer: true, min: 0 }), atS: f.duration('atS') };
    }
    case 'fail-zdb': {
      const f = fields(['group', 'index', 'atS']);
      const group = groupRef(ctx, f, 'group');
      const count = ctx.zdbCounts.get(group);
      if (count === undefined) return f.fail('group', `"${group}" is not a zdb group`);
      return { kind, group, index: f.number('index', { integer: true, min: 0, max: count - 1 }), atS: f.duration('atS') };
    }
    case 'hub-outage': {
      const f = fields(['atS', 'durationS']);
      return { kind, atS: f.duration('atS'), durationS: f.has('durationS') ? f.duration('durationS') : undefined };
    }
    case 'node-failures': {
      const f = fields(['timeToFailureS', 'timeToRepairS']);
      return { kind, timeToFailure: f.distribution('timeToFailureS'), timeToRepair: f.distribution('timeToRepairS') };
    }
    case 'correlated': {
      const f = fields(['intervalS', 'durationS', 'fraction', 'farm']);
      return { kind, interval: f.distribution('intervalS'), duration: f.distribution('durationS'), fraction: f.distribution('fraction'), nodes: f.has('farm') ? farmNodes(ctx, f, 'farm') : undefined };
    }
    case 'disk-failures': {
      const f = fields(['hddAfr', 'ssdAfr', 'replaceAfterS']);
      const hddAfr = f.number('hddAfr', { min: 0, max: 0.99, default: 0 });
      const ssdAfr = f.number('ssdAfr', { min: 0, max: 0.99, default: 0 });
      if (hddAfr === 0 && ssdAfr === 0) f.fail('hddAfr', 'one of hddAfr and ssdAfr must be > 0');
      return { kind, hddAfr, ssdAfr, replaceAfter: f.has('replaceAfterS') ? f.distribution('replaceAfterS') : exponentialFromMean(3 * DAY_S) };
    }
  }
}

function action(ctx: Context, raw: unknown, path: string): CompiledAction {
  const kind = new Fields(ctx.where, path, raw, Object.keys(raw ?? {})).oneOf('kind', ['cancel', 'unfund', 'update'] as const);
  switch (kind) {
    case 'cancel': {
      const f = new Fields(ctx.where, path, raw, ['kind', 'group', 'atS']);
      return { kind, group: groupRef(ctx, f, 'group'), atS: f.duration('atS') };
    }
    case 'unfund': {
      const f = new Fields(ctx.where, path, raw, ['kind', 'twin', 'atS', 'topUpAfterS']);
      const topUp = f.has('topUpAfterS') ? { topUpAfterS: f.duration('topUpAfterS') } : {};
      return { kind, twin: f.number('twin', { integer: true, min: 1 }), atS: f.duration('atS'), ...topUp };
    }
    case 'update': {
      const f = new Fields(ctx.where, path, raw, ['kind', 'group', 'change', 'atS']);
      return { kind, group: groupRef(ctx, f, 'group'), change: f.oneOf('change', ['zmachine', 'shrink-zdb'] as const), atS: f.duration('atS') };
    }
  }
}
