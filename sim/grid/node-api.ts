// What the rest of the simulator may ask of the grid's nodes: capacity admission as zos does it,
// the device models behind each node, and power events. Implemented by Grid (grid.ts).

import type { Cpu } from '../hardware/cpu.js';
import type { Hdd } from '../hardware/hdd.js';
import type { Ssd } from '../hardware/ssd.js';

/** A workload's reservation, zos's capacity vector (DOMAIN.md 2.5); sizes in bytes. */
export interface Capacity {
  readonly cru: number;
  readonly mruBytes: number;
  readonly sruBytes: number;
  readonly hruBytes: number;
  readonly ipv4: number;
}

export const noCapacity: Capacity = { cru: 0, mruBytes: 0, sruBytes: 0, hruBytes: 0, ipv4: 0 };

export type PowerEvent = 'off' | 'on' | 'reboot';
/** `reboot` and `on` mean the node has booted: its provision engine re-runs active deployments. */
export type PowerListener = (node: number, event: PowerEvent) => void;

/** Where a workload's bytes live: the index of an SSD pool or an HDD on its node. */
export type DeviceIndex = number;

export interface GridNodeApi {
  readonly nodeCount: number;
  farmOf(node: number): number;
  /** Powered on and booted (not off, not failed). */
  isOn(node: number): boolean;
  /** zos's grid-proxy status at time `nowS`: up if a report came in the last 80 min. */
  status(node: number, nowS: number): 'up' | 'standby' | 'down';

  /** Memory admission: reserve = max(10 % of RAM, 2 GiB); used = max(Σ reserved, actual); false = refused. */
  reserveMemory(node: number, bytes: number): boolean;
  releaseMemory(node: number, bytes: number): void;
  /** SSD pool with the most free space that fits `bytes` (never overcommitted), or -1. */
  reserveSsd(node: number, bytes: number): DeviceIndex;
  releaseSsd(node: number, pool: DeviceIndex, bytes: number): void;
  /** More bytes on one given pool (a disk growing in place); false when they do not fit there. */
  reserveSsdOn(node: number, pool: DeviceIndex, bytes: number): boolean;
  /** An HDD that fits `bytes` (zdb namespaces are placed per disk), or -1. */
  reserveHdd(node: number, bytes: number): DeviceIndex;
  releaseHdd(node: number, disk: DeviceIndex, bytes: number): void;
  /** More bytes on one given HDD (a namespace growing in place); false when they do not fit there. */
  reserveHddOn(node: number, disk: DeviceIndex, bytes: number): boolean;
  /** A public IPv4 from the node's farm pool, or null when the pool is exhausted. */
  reserveIpv4(node: number): string | null;
  releaseIpv4(node: number, ip: string): void;
  /** What a node has left, for placement and reports. */
  free(node: number): Capacity;
  total(node: number): Capacity;

  /** Device models, created on first use so that idle nodes cost no objects. */
  ssd(node: number, pool: DeviceIndex): Ssd;
  hdd(node: number, disk: DeviceIndex): Hdd;
  cpu(node: number): Cpu;

  powerOff(node: number): void;
  powerOn(node: number): void;
  reboot(node: number): void;
  /**
   * Every power change, or with `node` only that node's (a listener that cares about one node need not
   * be called for every change of the grid). Listeners hear a change in the order they subscribed.
   * A listener given `node` should still check it: a test double may call it for every node.
   */
  onPower(listener: PowerListener, node?: number): void;
}
