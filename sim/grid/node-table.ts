// Hot per-node state of a whole grid as structure-of-arrays: farm, template, capacity totals and
// reservations, power state, and each SSD pool's and HDD's free bytes. Leaves out device models and policy.

import { SimulationError } from '../errors.js';
import type { NodeTemplate } from '../hardware/profiles.js';

/** Farmer's power target, as on chain (DOMAIN 2.6); a node runs only when the target is up and it has not failed. */
export const PowerTarget = { up: 0, down: 1 } as const;

/** One run of consecutive nodes sharing a farm and a template, as the grid spec lists them. */
export interface NodeGroup {
  readonly farm: number;
  readonly template: number;
  readonly count: number;
}

/**
 * Why typed arrays: an object per node (with its own disk arrays) costs hundreds of bytes of heap and
 * scatters every scan over the grid across memory; here a node is 76 bytes plus 8 per disk (measured
 * with the grid: 121 B/node at 10^5 nodes, test/grid/grid-scale.test.ts), and placement scans touch
 * a few contiguous arrays. Templates are shared through an index, never copied.
 * Sizes are bytes in Float64 (exact up to 2^53 = 8 PiB per node, far beyond any node).
 */
export class NodeTable {
  readonly nodeCount: number;
  readonly templates: readonly NodeTemplate[];
  readonly farmIndex: Uint32Array;
  readonly templateIndex: Uint16Array;
  readonly totalCru: Uint32Array;
  readonly totalMruBytes: Float64Array;
  readonly totalSruBytes: Float64Array;
  readonly totalHruBytes: Float64Array;
  /** Σ memory reserved by admitted workloads (zos's "theoretical" use, without the system reserve). */
  readonly reservedMruBytes: Float64Array;
  /** Memory in use as the node measures it (total − available); 0 until something sets it. */
  readonly actualMruBytes: Float64Array;
  readonly powerTarget: Uint8Array;
  /** 1 while the hardware is broken (a crash); the node boots again on repair if its target is up. */
  readonly failed: Uint8Array;
  /** When the node last booted; its uptime reports are counted from here. */
  readonly bootS: Float64Array;
  /** When the node last went on or off. */
  readonly lastPowerChangeS: Float64Array;
  /** SSD pool i of node n is ssdFreeBytes[ssdStart[n] + i]; its count is the template's. */
  readonly ssdStart: Uint32Array;
  readonly ssdFreeBytes: Float64Array;
  readonly hddStart: Uint32Array;
  readonly hddFreeBytes: Float64Array;

  constructor(templates: readonly NodeTemplate[], groups: readonly NodeGroup[], nowS: number) {
    if (templates.length > 0xffff) throw new SimulationError(`too many node templates (${templates.length})`);
    this.templates = templates;
    let nodes = 0;
    let ssds = 0;
    let hdds = 0;
    for (const g of groups) {
      const t = templates[g.template]!;
      nodes += g.count;
      ssds += g.count * t.ssds.length;
      hdds += g.count * t.hdds.length;
    }
    if (ssds > 0xffffffff || hdds > 0xffffffff) throw new SimulationError(`too many disks (${ssds} SSDs, ${hdds} HDDs)`);
    this.nodeCount = nodes;
    this.farmIndex = new Uint32Array(nodes);
    this.templateIndex = new Uint16Array(nodes);
    this.totalCru = new Uint32Array(nodes);
    this.totalMruBytes = new Float64Array(nodes);
    this.totalSruBytes = new Float64Array(nodes);
    this.totalHruBytes = new Float64Array(nodes);
    this.reservedMruBytes = new Float64Array(nodes);
    this.actualMruBytes = new Float64Array(nodes);
    this.powerTarget = new Uint8Array(nodes); // PowerTarget.up: every node starts booted
    this.failed = new Uint8Array(nodes);
    this.bootS = new Float64Array(nodes).fill(nowS);
    this.lastPowerChangeS = new Float64Array(nodes).fill(nowS);
    this.ssdStart = new Uint32Array(nodes);
    this.ssdFreeBytes = new Float64Array(ssds);
    this.hddStart = new Uint32Array(nodes);
    this.hddFreeBytes = new Float64Array(hdds);
    this.fill(groups);
  }

  template(node: number): NodeTemplate {
    return this.templates[this.templateIndex[node]!]!;
  }

  ssdCount(node: number): number {
    return this.template(node).ssds.length;
  }

  hddCount(node: number): number {
    return this.template(node).hdds.length;
  }

  /** Bytes held in the typed arrays (what 10^5 nodes cost before any device object exists). */
  get arrayBytes(): number {
    let bytes = 0;
    for (const value of Object.values(this)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    return bytes;
  }

  private fill(groups: readonly NodeGroup[]): void {
    let node = 0;
    let ssd = 0;
    let hdd = 0;
    for (const g of groups) {
      const t = this.templates[g.template]!;
      const cru = t.cpu.cores * t.cpu.threadsPerCore;
      const sruBytes = t.ssds.reduce((sum, p) => sum + p.capacityBytes, 0);
      const hruBytes = t.hdds.reduce((sum, p) => sum + p.capacityBytes, 0);
      for (let k = 0; k < g.count; k++, node++) {
        this.farmIndex[node] = g.farm;
        this.templateIndex[node] = g.template;
        this.totalCru[node] = cru;
        this.totalMruBytes[node] = t.memoryBytes;
        this.totalSruBytes[node] = sruBytes;
        this.totalHruBytes[node] = hruBytes;
        this.ssdStart[node] = ssd;
        for (const p of t.ssds) this.ssdFreeBytes[ssd++] = p.capacityBytes;
        this.hddStart[node] = hdd;
        for (const p of t.hdds) this.hddFreeBytes[hdd++] = p.capacityBytes;
      }
    }
  }
}
