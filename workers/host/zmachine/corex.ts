// CoreX's process table for one host zmachine: start a command line inside the machine on its own PTY
// (as corex does), list what runs, kill by pid. The HTTP API and web terminal (workers/host/corex/)
// serve this table; output is also appended to the machine log, one line per terminal line.

import { readFileSync, writeSync } from 'node:fs';
import { CorexNoSuchProcessError, CorexUnreachableError } from '../../../sim/grid/primitives/corex.js';
import { PtyProcess } from '../corex/pty.js';
import type { MachineCgroup } from './cgroup.js';
import { execLaunch, type Isolation } from './isolation.js';
import { signalGroup, stopGroup } from './launch.js';
import type { CompiledSpec } from './spec.js';

export interface CorexProcessView {
  /** Host pid of the process (group) started for this command. */
  readonly pid: number;
  readonly command: string;
  readonly startedAtMs: number;
  /** The process's terminal; absent for the machine's entrypoint, which has none. */
  readonly tty?: PtyProcess;
}

interface Entry extends CorexProcessView {
  readonly tty: PtyProcess;
}

/** corex sets TERM to its terminal type (src/server.c tty_server_new) in every child. */
const TERM = 'xterm-256color';

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
    const tty = await PtyProcess.spawn({ ...plan, env: { ...this.spec.env, TERM }, stderrFd: this.logFd, admit: (pid) => cgroup.add(pid) });
    tty.onOutput((chunk) => this.log(chunk));
    this.table.set(tty.pid, { pid: tty.pid, command: commandLine, startedAtMs: Date.now(), tty });
    void tty.exited.then(() => this.table.delete(tty.pid));
    return tty.pid;
  }

  list(): CorexProcessView[] {
    return [...this.table.values()].map(({ pid, command, startedAtMs, tty }) => ({ pid, command, startedAtMs, tty }));
  }

  has(pid: number): boolean {
    return this.table.has(pid);
  }

  async kill(pid: number): Promise<void> {
    const entry = this.table.get(pid);
    if (entry === undefined) throw new CorexNoSuchProcessError(this.spec.workloadId, pid);
    await stopGroup({ pid, exited: entry.tty.exited }, KILL_GRACE_S);
  }

  /** The machine died or stopped: nothing it started outlives it. */
  async killAll(): Promise<void> {
    const entries = [...this.table.values()];
    for (const entry of entries) signalGroup(entry.pid, 'SIGKILL');
    await Promise.all(entries.map((e) => e.tty.exited));
  }

  /** The machine log is a text file: the terminal's carriage returns are dropped. */
  private log(chunk: Buffer): void {
    try {
      writeSync(this.logFd, chunk.toString('utf8').replace(/\r\n/g, '\n'));
    } catch {
      // The machine was disposed and its log closed while the last output drained.
    }
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
