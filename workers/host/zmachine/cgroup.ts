// CPU and memory limits for one host zmachine through a child cgroup: cgroup v2 when the unified
// hierarchy offers the cpu and memory controllers, else cgroup v1's cpu and memory hierarchies, else none.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type CgroupKind = 'v2' | 'v1' | 'none';

export interface CgroupLimits {
  /** vCPUs; becomes a quota of `cpu` full periods. */
  readonly cpu: number;
  readonly memoryBytes: number;
}

/** A machine's cgroup: put pids in, read OOM kills, remove when the machine is gone. */
export interface MachineCgroup {
  readonly kind: CgroupKind;
  /** Where the limits live, or why they are not enforced. */
  readonly note: string;
  add(pid: number): void;
  /** How many processes the kernel's OOM killer killed in this cgroup so far. */
  oomKills(): number;
  /** Resolves once the directories are gone, or after about a second if something still holds them. */
  remove(): Promise<void>;
}

export interface CgroupRoots {
  /** A cgroup2 mount; default /sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid hosts. */
  readonly v2Root?: string;
  /** The v1 memory and cpu hierarchies; default /sys/fs/cgroup/{memory,cpu}. */
  readonly v1MemoryRoot?: string;
  readonly v1CpuRoot?: string;
}

const CPU_PERIOD_US = 100_000;
const GROUP_DIR = 'zos-testbed';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The `name value` line of a flat-keyed cgroup file (memory.events, memory.oom_control). */
function keyedValue(path: string, key: string): number {
  const line = readText(path).split('\n').find((l) => l.startsWith(`${key} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Swap accounting may be compiled out; without swap the memory limit still holds. */
function optionalWrite(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    // Absent file: nothing to limit.
  }
}

function defaultV2Root(): string {
  return existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
}

/** A v2 child under `<root>/zos-testbed/`: the root may hold processes, our group must not. */
function tryV2(root: string, name: string, limits: CgroupLimits): MachineCgroup | string {
  const controllers = readText(join(root, 'cgroup.controllers')).split(/\s+/);
  if (!controllers.includes('memory') || !controllers.includes('cpu')) {
    return `cgroup v2 at ${root} lacks the cpu/memory controllers`;
  }
  try {
    const parent = join(root, GROUP_DIR);
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(root, 'cgroup.subtree_control'), '+cpu +memory');
    writeFileSync(join(parent, 'cgroup.subtree_control'), '+cpu +memory');
    const dir = join(parent, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
    optionalWrite(join(dir, 'memory.swap.max'), '0');
    writeFileSync(join(dir, 'cpu.max'), `${Math.round(limits.cpu * CPU_PERIOD_US)} ${CPU_PERIOD_US}`);
    return {
      kind: 'v2',
      note: `cgroup v2 ${dir}`,
      add: (pid) => writeFileSync(join(dir, 'cgroup.procs'), String(pid)),
      oomKills: () => keyedValue(join(dir, 'memory.events'), 'oom_kill'),
      remove: () => removeDirs([dir]),
    };
  } catch (error) {
    return `cgroup v2 at ${root} not writable: ${(error as Error).message}`;
  }
}

function tryV1(memoryRoot: string, cpuRoot: string, name: string, limits: CgroupLimits): MachineCgroup | string {
  if (!existsSync(join(memoryRoot, 'memory.limit_in_bytes')) || !existsSync(join(cpuRoot, 'cpu.cfs_quota_us'))) {
    return 'no cgroup v1 memory/cpu hierarchies';
  }
  try {
    const memDir = join(memoryRoot, GROUP_DIR, name);
    const cpuDir = join(cpuRoot, GROUP_DIR, name);
    mkdirSync(memDir, { recursive: true });
    mkdirSync(cpuDir, { recursive: true });
    writeFileSync(join(memDir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    writeFileSync(join(cpuDir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    writeFileSync(join(cpuDir, 'cpu.cfs_quota_us'), String(Math.round(limits.cpu * CPU_PERIOD_US)));
    return {
      kind: 'v1',
      note: `cgroup v1 ${memDir} + ${cpuDir}`,
      add: (pid) => {
        writeFileSync(join(memDir, 'cgroup.procs'), String(pid));
        writeFileSync(join(cpuDir, 'cgroup.procs'), String(pid));
      },
      oomKills: () => keyedValue(join(memDir, 'memory.oom_control'), 'oom_kill'),
      remove: () => removeDirs([memDir, cpuDir]),
    };
  } catch (error) {
    return `cgroup v1 not writable: ${(error as Error).message}`;
  }
}

/** rmdir fails (EBUSY) until the kernel has reaped every process that was inside: retry briefly. */
async function removeDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 50 && existsSync(dir); attempt++) {
      try {
        rmdirSync(dir);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}

/** The best limiter this host offers; `kind: 'none'` with the reasons when neither works. */
export function createMachineCgroup(name: string, limits: CgroupLimits, roots: CgroupRoots = {}): MachineCgroup {
  const v2 = tryV2(roots.v2Root ?? defaultV2Root(), name, limits);
  if (typeof v2 !== 'string') return v2;
  const v1 = tryV1(roots.v1MemoryRoot ?? '/sys/fs/cgroup/memory', roots.v1CpuRoot ?? '/sys/fs/cgroup/cpu', name, limits);
  if (typeof v1 !== 'string') return v1;
  return {
    kind: 'none',
    note: `limits not enforced: ${v2}; ${v1}`,
    add: () => undefined,
    oomKills: () => 0,
    remove: async () => undefined,
  };
}
