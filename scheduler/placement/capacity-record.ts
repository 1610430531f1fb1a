// The scheduler's per-node capacity view (fed from observations) and the exact zos fit test for one node.
// Leaves out what zos does not check generically: GPU, rent contracts, network ports, zos-cache growth.

import type { NodeCapacityView } from '../../workers/backend.js';

const GiB = 2 ** 30;

/**
 * What the scheduler believes a node has free: the Backend's view of a node, one definition for
 * both. `freeMruBytes` is already net of zos's system reserve and of its "actual used" term
 * (DOMAIN 2.5): `total − max(Σ reserved + reserve, actual)`, exactly what zos admission would still
 * accept, so placement compares a request's memory with it directly (`zosFreeMemoryBytes` builds it).
 */
export type NodeCapacityRecord = NodeCapacityView;

/** zos's getNodeReserved: max(⌊MRU/10⌋, 2 GiB). */
export function memoryReserveBytes(totalBytes: number): number {
  return Math.max(Math.floor(totalBytes / 10), 2 * GiB);
}

/** zos admission's headroom: total − max(Σ reserved + reserve, actual used), never negative. */
export function zosFreeMemoryBytes(totalBytes: number, reservedBytes: number, actualUsedBytes = 0): number {
  const used = Math.max(reservedBytes + memoryReserveBytes(totalBytes), actualUsedBytes);
  return Math.max(0, totalBytes - used);
}

/** What one deployment needs from a single node. */
export interface PlacementRequest {
  readonly mruBytes: number;
  readonly vcpus: number;
  /** One entry per zmount/volume/rootfs/qsfs cache: each must fit inside one SSD pool. */
  readonly ssdBytes?: readonly number[];
  /** One entry per zdb namespace: each must fit on one HDD. */
  readonly hddBytes?: readonly number[];
  readonly ipv4?: number;
  /** Nodes never to choose, e.g. the one that failed. */
  readonly excludeNodes?: readonly number[];
  readonly excludeFarms?: readonly number[];
}

/**
 * `spread` prefers the node with the most free memory (balances load); `pack` takes the lowest node
 * id that fits (first fit, so low-id nodes fill up and high-id ones stay empty for power saving, as
 * farmerbot wants). Ties always go to the lowest node id, so the choice is deterministic.
 */
export type PlacementWeight = 'spread' | 'pack';

export interface PlacementPolicy {
  /** vCPUs per logical CPU a node may be sold: usedVcpus + vcpus ≤ cru × ratio. 1..4. */
  readonly cpuOvercommit: number;
  readonly weight: PlacementWeight;
}

export const defaultPolicy: PlacementPolicy = { cpuOvercommit: 2, weight: 'spread' };

/** Where a request went: the node and, per request entry, the SSD pool and HDD chosen. */
export interface Placement {
  readonly node: number;
  readonly farm: number;
  readonly mruBytes: number;
  readonly vcpus: number;
  readonly ssdBytes: readonly number[];
  readonly ssdPools: readonly number[];
  readonly hddBytes: readonly number[];
  readonly hddDisks: readonly number[];
  readonly ipv4: number;
}

/** A request checked once; needs sorted largest-first, which is the order zos provisions disks in. */
export interface CompiledRequest {
  readonly mruBytes: number;
  readonly vcpus: number;
  readonly ssd: readonly number[];
  readonly ssdOrder: readonly number[];
  readonly hdd: readonly number[];
  readonly hddOrder: readonly number[];
  readonly ipv4: number;
  readonly maxSsd: number;
  readonly maxHdd: number;
  readonly excludeNodes: readonly number[];
  readonly excludeFarms: readonly number[];
}

function amount(value: number | undefined, field: string): number {
  const v = value ?? 0;
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`placement request: ${field} must be a non-negative number, got ${String(value)}`);
  return v;
}

function largestFirst(sizes: readonly number[]): number[] {
  return sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
}

export function compileRequest(request: PlacementRequest): CompiledRequest {
  const ssd = (request.ssdBytes ?? []).map((b, i) => amount(b, `ssdBytes[${i}]`));
  const hdd = (request.hddBytes ?? []).map((b, i) => amount(b, `hddBytes[${i}]`));
  return {
    mruBytes: amount(request.mruBytes, 'mruBytes'),
    vcpus: amount(request.vcpus, 'vcpus'),
    ssd,
    ssdOrder: largestFirst(ssd),
    hdd,
    hddOrder: largestFirst(hdd),
    ipv4: amount(request.ipv4, 'ipv4'),
    // -Infinity: a request without disks never prunes a subtree on disk space.
    maxSsd: ssd.length === 0 ? -Infinity : Math.max(...ssd),
    maxHdd: hdd.length === 0 ? -Infinity : Math.max(...hdd),
    excludeNodes: request.excludeNodes ?? [],
    excludeFarms: request.excludeFarms ?? [],
  };
}

export function compilePolicy(policy: Partial<PlacementPolicy> = {}): PlacementPolicy {
  const cpuOvercommit = policy.cpuOvercommit ?? defaultPolicy.cpuOvercommit;
  if (!(cpuOvercommit >= 1 && cpuOvercommit <= 4)) throw new RangeError(`placement policy: cpuOvercommit must be within 1..4, got ${cpuOvercommit}`);
  const weight = policy.weight ?? defaultPolicy.weight;
  if (weight !== 'spread' && weight !== 'pack') throw new RangeError(`placement policy: unknown weight ${String(weight)}`);
  return { cpuOvercommit, weight };
}

/**
 * Assigns each need (largest first) to the device with the most free bytes, ties to the lowest
 * index — what zos does for zmount pools and, in our model, for zdb disks. Returns the device per
 * need in request order, or undefined when one does not fit. `scratch` avoids an allocation.
 */
export function assignDevices(free: readonly number[], sizes: readonly number[], order: readonly number[], scratch: number[]): number[] | undefined {
  if (sizes.length === 0) return [];
  scratch.length = free.length;
  for (let d = 0; d < free.length; d++) scratch[d] = free[d]!;
  const chosen = new Array<number>(sizes.length);
  for (const i of order) {
    let best = -1;
    for (let d = 0; d < scratch.length; d++) if (scratch[d]! >= sizes[i]! && (best < 0 || scratch[d]! > scratch[best]!)) best = d;
    if (best < 0) return undefined;
    scratch[best] = scratch[best]! - sizes[i]!;
    chosen[i] = best;
  }
  return chosen;
}

/** Every hard limit except disks, which need `assignDevices`. */
export function fitsScalars(r: NodeCapacityRecord, req: CompiledRequest, policy: PlacementPolicy): boolean {
  return r.up && r.freeMruBytes >= req.mruBytes && r.freeIpv4 >= req.ipv4 && r.usedVcpus + req.vcpus <= r.cru * policy.cpuOvercommit;
}

const scratchDevices: number[] = [];

/** The exact test: the placement on this node, or undefined when the request does not fit. */
export function fitOnRecord(r: NodeCapacityRecord, req: CompiledRequest, policy: PlacementPolicy): Placement | undefined {
  if (!fitsScalars(r, req, policy)) return undefined;
  const ssdPools = assignDevices(r.ssdFreeBytes, req.ssd, req.ssdOrder, scratchDevices);
  if (ssdPools === undefined) return undefined;
  const hddDisks = assignDevices(r.hddFreeBytes, req.hdd, req.hddOrder, scratchDevices);
  if (hddDisks === undefined) return undefined;
  return { node: r.node, farm: r.farm, mruBytes: req.mruBytes, vcpus: req.vcpus, ssdBytes: req.ssd, ssdPools, hddBytes: req.hdd, hddDisks, ipv4: req.ipv4 };
}

/** Whether candidate (free, id) beats the best so far under the policy's weight. */
export function beats(weight: PlacementWeight, free: number, id: number, bestFree: number, bestId: number): boolean {
  if (weight === 'pack') return id < bestId;
  return free > bestFree || (free === bestFree && id < bestId);
}

/** The record after a placement's reservation (sign +1) or its release (sign −1). */
export function applyPlacement(r: NodeCapacityRecord, p: Placement, sign: 1 | -1): NodeCapacityRecord {
  const ssd = r.ssdFreeBytes.slice();
  p.ssdPools.forEach((pool, i) => (ssd[pool] = ssd[pool]! - sign * p.ssdBytes[i]!));
  const hdd = r.hddFreeBytes.slice();
  p.hddDisks.forEach((disk, i) => (hdd[disk] = hdd[disk]! - sign * p.hddBytes[i]!));
  return {
    ...r,
    usedVcpus: r.usedVcpus + sign * p.vcpus,
    freeMruBytes: r.freeMruBytes - sign * p.mruBytes,
    ssdFreeBytes: ssd,
    hddFreeBytes: hdd,
    freeIpv4: r.freeIpv4 - sign * p.ipv4,
  };
}
