// The first command's demo: a small grid built from the node templates runs a Poisson mix of SSD
// and HDD IO, CPU tasks and transfers while nodes fail and come back. Leaves out zos workloads.

import { exponentialFromMean, lognormalFromMeanSd } from '../sim/engine/distributions.js';
import type { ProcessGenerator } from '../sim/engine/process.js';
import { RngStreams, type Rng } from '../sim/engine/rng.js';
import { Simulation } from '../sim/engine/simulation.js';
import { SampleSet } from '../sim/engine/stats.js';
import { Trace } from '../sim/engine/trace.js';
import { Cpu } from '../sim/hardware/cpu.js';
import { FailureModel } from '../sim/hardware/failures.js';
import { FlowNetwork } from '../sim/hardware/flow-network.js';
import { Hdd } from '../sim/hardware/hdd.js';
import { addNic, failNic, healNic, startNicTransfer, type Nic } from '../sim/hardware/nic.js';
import { loadProfiles, type NodeTemplate } from '../sim/hardware/profiles.js';
import { Ssd } from '../sim/hardware/ssd.js';
import { ErrorCode, InputError, ZosError } from '../sim/errors.js';
import { demoDefaults } from './demo-defaults.js';

export interface DemoOptions {
  seed: string | number;
  nodes: number;
  durationS: number;
  /** Grid-wide operation arrivals per second. */
  opsPerS: number;
}

export { demoDefaults };

const templateNames = ['diy-small', 'farmer-server', 'storage-heavy'];
const kinds = ['ssd-read-4k', 'hdd-write-1m', 'cpu-task', 'transfer-100mb'] as const;
type OpKind = (typeof kinds)[number];

interface DemoNode {
  readonly template: string;
  readonly cpu: Cpu;
  readonly ssds: Ssd[];
  readonly hdds: Hdd[];
  readonly nic: Nic;
  up: boolean;
}

interface OpStats {
  latencyS: SampleSet;
  failed: number;
  refused: number;
}

export interface DemoReport {
  seed: string;
  nodes: number;
  templates: Record<string, number>;
  simulatedS: number;
  events: number;
  traceHash: string;
  operations: Record<OpKind, { ok: number; failed: number; refusedNodeDown: number; latencyMsP50: number; latencyMsP99: number }>;
  nodeFailures: number;
  nodeRepairs: number;
  diskFailures: number;
  bytesTransferred: number;
}

function buildNode(sim: Simulation, network: FlowNetwork, template: NodeTemplate, rng: Rng): DemoNode {
  return {
    template: template.name,
    cpu: new Cpu(sim, template.cpu, { overcommitRatio: 4 }),
    ssds: template.ssds.map((p, i) => new Ssd(p, { sim, rng: rng.fork(`ssd${i}`) })),
    hdds: template.hdds.map((p, i) => new Hdd(p, { sim, rng: rng.fork(`hdd${i}`) })),
    nic: addNic(network, template.nics[0]!),
    up: true,
  };
}

/** One operation on one node; failures of the device or the node are counted, not thrown. */
function* operation(kind: OpKind, node: DemoNode, peer: DemoNode, network: FlowNetwork, rng: Rng): ProcessGenerator<void> {
  switch (kind) {
    case 'ssd-read-4k': {
      const ssd = rng.pick(node.ssds);
      yield ssd.read(rng.int(0, Math.floor(ssd.capacityBytes / 4096)) * 4096, 4096);
      return;
    }
    case 'hdd-write-1m': {
      const hdd = node.hdds.length > 0 ? rng.pick(node.hdds) : rng.pick(node.ssds);
      yield hdd.write(rng.int(0, Math.floor(hdd.capacityBytes / 2 ** 20)) * 2 ** 20, 2 ** 20);
      return;
    }
    case 'cpu-task':
      yield node.cpu.run({ workCoreS: 2, vcpus: 2 });
      return;
    case 'transfer-100mb':
      yield startNicTransfer(network, node.nic, peer.nic, 100e6);
      return;
  }
}

export function runDemo(options: DemoOptions): DemoReport {
  checkDemoOptions(options);
  const sim = new Simulation();
  const rngs = new RngStreams(options.seed);
  const catalog = loadProfiles();
  const network = new FlowNetwork(sim);
  const nodes = Array.from({ length: options.nodes }, (_, i) =>
    buildNode(sim, network, catalog.node(templateNames[i % templateNames.length]!), rngs.stream(`node-${i}`)),
  );
  const stats = Object.fromEntries(kinds.map((k) => [k, { latencyS: new SampleSet(), failed: 0, refused: 0 }])) as Record<OpKind, OpStats>;
  const trace = new Trace();
  const failures = new FailureModel(
    sim,
    {
      hostCount: nodes.length,
      rng: rngs.stream('node-failures'),
      // Accelerated so that an hour shows outages: mean time to failure 6 h, repair ≈ 10 min.
      independent: { timeToFailureS: exponentialFromMean(6 * 3600), timeToRepairS: lognormalFromMeanSd(600, 300) },
    },
    {
      onFail: (i) => {
        nodes[i]!.up = false;
        failNic(network, nodes[i]!.nic);
        nodes[i]!.cpu.failAll(new ZosError(ErrorCode.deviceFailed, `node ${i} powered off`));
        trace.record(sim.nowS, `node ${i} down`);
      },
      onRepair: (i) => {
        nodes[i]!.up = true;
        healNic(network, nodes[i]!.nic);
        trace.record(sim.nowS, `node ${i} up`);
      },
    },
  );
  failures.start();
  sim.process(arrivals(sim, options, nodes, network, stats, trace, rngs.stream('workload')));
  sim.run({ untilS: options.durationS });
  const failureStats = failures.stats;
  return {
    seed: rngs.seed,
    nodes: nodes.length,
    templates: countBy(nodes.map((n) => n.template)),
    simulatedS: sim.nowS,
    events: sim.eventCount,
    traceHash: trace.hash(),
    operations: summarise(stats),
    nodeFailures: failureStats.failureCount,
    nodeRepairs: failureStats.repairCount,
    diskFailures: nodes.reduce((sum, n) => sum + [...n.ssds, ...n.hdds].filter((d) => d.failed).length, 0),
    bytesTransferred: Array.from({ length: nodes.length }, (_, i) => network.linkStats(nodes[i]!.nic.txLinkId).bytesTransferred).reduce((a, b) => a + b, 0),
  };
}

function* arrivals(sim: Simulation, options: DemoOptions, nodes: DemoNode[], network: FlowNetwork, stats: Record<OpKind, OpStats>, trace: Trace, rng: Rng): ProcessGenerator<void> {
  const gap = exponentialFromMean(1 / options.opsPerS);
  for (let id = 0; ; id++) {
    yield gap.sample(rng);
    const kind = rng.pick(kinds);
    const node = nodes[rng.int(0, nodes.length)]!;
    const peer = nodes[rng.int(0, nodes.length)]!;
    if (!node.up || (kind === 'transfer-100mb' && !peer.up)) {
      stats[kind].refused++;
      continue;
    }
    sim.process(timed(sim, id, kind, operation(kind, node, peer, network, rng.fork(`op-${id % 64}`)), stats[kind], trace));
  }
}

function* timed(sim: Simulation, id: number, kind: OpKind, op: ProcessGenerator<void>, stats: OpStats, trace: Trace): ProcessGenerator<void> {
  const startS = sim.nowS;
  try {
    yield sim.process(op);
    stats.latencyS.add(sim.nowS - startS);
    trace.record(sim.nowS, `op ${id} ${kind} ok`);
  } catch (error) {
    stats.failed++;
    trace.record(sim.nowS, `op ${id} ${kind} failed: ${(error as Error).message}`);
  }
}

function summarise(stats: Record<OpKind, OpStats>): DemoReport['operations'] {
  const out = {} as DemoReport['operations'];
  for (const kind of kinds) {
    const s = stats[kind];
    const [p50, p99] = s.latencyS.percentiles([0.5, 0.99]);
    out[kind] = { ok: s.latencyS.count, failed: s.failed, refusedNodeDown: s.refused, latencyMsP50: round3(p50! * 1e3), latencyMsP99: round3(p99! * 1e3) };
  }
  return out;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function countBy(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of names) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}

function checkDemoOptions(o: DemoOptions): void {
  const where = 'command line';
  if (!(Number.isInteger(o.nodes) && o.nodes >= 2 && o.nodes <= 10_000)) throw new InputError(where, '--nodes', `must be a whole number from 2 to 10000, got ${o.nodes}`);
  if (!(o.durationS > 0 && o.durationS <= 10 * 365 * 86_400)) throw new InputError(where, '--until', `must be a duration from 1 s to 10 years, got ${o.durationS} s`);
  if (!(o.opsPerS > 0 && o.opsPerS <= 100_000)) throw new InputError(where, '--ops-per-s', `must be in (0, 100000], got ${o.opsPerS}`);
}
