// The zos documents a workload group deploys: a VM (network + zmount + zmachine, the shape of the
// shared example), two VMs sharing a network, or one zdb namespace. Leaves out gateways, IPs and qsfs.

import type { Deployment, Workload } from '../sim/grid/deployment.js';
import type { CompiledGroup } from './compiled.js';
import { baseFlistUrl } from './grids.js';

const GiB = 2 ** 30;

function workload(name: string, type: Workload['type'], data: unknown): Workload {
  return { version: 0, name, type, metadata: '', description: '', data } as unknown as Workload;
}

function network(index: number): Workload {
  return workload('net', 'network', {
    subnet: '10.240.1.0/24',
    ip_range: '10.240.0.0/16',
    wireguard_private_key: 'SDtQFBHzYTu/c7dt/X1VDZeGmXmE7TD6nQC5tp4wv38=',
    peers: [],
    // A port per deployment, as clients pick a free one per node.
    wireguard_listen_port: 2000 + (index % 60_000),
  });
}

function machine(name: string, cpu: number, memoryBytes: number, mounts: readonly string[]): Workload {
  return workload(name, 'zmachine', {
    flist: baseFlistUrl,
    size: 0,
    entrypoint: '/sbin/zinit init',
    compute_capacity: { cpu, memory: memoryBytes },
    mounts: mounts.map((m) => ({ name: m, mountpoint: `/mnt/${m}` })),
    network: { public_ip: '', planetary: false, interfaces: [{ network: 'net', ip: '10.240.1.5' }] },
    env: {},
  });
}

/** A zdb namespace as a qsfs config names it; the namespace is the zdb workload's id. */
export interface BackendRef {
  readonly node: number;
  readonly farm: number;
  readonly namespace: string;
}

const key = 'a'.repeat(64);

/** 4 metadata backends first, then data backends grouped by farm (a farm is what fails together). */
function qsfsWorkload(group: CompiledGroup, backends: readonly BackendRef[]): Workload {
  const ref = (b: BackendRef) => ({ address: `[2001:db8::${b.node.toString(16)}]:9900`, namespace: b.namespace, password: 'pw' });
  const byFarm = new Map<number, BackendRef[]>();
  for (const b of backends.slice(4)) byFarm.set(b.farm, [...(byFarm.get(b.farm) ?? []), b]);
  return workload('fs', 'qsfs', {
    cache: group.diskBytes,
    config: {
      minimal_shards: group.minimalShards,
      expected_shards: group.expectedShards,
      redundant_groups: 0,
      redundant_nodes: 0,
      max_zdb_data_dir_size: 512,
      encryption: { algorithm: 'AES', key },
      meta: { type: 'zdb', config: { prefix: group.name, encryption: { algorithm: 'AES', key }, backends: backends.slice(0, 4).map(ref) } },
      groups: [...byFarm.values()].map((list) => ({ backends: list.map(ref) })),
      compression: { algorithm: 'snappy' },
    },
  });
}

/**
 * The document of instance `index` of `group`; `nodeMemoryBytes` sizes vm-pair's machines and
 * `backends` are a qsfs's zdb namespaces.
 */
export function deploymentFor(group: CompiledGroup, index: number, nodeMemoryBytes: number, backends: readonly BackendRef[] = []): Deployment {
  const base = { version: 0, twin_id: group.twin, contract_id: 0, metadata: '', description: `${group.name}#${index}` };
  switch (group.kind) {
    case 'vm':
      return { ...base, workloads: [network(index), workload('disk', 'zmount', { size: group.diskBytes }), machine('vm', group.cpu, group.memoryBytes, ['disk'])] };
    case 'vm-pair': {
      const each = group.memoryFraction === undefined ? group.memoryBytes : Math.floor(nodeMemoryBytes * group.memoryFraction);
      return { ...base, workloads: [network(index), machine('first', group.cpu, each, []), machine('second', group.cpu, each, [])] };
    }
    case 'zdb':
      return { ...base, workloads: [workload('db', 'zdb', { size: group.diskBytes, mode: 'user', password: 'pw', public: false })] };
    case 'qsfs':
      return { ...base, workloads: [qsfsWorkload(group, backends)] };
  }
}

/** Bytes of memory and disk an instance asks of a node, for placement. */
export function demandOf(group: CompiledGroup): { memoryBytes: number; ssdBytes: number; hddBytes: number } {
  switch (group.kind) {
    case 'vm':
      return { memoryBytes: group.memoryBytes, ssdBytes: group.diskBytes, hddBytes: 0 };
    case 'vm-pair':
      return { memoryBytes: 2 * group.memoryBytes, ssdBytes: 0, hddBytes: 0 };
    case 'zdb':
      return { memoryBytes: 0, ssdBytes: 0, hddBytes: group.diskBytes };
    case 'qsfs':
      return { memoryBytes: 2 ** 30, ssdBytes: group.diskBytes, hddBytes: 0 };
  }
}

/** 5.8's updates: a zmachine changed in place (refused at once), or a zdb shrunk to 1 GiB (unchanged). */
export function updatedDocument(doc: Deployment, change: 'zmachine' | 'shrink-zdb'): Deployment {
  const version = doc.version + 1;
  const workloads = doc.workloads.map((w) => {
    if (change === 'zmachine' && w.type === 'zmachine') return { ...w, version, description: 'changed in place' };
    if (change === 'shrink-zdb' && w.type === 'zdb') return { ...w, version, data: { ...(w.data as object), size: GiB } } as Workload;
    return w;
  });
  return { ...doc, version, workloads };
}
