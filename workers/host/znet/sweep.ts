// Removing what owners that died left behind: namespaces, wireguard-go processes and UAPI sockets
// whose names start with `<root><owner pid in base 36>-`. An owner that is still alive keeps its own.

import { readdirSync, rmSync } from 'node:fs';
import { deleteNamespace, listNamespaces, pidAlive } from './namespaces.js';
import { dialerSocketDir } from './dialer.js';
import { wgSocketDir } from './wireguard-go.js';

/** Sockets (wireguard-go's UAPI ones, the dialers') whose file name `dead` says belongs to no live owner. */
function removeSockets(dead: (name: string) => boolean, removed: string[]): void {
  for (const dir of [wgSocketDir, dialerSocketDir]) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // Nothing ever made it.
    }
    for (const name of names.filter(dead)) {
      rmSync(`${dir}/${name}`, { force: true });
      removed.push(name);
    }
  }
}

/** `<root><pid in base 36>-`: the prefix an owner with this pid uses. */
export function ownerPrefix(root: string, pid = process.pid): string {
  return `${root}${pid.toString(36)}-`;
}

function deadOwner(name: string, root: string): boolean {
  if (!name.startsWith(root)) return false;
  const match = /^([0-9a-z]+)-/.exec(name.slice(root.length));
  return match !== null && !pidAlive(parseInt(match[1]!, 36));
}

/** Answers what it removed. Leftover wireguard-go processes run in the dead owner's node namespaces and die with them. */
export async function sweepDeadOwners(root: string): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await listNamespaces()) {
    if (!deadOwner(ns, root)) continue;
    await deleteNamespace(ns).catch(() => undefined);
    removed.push(ns);
  }
  removeSockets((name) => deadOwner(name, root), removed);
  return removed;
}

/**
 * A host backend's Z-Net names are `zn<run>-…` beside its nodes' `ztb-<run>-…` namespaces (the netns
 * run, workers/host/netns/names.ts). The netns sweep removes a dead run's node namespaces (killing the
 * wireguard-go processes in them); this removes the run's NR and machine namespaces and UAPI sockets
 * once no `ztb-<run>-` namespace is left. A live run always has its node namespaces before its first NR.
 */
export async function sweepOrphanRuns(root = 'zn', nodeNamespacePrefix = 'ztb-'): Promise<string[]> {
  const namespaces = await listNamespaces();
  const runOf = (name: string) => new RegExp(`^${root}([a-z0-9]{4})-`).exec(name)?.[1];
  const orphan = (name: string) => {
    const run = runOf(name);
    return run !== undefined && !namespaces.some((ns) => ns.startsWith(`${nodeNamespacePrefix}${run}-`));
  };
  const removed: string[] = [];
  for (const ns of namespaces.filter(orphan)) {
    await deleteNamespace(ns).catch(() => undefined);
    removed.push(ns);
  }
  removeSockets(orphan, removed);
  return removed;
}
