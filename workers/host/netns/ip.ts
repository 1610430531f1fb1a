// Runs iproute2 (`ip`) for the netns grid: single commands, batches fed on stdin (`ip -batch -`, one
// process for many changes: a spawn costs 5–20 ms on this loaded 2-core machine), and `ip netns pids`.
// Leaves out netlink from Node itself: iproute2 is what the probe (probe.sh) proved on this host.

import { execFile, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';

/** Generous: under load `ip netns add` was seen taking hundreds of milliseconds. */
const ipTimeoutMs = 30_000;

export class IpError extends Error {
  constructor(readonly argv: readonly string[], readonly stderr: string) {
    super(`ip ${argv.join(' ')} failed: ${stderr.trim() || 'no message'}`);
  }
}

/** `ip ARGV`; answers stdout, rejects with the command and its stderr. */
export function ip(argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', [...argv], { timeout: ipTimeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) reject(new IpError(argv, stderr || error.message));
      else resolve(stdout);
    });
  });
}

/** `ip [-n NS] -batch -` with these lines; `force` goes on past failing lines (cleanup). */
export function ipBatch(lines: readonly string[], options: { netns?: string; force?: boolean } = {}): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  const argv = [...(options.netns === undefined ? [] : ['-n', options.netns]), ...(options.force === true ? ['-force'] : []), '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn('ip', argv, { stdio: ['pipe', 'ignore', 'pipe'], timeout: ipTimeoutMs });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => reject(new IpError(argv, error.message)));
    child.on('close', (code) => {
      if (code === 0 || options.force === true) resolve();
      else reject(new IpError([...argv, `<<${lines.length} lines: ${lines.join(' ; ')}>>`], stderr));
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** Namespace names from `ip netns list` (its lines read `NAME` or `NAME (id: N)`). */
export async function listNamespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']);
  return out.split('\n').map((line) => line.split(' ')[0]!).filter((name) => name !== '');
}

/** Where `ip netns add` binds its namespaces (iproute2's NETNS_RUN_DIR; /var/run is /run). */
const netnsRunDir = '/run/netns';

/**
 * Pids of the processes inside each named namespace (none for a namespace that is gone), in one pass
 * over /proc: what `ip netns pids` does per name (iproute2 ip/ipnetns.c, netns_pids: a process is in
 * the namespace when /proc/PID/ns/net has the device and inode of /run/netns/NAME), without a spawn
 * per namespace (a 36-namespace close spent 2 s on them).
 */
export function namespacePidsOf(names: readonly string[]): Map<string, number[]> {
  const byInode = new Map<string, string>();
  const pids = new Map<string, number[]>(names.map((name) => [name, []]));
  for (const name of names) {
    try {
      const st = statSync(`${netnsRunDir}/${name}`);
      byInode.set(`${st.dev}:${st.ino}`, name);
    } catch {
      // Gone already.
    }
  }
  if (byInode.size === 0) return pids;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const st = statSync(`/proc/${entry}/ns/net`);
      const name = byInode.get(`${st.dev}:${st.ino}`);
      if (name !== undefined) pids.get(name)!.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

/** Pids of the processes inside a namespace; none when it is gone. */
export async function namespacePids(name: string): Promise<number[]> {
  return namespacePidsOf([name]).get(name)!;
}

/** Rounds of kill-and-look: a process may fork between a look and the signals (a shell starting its job). */
const killRounds = 5;

/** SIGKILLs every process in the namespaces (power cut) until none is left; answers how many were signalled. */
export async function killNamespacePids(...names: string[]): Promise<number> {
  let killed = 0;
  for (let round = 0; round < killRounds; round++) {
    const pids = [...namespacePidsOf(names).values()].flat();
    if (pids.length === 0) return killed;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Exited between the listing and the signal.
      }
    }
    killed += pids.length;
    // A killed process leaves /proc/PID/ns once it is gone; give the kernel a moment before looking again.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const left = [...namespacePidsOf(names).values()].flat();
  if (left.length > 0) throw new Error(`processes ${left.join(' ')} still run in ${names.join(' ')} after ${killRounds} rounds of SIGKILL`);
  return killed;
}
