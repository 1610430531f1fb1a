// Removing what owners that died left behind: namespaces, wireguard-go processes and UAPI sockets
// whose names start with `<root><owner pid in base 36>-`. An owner that is still alive keeps its own.

import { readdirSync, rmSync } from 'node:fs';
import { deleteNamespace, listNamespaces, pidAlive } from './namespaces.js';
import { wgSocketDir } from './wireguard-go.js';

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
  let sockets: string[] = [];
  try {
    sockets = readdirSync(wgSocketDir);
  } catch {
    // No wireguard-go ran yet.
  }
  for (const socket of sockets) {
    if (!deadOwner(socket, root)) continue;
    rmSync(`${wgSocketDir}/${socket}`, { force: true });
    removed.push(socket);
  }
  return removed;
}
