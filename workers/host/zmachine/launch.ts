// Spawning a machine's process so it is inside the cgroup before it runs a single instruction of its
// own, with output appended to the machine's log, and stopping it SIGTERM-then-SIGKILL as a group.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { MachineCgroup } from './cgroup.js';
import type { LaunchPlan } from './isolation.js';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Launched {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
}

/**
 * The host's /bin/sh waits on stdin until its pid is in the cgroup, then execs the plan with stdin on
 * /dev/null, so children forked later inherit the cgroup and nothing escapes the limits.
 */
const GATE = 'read -r _ || exit 111; exec "$@" </dev/null';

export async function launchGated(plan: LaunchPlan, env: Readonly<Record<string, string>>, logFd: number, cgroup: MachineCgroup): Promise<Launched> {
  const child = spawn('/bin/sh', ['-c', GATE, 'zmachine-gate', plan.command, ...plan.args], {
    cwd: plan.cwd,
    env,
    // Own process group: stop() signals everything the machine forked, not only its first process.
    detached: true,
    stdio: ['pipe', logFd, logFd],
  });
  const exited = new Promise<ExitInfo>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const spawned = once(child, 'spawn').then(() => undefined);
  const failed = once(child, 'error').then(([error]) => Promise.reject(error as Error));
  await Promise.race([spawned, failed]);
  const pid = child.pid!;
  try {
    cgroup.add(pid);
  } catch (error) {
    signalGroup(pid, 'SIGKILL');
    await exited;
    throw error;
  }
  child.stdin!.end('go\n');
  return { pid, exited };
}

/** Signals a process group; false when it is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL once `graceS` passed without an exit; resolves when the process is gone. */
export async function stopGroup(launched: Launched, graceS: number): Promise<ExitInfo> {
  signalGroup(launched.pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), graceS * 1000);
  });
  const first = await Promise.race([launched.exited, graceOver]);
  clearTimeout(timer);
  if (first !== 'grace') return first;
  signalGroup(launched.pid, 'SIGKILL');
  return launched.exited;
}

/**
 * A child's exit in words, as the crash reason. The cgroup's OOM counter is the reliable signal: in
 * namespaced mode util-linux 2.38's unshare turns any signal death of its child into exit code 1.
 */
export function describeExit(exit: ExitInfo, oomKilled: boolean): string {
  const base = exit.signal !== null ? `killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
  return oomKilled ? `out of memory (${base})` : base;
}
