// CPU time (user + system) of a child process, read from what the kernel charges to this process's
// waited-for children. Leaves out wall time, which other work on a shared machine stretches.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU seconds of this process's children that have been waited for (Linux /proc/self/stat: cutime and
 * cstime, fields 16 and 17, in clock ticks of 1/100 s). A tick is fine beside runs of seconds.
 */
export function childrenCpuS(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After "pid (comm) ", field 3 (state) is index 0, so fields 16 and 17 are indexes 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

export interface ChildRun {
  readonly cpuS: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node argv…` to its end and returns the CPU it used; stdout is kept for the caller to check. */
export function runChild(argv: readonly string[]): ChildRun {
  const before = childrenCpuS();
  const r = spawnSync(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const cpuS = childrenCpuS() - before;
  if (r.error !== undefined) throw r.error;
  return { cpuS, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The median of `values` (the mean of the middle two when their count is even). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
