// The grid spec (farms, their IPv4 pools and node groups by template) checked once and compiled into
// template indices and node groups. Leaves out loading specs from files and per-node overrides.

import { InputError } from '../errors.js';
import type { NodeTemplate, ProfileCatalog } from '../hardware/profiles.js';
import { MAX_PUBLIC_IPV4, type FarmSpecInternal } from './farms.js';
import type { NodeGroup } from './node-table.js';

export interface NodeGroupSpec {
  /** A node template name from hardware-profiles/nodes/, e.g. "farmer-server". */
  readonly template: string;
  readonly count: number;
  /** Certified hardware (the grid's "Certified" nodes, as against DIY ones); false when absent. */
  readonly certified?: boolean;
}

export interface FarmSpec {
  readonly name: string;
  readonly publicIpv4Count: number;
  readonly nodes: readonly NodeGroupSpec[];
  /** Where the farm's nodes are, as grid proxy's region filter names it (a continent: "europe"…). */
  readonly region?: string;
}

export interface GridSpec {
  readonly farms: readonly FarmSpec[];
}

export interface CompiledGridSpec {
  readonly templates: readonly NodeTemplate[];
  readonly groups: readonly NodeGroup[];
  readonly farms: readonly FarmSpecInternal[];
}

const WHERE = 'grid spec';
/** Node indices are Uint32 and the failure model's heap is Int32: stay below 2^31. */
const MAX_NODES = 2 ** 31 - 1;

type Raw = Record<string, unknown>;

function fail(field: string, problem: string): never {
  throw new InputError(WHERE, field, problem);
}

function record(value: unknown, field: string, known: readonly string[]): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `must be an object, got ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(field === '' ? key : `${field}.${key}`, `is not a field (known: ${known.join(', ')})`);
  }
  return value as Raw;
}

function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, `must be an array, got ${JSON.stringify(value)}`);
  return value;
}

function wholeNumber(value: unknown, field: string, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(field, `must be a whole number >= 0, got ${JSON.stringify(value)}`);
  if (value > max) fail(field, `must be <= ${max}, got ${value}`);
  return value;
}

/** Checks `raw` (typed as unknown: specs arrive from JSON and job payloads) and compiles it. */
export function compileGridSpec(raw: unknown, profiles: Pick<ProfileCatalog, 'node'>): CompiledGridSpec {
  const spec = record(raw, '', ['farms']);
  const farmList = list(spec.farms, 'farms');
  if (farmList.length === 0) fail('farms', 'must list at least one farm');
  const templates: NodeTemplate[] = [];
  const templateIndex = new Map<string, number>();
  const groups: NodeGroup[] = [];
  const farms: FarmSpecInternal[] = [];
  const farmNames = new Set<string>();
  let nodeTotal = 0;
  let ipv4Total = 0;
  farmList.forEach((rawFarm, f) => {
    const at = `farms[${f}]`;
    const farm = record(rawFarm, at, ['name', 'publicIpv4Count', 'nodes', 'region']);
    if (farm.region !== undefined && (typeof farm.region !== 'string' || farm.region.trim() === '')) fail(`${at}.region`, `must be a non-empty string, got ${JSON.stringify(farm.region)}`);
    if (typeof farm.name !== 'string' || farm.name.trim() === '') fail(`${at}.name`, `must be a non-empty string, got ${JSON.stringify(farm.name)}`);
    if (farmNames.has(farm.name)) fail(`${at}.name`, `"${farm.name}" names two farms`);
    farmNames.add(farm.name);
    const ipv4 = wholeNumber(farm.publicIpv4Count, `${at}.publicIpv4Count`, MAX_PUBLIC_IPV4);
    ipv4Total += ipv4;
    if (ipv4Total > MAX_PUBLIC_IPV4) fail(`${at}.publicIpv4Count`, `the grid's farms hold more than ${MAX_PUBLIC_IPV4} addresses in all`);
    let farmNodes = 0;
    list(farm.nodes, `${at}.nodes`).forEach((rawGroup, g) => {
      const gat = `${at}.nodes[${g}]`;
      const group = record(rawGroup, gat, ['template', 'count', 'certified']);
      if (group.certified !== undefined && typeof group.certified !== 'boolean') fail(`${gat}.certified`, `must be true or false, got ${JSON.stringify(group.certified)}`);
      const count = wholeNumber(group.count, `${gat}.count`, MAX_NODES);
      const template = templateOf(group.template, `${gat}.template`, profiles, templates, templateIndex);
      nodeTotal += count;
      if (nodeTotal > MAX_NODES) fail(`${gat}.count`, `the grid would hold more than ${MAX_NODES} nodes`);
      farmNodes += count;
      if (count > 0) groups.push({ farm: f, template, count });
    });
    farms.push({ name: farm.name, publicIpv4Count: ipv4, nodeCount: farmNodes });
  });
  return { templates, groups, farms };
}

function templateOf(
  name: unknown,
  field: string,
  profiles: Pick<ProfileCatalog, 'node'>,
  templates: NodeTemplate[],
  indices: Map<string, number>,
): number {
  if (typeof name !== 'string' || name === '') fail(field, `must be a node template name, got ${JSON.stringify(name)}`);
  let index = indices.get(name);
  if (index === undefined) {
    let template: NodeTemplate;
    try {
      template = profiles.node(name);
    } catch (err) {
      return fail(field, (err as Error).message);
    }
    if (template.ssds.length === 0) fail(field, `template "${name}" has no SSD: zos does not register such a node (DOMAIN 2.5)`);
    index = templates.length;
    templates.push(template);
    indices.set(name, index);
  }
  return index;
}
