// tfrobot's mass-placement config (JSON or YAML: node_groups + vms, sizes in GB) as scenario workload
// groups. Follows tfgrid-sdk-go tfrobot/pkg/deployer: types.go (fields and their limits),
// node_filter.go (a node group is nodes_count nodes that are up, with total CRU >= free_cpu and free
// MRU/SSD/HDD >= the asked GB, in the region, certified when asked, with a public IPv4 when asked)
// and deployer.go (a node group's VMs go round robin over its nodes, each VM its own deployment).
// Leaves out what tfrobot sends but the simulator does not model (ssh keys, flists, entry points).

import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { InputError } from '../sim/errors.js';
import type { DistributionSpec } from '../sim/engine/distributions.js';
import { Fields } from './fields.js';
import type { DeploymentGroupSpec, NodeGroupFilter } from './scenario.js';

const GiB = 2 ** 30;

export interface TfrobotOptions {
  /** When the first VM of every group arrives, and the gaps between the VMs of one group. */
  readonly atS?: number;
  readonly intervalS?: DistributionSpec;
}

/** Reads a tfrobot config: YAML (tfrobot's main format) unless the file name ends in .json. */
export function readTfrobotConfig(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError(path, '', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
  } catch (err) {
    throw new InputError(path, '', `not ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * One workload group per `vms` entry: vms_count VMs of cpu, mem GB and Σ ssd GB of zmount, each
 * carrying its node group's filter when the config has `node_groups` (then `node_group` is required).
 */
export function tfrobotGroups(raw: unknown, where: string, options: TfrobotOptions = {}): DeploymentGroupSpec[] {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { vms?: unknown }).vms)) throw new InputError(where, 'vms', 'must be an array');
  const nodeGroups = nodeGroupsOf(raw, where);
  return ((raw as { vms: unknown[] }).vms).map((vm, i) => {
    const f = new Fields(where, `vms[${i}]`, vm, Object.keys(vm ?? {}));
    const ssd = f.list('ssd', true).map((d, j) => new Fields(where, `vms[${i}].ssd[${j}]`, d, Object.keys(d ?? {})).number('size', { min: 0 }));
    const diskGiB = ssd.reduce((a, b) => a + b, 0) || f.number('root_size', { min: 0, default: 0 }) || 1;
    const nodeGroup = nodeGroups === undefined ? undefined : nodeGroupOf(f, nodeGroups);
    return {
      name: f.string('name').replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 24),
      kind: 'vm',
      count: f.number('vms_count', { integer: true, min: 1 }),
      cpu: f.number('cpu', { integer: true, min: 1, max: 32 }),
      memoryBytes: f.number('mem', { min: 0.25, max: 256 }) * GiB,
      diskBytes: diskGiB * GiB,
      ...(nodeGroup === undefined ? {} : { nodeGroup }),
      ...(options.atS === undefined ? {} : { atS: options.atS }),
      ...(options.intervalS === undefined ? {} : { intervalS: options.intervalS }),
    };
  });
}

function nodeGroupsOf(raw: object, where: string): Map<string, NodeGroupFilter> | undefined {
  const list = (raw as { node_groups?: unknown }).node_groups;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || list.length === 0) throw new InputError(where, 'node_groups', 'must be a non-empty array');
  const groups = new Map<string, NodeGroupFilter>();
  list.forEach((g, i) => {
    const f = new Fields(where, `node_groups[${i}]`, g, ['name', 'nodes_count', 'free_cpu', 'free_mru', 'free_ssd', 'free_hdd', 'dedicated', 'public_ip4', 'public_ip6', 'certified', 'region']);
    const name = f.string('name');
    if (groups.has(name)) f.fail('name', `"${name}" names two node groups`);
    groups.set(name, {
      name,
      nodesCount: f.number('nodes_count', { integer: true, min: 1 }),
      minTotalCpu: f.number('free_cpu', { integer: true, min: 1, max: 32 }),
      minFreeMemoryBytes: f.number('free_mru', { min: 0.25, max: 256 }) * GiB,
      minFreeSsdBytes: f.number('free_ssd', { min: 0, default: 0 }) * GiB,
      minFreeHddBytes: f.number('free_hdd', { min: 0, default: 0 }) * GiB,
      publicIpv4: f.boolean('public_ip4', false),
      certified: f.boolean('certified', false),
      ...(f.has('region') && f.string('region') !== '' ? { region: f.string('region') } : {}),
    });
  });
  return groups;
}

function nodeGroupOf(f: Fields, groups: ReadonlyMap<string, NodeGroupFilter>): NodeGroupFilter {
  const name = f.string('node_group');
  const group = groups.get(name);
  if (group === undefined) f.fail('node_group', `"${name}" is not a node group (there are: ${[...groups.keys()].join(', ')})`);
  return group;
}

/** The scenario with its workload replaced by a tfrobot config's VMs (`--tfrobot FILE`). */
export function withTfrobot<S extends { readonly workload?: readonly DeploymentGroupSpec[] }>(scenario: S, path: string): S {
  return { ...scenario, workload: tfrobotGroups(readTfrobotConfig(path), path) };
}
