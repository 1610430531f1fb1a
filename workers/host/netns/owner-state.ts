// Who owns which netns run, so that a crashed owner's namespaces are swept by the next one: each run
// writes /run/zos-testbed/netns/<run>.json (owner pid and its start time) before it creates anything,
// and claims its address slot by binding an abstract unix socket, which the kernel releases when the
// owner dies however it dies (no stale slot locks, no lock files to race on).
// Leaves out owners in other network namespaces (abstract sockets are per namespace): owners run in the root one.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ip, ipBatch, killNamespacePids, listNamespaces } from './ip.js';
import { ourNamespacePattern, runIdPattern, slotCount } from './names.js';

export const stateDir = '/run/zos-testbed/netns';

interface OwnerRecord {
  readonly run: string;
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: tells a reused pid from the owner. */
  readonly startTicks: string;
}

/** The process start time in clock ticks since boot, or null when the pid is gone. */
function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(record: OwnerRecord): boolean {
  return startTicksOf(record.pid) === record.startTicks;
}

export function writeOwnerRecord(run: string): void {
  mkdirSync(stateDir, { recursive: true });
  const record: OwnerRecord = { run, pid: process.pid, startTicks: startTicksOf(process.pid) ?? '' };
  writeFileSync(join(stateDir, `${run}.json`), JSON.stringify(record) + '\n', { flag: 'wx' });
}

export function removeOwnerRecord(run: string): void {
  rmSync(join(stateDir, `${run}.json`), { force: true });
}

/** Runs whose owner is alive. Unreadable records count as alive: never sweep what we cannot judge. */
function liveRuns(): Set<string> {
  const live = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(stateDir);
  } catch {
    return live;
  }
  for (const file of files) {
    const run = file.replace(/\.json$/, '');
    if (!runIdPattern.test(run)) continue;
    try {
      const record = JSON.parse(readFileSync(join(stateDir, file), 'utf8')) as OwnerRecord;
      if (isAlive(record)) live.add(run);
      else rmSync(join(stateDir, file), { force: true });
    } catch {
      live.add(run);
    }
  }
  return live;
}

/**
 * Removes the namespaces of runs whose owner is gone (or that have no record: a run writes its record
 * before its first namespace). Deleting a namespace destroys its veths and their peers, the owner's
 * uplinks in the root namespace included; its processes are killed first, because `ip netns del` only
 * unmounts and unlinks the name (iproute2 ip/ipnetns.c, netns_delete): a process inside would keep the
 * namespace, and its links, alive.
 * Answers the namespaces removed.
 */
export async function sweepDeadRuns(): Promise<string[]> {
  // Look first, judge after: a run writes its record before it makes anything, so whatever these
  // listings show of a live run, its record is already there when the records are read below. Read
  // the records first instead and a run starting in between would be swept half-built.
  const namespaces = await listNamespaces();
  const sockets = stateSockets();
  const live = liveRuns();
  const dead = namespaces.filter((name) => {
    const match = ourNamespacePattern.exec(name);
    return match !== null && !live.has(match[1]!);
  });
  const deadRuns = new Set(dead.map((name) => ourNamespacePattern.exec(name)![1]!));
  // The owner's uplinks (`zt<run>o<farm>`) in the root namespace would go with their farm namespaces,
  // but asynchronously; delete them outright.
  const uplinks = (await rootLinkNames()).filter((name) => /^zt[a-z0-9]{4}o\d+$/.test(name) && deadRuns.has(name.slice(2, 6)));
  await killNamespacePids(...dead);
  for (const file of sockets) if (!live.has(file.slice(0, 4))) rmSync(join(stateDir, file), { force: true });
  removeWireguardSockets(deadRuns);
  await ipBatch([...uplinks.map((name) => `link del ${name}`), ...dead.map((name) => `netns del ${name}`)], { force: true });
  return dead;
}

/** The relays' unix sockets (`<run>-*.sock`) in the state directory. */
function stateSockets(): string[] {
  try {
    return readdirSync(stateDir).filter((file) => file.endsWith('.sock'));
  } catch {
    return [];
  }
}

/** wireguard-go's UAPI sockets directory: machine-wide, not per namespace (NOTES.md). */
const wireguardSocketDir = '/var/run/wireguard';

/**
 * UAPI sockets of WireGuard interfaces named `zt<run>…` inside a swept run's namespaces: wireguard-go
 * killed with SIGKILL leaves its socket behind. Only runs whose namespaces were just swept: an
 * interface of a run we know nothing about is not ours to judge.
 */
function removeWireguardSockets(deadRuns: ReadonlySet<string>): void {
  if (deadRuns.size === 0) return;
  let files: string[] = [];
  try {
    files = readdirSync(wireguardSocketDir);
  } catch {
    return;
  }
  for (const file of files) {
    if (/^zt[a-z0-9]{4}.*\.sock$/.test(file) && deadRuns.has(file.slice(2, 6))) rmSync(join(wireguardSocketDir, file), { force: true });
  }
}

/** Interface names in this (the root) namespace. */
async function rootLinkNames(): Promise<string[]> {
  const out = await ip(['-o', 'link', 'show']);
  return out.split('\n').map((line) => line.split(': ')[1]?.split('@')[0] ?? '').filter((name) => name !== '');
}

/** Claims the first free address slot; release by closing the server. */
export async function claimSlot(): Promise<{ slot: number; lock: Server }> {
  for (let slot = 0; slot < slotCount; slot++) {
    const lock = await bindAbstract(`\0zos-testbed-netns-slot-${slot}`);
    if (lock !== null) return { slot, lock };
  }
  throw new Error(`every one of the ${slotCount} netns address slots is taken by a live HostBackend`);
}

function bindAbstract(name: string): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen(name, () => {
      // A lock, not a service: it must not keep the process alive.
      server.unref();
      resolve(server);
    });
  });
}
