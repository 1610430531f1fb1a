// A digest of what a user of the host grid could observe: nodes' power, contracts and workload states,
// zdb keys with their value digests and version counts, zmounts, machine states, qsfs files and
// gateway names. Leaves out time, ports and paths, which differ between equal runs.

import { createHash } from 'node:crypto';
import type { HostDeployments } from './deployments.js';
import type { HostNode } from './nodes.js';
import type { HostRegistry } from './registry.js';
import type { ZdbClients } from './zdb-client.js';
import { digestOf } from './zdb-values.js';

export interface HashInputs {
  readonly nodes: readonly HostNode[];
  readonly deployments: HostDeployments;
  readonly registry: HostRegistry;
  readonly clients: ZdbClients;
  readonly hubUp: boolean;
}

export async function hostStateHash(inputs: HashInputs): Promise<string> {
  const { nodes, deployments, registry } = inputs;
  const state = {
    hubUp: inputs.hubUp,
    nodes: nodes.map((n) => ({ up: n.up, zmounts: n.up ? n.zmounts.list().map((z) => [z.name, z.sizeBytes]).sort() : null })),
    contracts: [...deployments.contracts.values()].map((c) => ({
      id: c.id, node: c.node, twin: c.twin, state: c.state, removed: c.doc === undefined,
      workloads: [...c.results.values()].map((w) => [w.name, w.type, w.state, w.message]).sort(),
    })),
    namespaces: await Promise.all([...registry.namespaces.keys()].sort().map((ns) => namespaceState(inputs, ns))),
    qsfs: [...registry.qsfs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, q]) => [id, [...q.fileSizes.entries()].sort()]),
    gateways: [...registry.gateways.values()].map((g) => [g.node, g.fqdn, g.backend]).sort(),
    machines: nodes.map((n) => machineStates(n)),
  };
  return createHash('sha256').update(JSON.stringify(state)).digest('hex');
}

/** Every live key with its value digest and number of versions; null when the node is off. */
async function namespaceState(inputs: HashInputs, namespace: string): Promise<unknown> {
  const ns = inputs.registry.namespaces.get(namespace)!;
  const node = inputs.nodes[ns.node]!;
  if (!node.up) return [namespace, null];
  const at = { node: ns.node, port: node.zdbPort, namespace, password: ns.password };
  const keys: unknown[] = [];
  try {
    // 0-db's cursors are opaque binary: kept as the Buffer received, never decoded to text.
    let cursor: Buffer | undefined;
    for (;;) {
      const page = (await inputs.clients.call(at, 'SCAN', ...(cursor === undefined ? [] : [cursor]))) as [Buffer, [Buffer, number, number][]];
      for (const [key] of page[1]) {
        const value = (await inputs.clients.call(at, 'GET', key)) as Buffer | null;
        keys.push([key.toString('latin1'), value === null ? null : digestOf(value)]);
      }
      cursor = page[0];
    }
  } catch (error) {
    // "No more data" ends a scan; any other refusal (a wiped disk) is part of the state.
    if (!/No more data/.test(String(error instanceof Error ? error.message : error))) keys.push(['error', String(error)]);
  }
  return [namespace, keys];
}

function machineStates(node: HostNode): unknown {
  return node.machineIds().map((id) => [id, node.machines.status(id).state]);
}
