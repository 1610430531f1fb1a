// `bench grid`: build an N-node grid and deploy a mix of small deployments through the chain, the
// provision engines and the managers. Reference: the same per-node state as one object per node.

import v8 from 'node:v8';
import vm from 'node:vm';
import type { Args } from '../cli/args.js';
import type { Deployment, Workload } from '../sim/grid/deployment.js';
import { World } from '../sim/grid/world.js';
import type { GridSpec } from '../sim/grid/grid-spec.js';
import { distroFlist } from '../sim/storage/flist/generate.js';
import { benchMain } from './bench-main.js';

const GiB = 2 ** 30;
const flistUrl = 'https://hub.grid.tf/tf-official-apps/base:latest.flist';

function gridSpec(nodes: number): GridSpec {
  const farms: GridSpec['farms'][number][] = [];
  for (let start = 0, f = 0; start < nodes; start += 100, f++) {
    const size = Math.min(100, nodes - start);
    const farmers = Math.round(size * 0.6);
    const storage = Math.round(size * 0.1);
    const parts = [
      { template: 'farmer-server', count: farmers },
      { template: 'diy-small', count: size - farmers - storage },
      { template: 'storage-heavy', count: storage },
    ].filter((p) => p.count > 0);
    farms.push({ name: `farm-${f}`, publicIpv4Count: 16, nodes: parts });
  }
  return { farms };
}

function memoryBytes(gc: () => void): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** What a naive simulator keeps: one object per node with the same hot fields and disk arrays. */
function referenceObjects(nodes: number): unknown[] {
  return Array.from({ length: nodes }, (_, i) => ({
    farm: i / 100,
    template: 'farmer-server',
    cru: 32,
    mruBytes: 256 * GiB,
    reservedMemoryBytes: 0,
    actualMemoryBytes: 0,
    poweredOn: true,
    failed: false,
    bootTimeS: 0,
    powerChangeS: 0,
    ssdFreeBytes: [1e12, 1e12],
    hddFreeBytes: [18e12, 18e12, 18e12, 18e12],
  }));
}

function workload(name: string, type: string, data: unknown): Workload {
  return { version: 0, name, type, data, metadata: '', description: '' } as unknown as Workload;
}

const network = workload('net', 'network', { subnet: '10.240.1.0/24', ip_range: '10.240.0.0/16', wireguard_private_key: 'SDtQFBHzYTu/c7dt/X1VDZeGmXmE7TD6nQC5tp4wv38=', peers: [], wireguard_listen_port: 7821 });

/** A third each: a zdb namespace; a container VM with its disk; a disk and a network. */
function deployment(i: number, hasHdd: boolean): Deployment {
  const kind = hasHdd ? i % 3 : 1 + (i % 2);
  const workloads =
    kind === 0
      ? [workload('db', 'zdb', { size: 50 * GiB, mode: 'user', password: 'pw', public: false })]
      : kind === 1
        ? [
            workload('disk', 'zmount', { size: 10 * GiB }),
            network,
            workload('vm', 'zmachine', { flist: flistUrl, size: 0, entrypoint: '/sbin/zinit init', compute_capacity: { cpu: 1, memory: 2 * GiB }, mounts: [{ name: 'disk', mountpoint: '/data' }], network: { public_ip: '', planetary: false, interfaces: [{ network: 'net', ip: '10.240.1.5' }] }, env: {} }),
          ]
        : [workload('disk', 'zmount', { size: 20 * GiB }), network];
  return { version: 0, twin_id: 1000 + i, contract_id: 0, metadata: '', description: '', workloads };
}

export function benchGrid(nodes: number, deployments: number, gc: () => void) {
  const before = memoryBytes(gc);
  const started = performance.now();
  const world = new World({ seed: 'bench-grid', grid: gridSpec(nodes), armDeviceFailures: false });
  const buildSeconds = (performance.now() - started) / 1000;
  const bytesPerNode = (memoryBytes(gc) - before) / nodes;
  world.hub.publish(distroFlist({ seed: 'base', url: flistUrl }));

  const refBefore = memoryBytes(gc);
  const reference = referenceObjects(nodes);
  const referenceBytesPerNode = (memoryBytes(gc) - refBefore) / nodes;
  void reference.length;

  const deployStarted = performance.now();
  const contracts: Array<[number, number]> = [];
  for (let i = 0; i < deployments; i++) {
    const node = (i * 7919) % nodes;
    contracts.push([node, world.deploy(node, deployment(i, world.grid.total(node).hruBytes > 0))]);
  }
  world.sim.run();
  const deploySeconds = (performance.now() - deployStarted) / 1000;
  const states = { ok: 0, error: 0 };
  for (const [node, id] of contracts) {
    for (const w of world.provision.deployment(node, id)?.workloads ?? []) states[w.result?.state === 'ok' ? 'ok' : 'error']++;
  }
  return {
    nodes,
    buildSeconds: Number(buildSeconds.toFixed(3)),
    bytesPerNode: Math.round(bytesPerNode),
    deploymentsPerS: Math.round(deployments / deploySeconds),
    referenceBytesPerNode: Math.round(referenceBytesPerNode),
    memoryRatio: Number((bytesPerNode / referenceBytesPerNode).toFixed(3)),
    deployments,
    workloadsOk: states.ok,
    workloadsNotOk: states.error,
    events: world.sim.eventCount,
    simulatedS: world.sim.nowS,
  };
}

await benchMain('grid', {
  run(args: Args) {
    const nodes = args.number('nodes', { min: 1, max: 1e7, integer: true, default: 10_000 });
    const deployments = args.number('deployments', { min: 0, max: 1e7, integer: true, default: Math.min(nodes, 10_000) });
    v8.setFlagsFromString('--expose-gc');
    const r = benchGrid(nodes, deployments, vm.runInNewContext('gc') as () => void);
    const human = [
      `${r.nodes} nodes built in ${r.buildSeconds} s: ${r.bytesPerNode} bytes per node (one object per node: ${r.referenceBytesPerNode}, ratio ${r.memoryRatio})`,
      `${r.deployments} deployments at ${r.deploymentsPerS} per second (${r.workloadsOk} workloads ok, ${r.workloadsNotOk} not; ${r.events} events, ${r.simulatedS.toFixed(0)} s simulated)`,
    ].join('\n');
    return { document: r, human };
  },
});
