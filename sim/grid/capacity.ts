// zos's node-level admission (DOMAIN 2.5): memory with a system reserve and an "actual used" term,
// SSD pools and HDDs without overcommit. Leaves out CPU (unchecked by zos) and the zos-cache SRU reserve.

import { SimulationError } from '../errors.js';
import type { NodeTable } from './node-table.js';

export const GiB = 2 ** 30;
const MIN_RESERVE_BYTES = 2 * GiB;

/**
 * zos's getNodeReserved: max(MRU·10/100, 2 GiB) in integer bytes. The 10 % floors because zos
 * computes it in uint64 arithmetic; that is why a 64 GiB node reserves 6 871 947 673, not …673.6.
 */
export function memoryReserveBytes(totalBytes: number): number {
  return Math.max(Math.floor(totalBytes / 10), MIN_RESERVE_BYTES);
}

/** zos's used = max(theoretical, actual), theoretical = Σ reserved + system reserve. */
export function memoryUsedBytes(table: NodeTable, node: number): number {
  const theoretical = table.reservedMruBytes[node]! + memoryReserveBytes(table.totalMruBytes[node]!);
  return Math.max(theoretical, table.actualMruBytes[node]!);
}

/** What a new workload may still reserve: total − used, never negative. */
export function memoryFreeBytes(table: NodeTable, node: number): number {
  return Math.max(0, table.totalMruBytes[node]! - memoryUsedBytes(table, node));
}

export function checkBytes(bytes: number, what: string): void {
  // Callers pass sizes from validated workloads; anything else here is a bug upstream.
  if (!(Number.isSafeInteger(bytes) && bytes >= 0)) throw new SimulationError(`${what}: bad size ${bytes} bytes`);
}

export function reserveMemory(table: NodeTable, node: number, bytes: number): boolean {
  checkBytes(bytes, 'reserveMemory');
  if (bytes > table.totalMruBytes[node]! - memoryUsedBytes(table, node)) return false;
  table.reservedMruBytes[node] = table.reservedMruBytes[node]! + bytes;
  return true;
}

export function releaseMemory(table: NodeTable, node: number, bytes: number): void {
  checkBytes(bytes, 'releaseMemory');
  const left = table.reservedMruBytes[node]! - bytes;
  if (left < 0) throw new SimulationError(`node ${node}: releasing ${bytes} bytes of memory but only ${table.reservedMruBytes[node]} are reserved`);
  table.reservedMruBytes[node] = left;
}

/**
 * The device among free[start, start + count) with the most free bytes that still fits `bytes`
 * (ties go to the lowest index), skipping those `usable` rejects; -1 if none fits. Linear in the
 * node's disk count, which is at most a few dozen.
 */
export function pickDevice(free: Float64Array, start: number, count: number, bytes: number, usable: (i: number) => boolean): number {
  let best = -1;
  let bestFree = -1;
  for (let i = 0; i < count; i++) {
    const f = free[start + i]!;
    if (f >= bytes && f > bestFree && usable(i)) {
      best = i;
      bestFree = f;
    }
  }
  return best;
}

/** Takes `bytes` from device `i`; the caller has checked that it fits. */
export function take(free: Float64Array, start: number, i: number, bytes: number): void {
  free[start + i] = free[start + i]! - bytes;
}

/** Gives `bytes` back to device `i`; more than its capacity means a double release. */
export function give(free: Float64Array, start: number, i: number, bytes: number, capacityBytes: number, what: string): void {
  const after = free[start + i]! + bytes;
  if (after > capacityBytes) throw new SimulationError(`${what}: releasing ${bytes} bytes would exceed its ${capacityBytes} byte capacity`);
  free[start + i] = after;
}
