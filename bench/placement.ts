// `bench placement`: placements on the capacity index over N synthetic nodes, each one reserving its
// capacity, against a linear scan of the same records with the same requests, measured in the same run.

import { readFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { Args } from '../cli/args.js';
import { InputError } from '../sim/errors.js';
import { projectPath } from '../sim/project-files.js';
import { CapacityIndex } from '../scheduler/placement/capacity-index.js';
import type { NodeCapacityRecord, PlacementRequest, PlacementWeight } from '../scheduler/placement/capacity-record.js';
import { zosFreeMemoryBytes } from '../scheduler/placement/capacity-record.js';
import { LinearPlacer } from '../scheduler/placement/linear-placer.js';
import { benchMain } from './bench-main.js';

const GiB = 2 ** 30;

export interface PlacementBench {
  nodes: number;
  placementsPerS: number;
  linearPlacementsPerS: number;
  ratio: number;
  placements: number;
  placed: number;
  linearPlacements: number;
  weight: PlacementWeight;
  seed: string;
}

interface NodeTemplate {
  readonly name: string;
  readonly share: number;
  readonly memoryBytes: number;
  readonly cru: number;
  readonly ssdBytes: readonly number[];
  readonly hddBytes: readonly number[];
}

const profiles = projectPath('hardware-profiles/');
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(`${profiles}${path}`, 'utf8')) as Record<string, unknown>;

/** The node templates of hardware-profiles/nodes, with the share of the grid each one makes up. */
export function nodeTemplates(): NodeTemplate[] {
  const shares: Record<string, number> = { 'diy-small': 0.6, 'farmer-server': 0.3, 'storage-heavy': 0.1 };
  return Object.entries(shares).map(([name, share]) => {
    const t = readJson(`nodes/${name}.json`) as { cpu: string; memoryBytes: number; ssds: string[]; hdds: string[] };
    const cpu = readJson(`${t.cpu}.json`) as { cores: number; threadsPerCore: number };
    const bytes = (device: string): number => (readJson(`${device}.json`) as { capacityBytes: number }).capacityBytes;
    return { name, share, memoryBytes: t.memoryBytes, cru: cpu.cores * cpu.threadsPerCore, ssdBytes: t.ssds.map(bytes), hddBytes: t.hdds.map(bytes) };
  });
}

/** A grid of the repository's node templates (60 % DIY, 30 % farmer servers, 10 % storage), 40 nodes a farm, few public IPs, 5 % down. */
export function syntheticRecords(nodes: number, seed: string): NodeCapacityRecord[] {
  const rng = seedrandom(`${seed}/nodes`);
  const templates = nodeTemplates();
  const out: NodeCapacityRecord[] = [];
  for (let node = 1; node <= nodes; node++) {
    let x = rng();
    const t = templates.find((c) => (x -= c.share) < 0) ?? templates[0]!;
    out.push({
      node,
      farm: 1 + Math.floor((node - 1) / 40),
      up: rng() >= 0.05,
      cru: t.cru,
      usedVcpus: 0,
      freeMruBytes: zosFreeMemoryBytes(t.memoryBytes, 0),
      ssdFreeBytes: t.ssdBytes,
      hddFreeBytes: t.hddBytes,
      freeIpv4: rng() < 0.2 ? 1 + Math.floor(rng() * 4) : 0,
    });
  }
  return out;
}

/** Small VMs with a disk; one in ten a zdb backend, one in twenty with a public IPv4. */
export function syntheticRequests(count: number, seed: string): PlacementRequest[] {
  const rng = seedrandom(`${seed}/requests`);
  const out: PlacementRequest[] = [];
  for (let i = 0; i < count; i++) {
    const zdb = rng() < 0.1;
    out.push({
      mruBytes: zdb ? 0 : (1 + Math.floor(rng() * 8)) * GiB,
      vcpus: zdb ? 0 : 1 + Math.floor(rng() * 4),
      ssdBytes: zdb ? [] : [(10 + Math.floor(rng() * 190)) * GiB],
      hddBytes: zdb ? [(100 + Math.floor(rng() * 900)) * GiB] : [],
      ipv4: rng() < 0.05 ? 1 : 0,
    });
  }
  return out;
}

interface Placer {
  place(request: PlacementRequest): ReturnType<CapacityIndex['place']>;
  reserve(p: NonNullable<ReturnType<CapacityIndex['place']>>): void;
}

function run(placer: Placer, requests: readonly PlacementRequest[]): { perS: number; placed: number; checksum: number } {
  let placed = 0;
  let checksum = 0;
  const start = process.hrtime.bigint();
  for (const request of requests) {
    const p = placer.place(request);
    if (p === undefined) continue;
    placer.reserve(p);
    placed++;
    checksum = (checksum * 31 + p.node) % 1_000_000_007;
  }
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  return { perS: requests.length / s, placed, checksum };
}

export function benchPlacement(nodes: number, placements: number, weight: PlacementWeight, seed: string): PlacementBench {
  const records = syntheticRecords(nodes, seed);
  const requests = syntheticRequests(placements, seed);
  // Warm the JIT on a small grid first, so neither side pays for compilation in its timed run.
  const warm = syntheticRecords(2000, 'warm-up');
  run(new CapacityIndex(warm, { weight }), syntheticRequests(5000, 'warm-up'));
  run(new LinearPlacer(warm, { weight }), syntheticRequests(500, 'warm-up'));
  const indexed = run(new CapacityIndex(records, { weight }), requests);
  // The scan is O(N) a query: time a prefix of the same requests, and check it chose the same nodes.
  const linearCount = Math.max(50, Math.min(placements, Math.floor(2e8 / Math.max(nodes, 1) / 10)));
  const prefix = requests.slice(0, linearCount);
  const linear = run(new LinearPlacer(records, { weight }), prefix);
  const check = run(new CapacityIndex(records, { weight }), prefix);
  if (check.checksum !== linear.checksum) throw new Error('the index and the linear scan chose different nodes');
  return {
    nodes,
    placementsPerS: Math.round(indexed.perS),
    linearPlacementsPerS: Math.round(linear.perS),
    ratio: Number((indexed.perS / linear.perS).toFixed(1)),
    placements,
    placed: indexed.placed,
    linearPlacements: linearCount,
    weight,
    seed,
  };
}

await benchMain('placement', {
  run(args: Args) {
    const nodes = args.number('nodes', { min: 1, max: 1e7, integer: true, default: 100_000 });
    const placements = args.number('placements', { min: 1, max: 1e8, integer: true, default: 200_000 });
    const weight = args.string('weight', 'spread');
    if (weight !== 'spread' && weight !== 'pack') throw new InputError('bench placement', '--weight', `must be spread or pack, got ${weight}`);
    const seed = args.string('seed', '1');
    process.stderr.write(`seed: ${seed}\n`);
    const r = benchPlacement(nodes, placements, weight, seed);
    const human = [
      `placement on ${r.nodes} nodes, ${r.placements} requests (${r.placed} placed), weight ${r.weight}`,
      `  index        ${Math.round(r.placementsPerS).toLocaleString('en')} placements/s`,
      `  linear scan  ${Math.round(r.linearPlacementsPerS).toLocaleString('en')} placements/s (reference, same run, ${r.linearPlacements} requests)`,
      `  ratio        ${r.ratio}`,
    ].join('\n');
    return { document: r, human };
  },
});
