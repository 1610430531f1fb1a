// A digest of everything a user of a simulated grid could observe: nodes' power, capacity and dead
// devices; contracts; deployments and their results; zdb keys; qsfs files; the hub; the network model
// if built. Leaves out time.

import { createHash } from 'node:crypto';
import { ZosError } from '../sim/errors.js';
import type { Deployment } from '../sim/grid/deployment.js';
import type { World } from '../sim/grid/world.js';
import type { Namespace } from '../sim/storage/zdb/namespace.js';

/**
 * SHA-256 of a canonical JSON (sorted keys, sorted collections). Virtual time and result timestamps
 * are left out on purpose: two transports may reach the same state at different instants.
 */
export function simStateHash(world: World): string {
  const state = {
    hubUp: world.hub.isUp,
    nodes: nodesState(world),
    contracts: contractsState(world),
    deployments: deploymentsState(world),
    caches: [...world.blockCaches].sort(([a], [b]) => a - b).map(([node, cache]) => [node, cache.usedBytes]),
    // Only once built, so the digests of worlds that never touch the network stay what they were.
    ...(world.netIfBuilt === undefined ? {} : { net: world.netIfBuilt.hashState() }),
  };
  return createHash('sha256').update(JSON.stringify(state, sortedKeys)).digest('hex');
}

function nodesState(world: World): unknown[] {
  const { grid } = world;
  const nodes: unknown[] = [];
  for (let node = 0; node < grid.nodeCount; node++) {
    const free = grid.free(node);
    const failedDevices = grid.devicesOf(node).flatMap((d) => ('failed' in d && d.failed ? [d.name] : []));
    nodes.push({ on: grid.isOn(node), free: [free.cru, free.mruBytes, free.sruBytes, free.hruBytes, free.ipv4], failedDevices });
  }
  return nodes;
}

/** Chain ids are handed out from 1 upwards and never reused, so walking them finds every contract. */
function contractsState(world: World): unknown[] {
  const contracts: unknown[] = [];
  for (let id = 1; ; id++) {
    const c = world.chain.get(id);
    if (c === undefined) break;
    contracts.push({ id, twin: c.twinId, node: c.node, state: c.state, deletedReason: c.deletedReason, hash: c.deploymentHash });
  }
  return contracts;
}

function deploymentsState(world: World): unknown[] {
  const out: unknown[] = [];
  for (let node = 0; node < world.grid.nodeCount; node++) {
    for (const contractId of [...world.provision.contractIds(node)].sort((a, b) => a - b)) {
      const doc = world.provision.deployment(node, contractId);
      if (doc !== undefined) out.push({ node, contractId, version: doc.version, workloads: workloadsState(world, doc) });
    }
  }
  return out;
}

function workloadsState(world: World, doc: Deployment): unknown[] {
  return [...doc.workloads]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((w) => {
      const id = `${doc.twin_id}-${doc.contract_id}-${w.name}`;
      const base = { name: w.name, type: w.type, state: w.result?.state ?? 'init', message: w.result?.message ?? '', data: w.result?.data ?? null };
      if (w.type === 'zmachine') return { ...base, machine: machineState(world, id) };
      if (w.type === 'zdb') return { ...base, zdb: namespaceState(world.storage.zdbNamespace(id)) };
      if (w.type === 'qsfs') return { ...base, qsfs: qsfsState(world, id) };
      return base;
    });
}

function machineState(world: World, id: string): unknown {
  const machine = world.zmachines.machine(id);
  if (machine === undefined) return null;
  let processes: unknown = null;
  try {
    processes = world.zmachines.corex(id).list().map((p) => [p.pid, p.cmd]);
  } catch (error) {
    // No CoreX, or not reachable now: that is part of the state, not a failure of the digest.
    if (!(error instanceof ZosError)) throw error;
  }
  return { state: machine.state, crashes: machine.crashes, restarts: machine.restarts, processes };
}

/** Every live key with how many versions it has; deleted keys show in appendedBytes and entries. */
function namespaceState(ns: Namespace | undefined): unknown {
  if (ns === undefined) return null;
  const info = ns.info();
  let keys: unknown = null;
  try {
    const found: [string, number][] = [];
    let cursor: string | null = null;
    do {
      const page = ns.scan(cursor, 1000);
      for (const entry of page.entries) found.push([entry.key, ns.history(entry.key).length]);
      cursor = page.cursor;
    } while (cursor !== null);
    keys = found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  } catch (error) {
    // A frozen namespace refuses reads: its settings in `info` say so.
    if (!(error instanceof ZosError)) throw error;
  }
  return { info, keys };
}

function qsfsState(world: World, id: string): unknown {
  const instance = world.qsfs.instance(id);
  if (instance === undefined) return null;
  const { frontend } = instance;
  const files = frontend.files().sort().map((path) => [path, frontend.fileState(path)]);
  return { node: frontend.node, alive: frontend.alive, tombstoned: instance.tombstoned, files };
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
