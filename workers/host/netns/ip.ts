// Runs iproute2 (`ip`) for the netns grid: single commands, batches fed on stdin (`ip -batch -`, one
// process for many changes: a spawn costs 5–20 ms on this loaded 2-core machine), and `ip netns pids`.
// Leaves out netlink from Node itself: iproute2 is what the probe (probe.sh) proved on this host.

import { execFile, spawn } from 'node:child_process';

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

/** Pids of the processes inside a namespace; none when it is gone. */
export async function namespacePids(name: string): Promise<number[]> {
  try {
    const out = await ip(['netns', 'pids', name]);
    return out.split(/\s+/).filter((s) => s !== '').map(Number);
  } catch {
    return [];
  }
}

/** SIGKILLs every process in the namespace (power cut); answers how many were signalled. */
export async function killNamespacePids(name: string): Promise<number> {
  const pids = await namespacePids(name);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited between the listing and the signal.
    }
  }
  return pids.length;
}
