// Farms: a name, the consecutive range of nodes they own, and a pool of public IPv4 addresses that
// contracts reserve from. Leaves out farm policies, pricing, farmerbot and the chain's IP gateway/CIDR.

import { SimulationError } from '../errors.js';
import { parseIpv4 } from '../network/znet/ipv4.js';

/** Addresses are drawn from 185.0.0.1 up (185.0.0.0/8), one contiguous block per farm in farm order. */
const IPV4_BASE = 185 * 2 ** 24 + 1;
export const MAX_PUBLIC_IPV4 = 2 ** 24 - 1;

export interface FarmSpecInternal {
  readonly name: string;
  readonly publicIpv4Count: number;
  readonly nodeCount: number;
}

function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}


/**
 * Each farm's free addresses are a stack of indices into its block, lowest on top, so a reserve is
 * O(1), the first reserves hand out .1, .2, … in order, and a released address is reused first —
 * deterministic without a search. 4 bytes per address, 1 for the in-use flag.
 */
export class Farms {
  readonly names: readonly string[];
  /** Farm f owns nodes [firstNode[f], firstNode[f + 1]). */
  readonly firstNode: Uint32Array;
  private readonly ipv4Start: Uint32Array;
  private readonly ipv4InUse: Uint8Array;
  private readonly freeStack: Uint32Array;
  private readonly freeCount: Uint32Array;

  constructor(farms: readonly FarmSpecInternal[]) {
    this.names = farms.map((f) => f.name);
    this.firstNode = new Uint32Array(farms.length + 1);
    this.ipv4Start = new Uint32Array(farms.length + 1);
    this.freeCount = new Uint32Array(farms.length);
    farms.forEach((f, i) => {
      this.firstNode[i + 1] = this.firstNode[i]! + f.nodeCount;
      this.ipv4Start[i + 1] = this.ipv4Start[i]! + f.publicIpv4Count;
      this.freeCount[i] = f.publicIpv4Count;
    });
    const total = this.ipv4Start[farms.length]!;
    if (total > MAX_PUBLIC_IPV4) throw new SimulationError(`${total} public IPv4 addresses do not fit in 185.0.0.0/8`);
    this.ipv4InUse = new Uint8Array(total);
    this.freeStack = new Uint32Array(total);
    farms.forEach((f, i) => {
      const start = this.ipv4Start[i]!;
      // Top of farm i's stack is its last slot, so the lowest address goes there.
      for (let k = 0; k < f.publicIpv4Count; k++) this.freeStack[start + k] = f.publicIpv4Count - 1 - k;
    });
  }

  get farmCount(): number {
    return this.names.length;
  }

  nodesOf(farm: number): { readonly firstNode: number; readonly nodeCount: number } {
    this.check(farm);
    return { firstNode: this.firstNode[farm]!, nodeCount: this.firstNode[farm + 1]! - this.firstNode[farm]! };
  }

  ipv4Total(farm: number): number {
    this.check(farm);
    return this.ipv4Start[farm + 1]! - this.ipv4Start[farm]!;
  }

  ipv4Free(farm: number): number {
    this.check(farm);
    return this.freeCount[farm]!;
  }

  /** The farm's k-th address; stable across runs since it depends only on the farms before it. */
  ipv4Address(farm: number, k: number): string {
    return formatIpv4(IPV4_BASE + this.ipv4Start[farm]! + k);
  }

  reserveIpv4(farm: number): string | null {
    this.check(farm);
    const free = this.freeCount[farm]!;
    if (free === 0) return null;
    const start = this.ipv4Start[farm]!;
    const k = this.freeStack[start + free - 1]!;
    this.freeCount[farm] = free - 1;
    this.ipv4InUse[start + k] = 1;
    return this.ipv4Address(farm, k);
  }

  /** Releasing an address the farm did not hand out is a programmer error: it would double-book. */
  releaseIpv4(farm: number, ip: string): void {
    this.check(farm);
    const start = this.ipv4Start[farm]!;
    const k = parseIpv4(ip) - IPV4_BASE - start;
    if (!(k >= 0 && k < this.ipv4Total(farm)) || this.ipv4InUse[start + k] !== 1) {
      throw new SimulationError(`farm ${this.names[farm]}: ${ip} is not a reserved address of this farm`);
    }
    this.ipv4InUse[start + k] = 0;
    const free = this.freeCount[farm]!;
    this.freeStack[start + free] = k;
    this.freeCount[farm] = free + 1;
  }

  private check(farm: number): void {
    if (!(Number.isInteger(farm) && farm >= 0 && farm < this.names.length)) throw new SimulationError(`no farm ${farm}`);
  }
}
