// Creating, listing and removing network namespaces and the processes inside them, with iproute2.
// Leaves out persistence across reboots of the machine: /run is a tmpfs, namespaces die with it.

import { readdirSync, readFileSync } from 'node:fs';
import { run } from './run.js';

/** Names of every namespace `ip netns` knows (the first word of each line of `ip netns list`). */
export async function listNamespaces(): Promise<string[]> {
  const out = await run(['ip', 'netns', 'list']);
  return out.split('\n').map((line) => line.split(' ')[0]!).filter((n) => n !== '');
}

/** A fresh namespace with lo up; a leftover of the same name is removed first. */
export async function createNamespace(name: string): Promise<void> {
  if ((await listNamespaces()).includes(name)) await deleteNamespace(name);
  await run(['ip', 'netns', 'add', name]);
  await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

/** Kills whatever runs inside, then deletes the namespace (and with it its links); absent is fine. */
export async function deleteNamespace(name: string): Promise<void> {
  if (!(await listNamespaces()).includes(name)) return;
  await killNamespacePids(name);
  await run(['ip', 'netns', 'del', name]);
}

/** SIGKILLs the processes `ip netns pids` lists; answers how many there were. */
export async function killNamespacePids(name: string): Promise<number> {
  const pids = (await run(['ip', 'netns', 'pids', name]).catch(() => '')).split('\n').filter((p) => /^\d+$/.test(p)).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return pids.length;
}

/** Pids whose command line is exactly argv (machine-wide), e.g. a wireguard-go nobody owns any more. */
export function pidsRunning(argv: readonly string[]): number[] {
  const wanted = argv.join('\0');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0$/, '');
      if (cmdline === wanted || cmdline.endsWith(`/${wanted}`)) pids.push(Number(entry));
    } catch {
      // Exited while we read.
    }
  }
  return pids;
}

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
