// A CoreX-like process table for one host zmachine: start a command line inside the machine, list what
// runs, kill by pid. Leaves out ttyd's TTY websockets and HTTP API: callers use these methods directly.

import { readFileSync } from 'node:fs';
import { CorexNoSuchProcessError, CorexUnreachableError } from '../../../sim/grid/primitives/corex.js';
import type { MachineCgroup } from './cgroup.js';
import { execLaunch, type Isolation } from './isolation.js';
import { launchGated, signalGroup, stopGroup, type Launched } from './launch.js';
import type { CompiledSpec } from './spec.js';

export interface CorexProcessView {
  /** Host pid of the process (group) started for this command. */
  readonly pid: number;
  readonly command: string;
  readonly startedAtMs: number;
}

interface Entry extends CorexProcessView {
  readonly launched: Launched;
}

const KILL_GRACE_S = 1;

export class HostCorex {
  private readonly table = new Map<number, Entry>();

  constructor(
    private readonly spec: CompiledSpec,
    private readonly isolation: Isolation,
    private readonly logFd: number,
  ) {}

  /** Runs `commandLine` with the machine's /bin/sh, env, root and namespaces; resolves to its pid. */
  async start(commandLine: string, mainPid: number, cgroup: MachineCgroup): Promise<number> {
    const innerPid = this.isolation.mode === 'plain' ? mainPid : await namespaceInitPid(this.spec.workloadId, mainPid);
    const plan = execLaunch(this.isolation, this.spec, innerPid, commandLine);
    const launched = await launchGated(plan, this.spec.env, this.logFd, cgroup);
    this.table.set(launched.pid, { pid: launched.pid, command: commandLine, startedAtMs: Date.now(), launched });
    void launched.exited.then(() => this.table.delete(launched.pid));
    return launched.pid;
  }

  list(): CorexProcessView[] {
    return [...this.table.values()].map(({ pid, command, startedAtMs }) => ({ pid, command, startedAtMs }));
  }

  has(pid: number): boolean {
    return this.table.has(pid);
  }

  async kill(pid: number): Promise<void> {
    const entry = this.table.get(pid);
    if (entry === undefined) throw new CorexNoSuchProcessError(this.spec.workloadId, pid);
    await stopGroup(entry.launched, KILL_GRACE_S);
  }

  /** The machine died or stopped: nothing it started outlives it. */
  async killAll(): Promise<void> {
    const entries = [...this.table.values()];
    for (const entry of entries) signalGroup(entry.pid, 'SIGKILL');
    await Promise.all(entries.map((e) => e.launched.exited));
  }
}

/**
 * unshare --fork runs the entrypoint as its only child, PID 1 of the new namespace; nsenter targets
 * that child. It appears a moment after unshare starts, so poll briefly.
 */
async function namespaceInitPid(workloadId: string, unsharePid: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const first = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0];
      if (first !== undefined && first !== '') return Number(first);
    } catch {
      // unshare not started yet, or gone; retry until the deadline.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new CorexUnreachableError(workloadId, `no namespace init under pid ${unsharePid}`);
}
