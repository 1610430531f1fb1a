// One wireguard-go process per WireGuard interface, owned by us: started in the foreground (`-f`)
// inside the node's namespace so its UDP socket listens on the node's address (zos creates the
// interface in the public namespace and moves it into the NR's: zosbase pkg/network/public/wireguard.go
// NewWireguard), and stopped by signal. The probe (workers/host/netns/NOTES.md) found that the
// daemonising mode leaves zombies and a socket that resets the first `wg set`.
// Leaves out restarts: a wireguard-go that dies stays dead until the network is applied again.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

/** wireguard-go's UAPI socket directory: machine-wide, not per namespace. */
export const wgSocketDir = '/var/run/wireguard';
const startTimeoutMs = 20_000;
const stopGraceMs = 3_000;
const pollMs = 50;

export function wgSocketPath(iface: string): string {
  return `${wgSocketDir}/${iface}.sock`;
}

export interface WgProcess {
  readonly iface: string;
  readonly pid: number;
  /** Resolves when the process has exited (at once if it already has). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `wireguard-go -f IFACE` with the argv prefix that enters the node's namespace, and resolves
 * once its UAPI socket exists; rejects with its output if it exits or does not come up in time.
 */
export async function startWireguardGo(iface: string, enter: (argv: readonly string[]) => string[]): Promise<WgProcess> {
  // A socket left by a dead process would make us talk to nobody: remove it before starting.
  rmSync(wgSocketPath(iface), { force: true });
  const [file, ...args] = enter(['wireguard-go', '-f', iface]);
  const child = spawn(file!, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error' } });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    if (output.length < 4096) output += chunk;
  });
  let gone = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    gone = true;
    resolve();
  }));
  const failed = new Promise<never>((_, reject) => child.once('error', reject));
  failed.catch(() => {});
  const startedMs = performance.now();
  while (!existsSync(wgSocketPath(iface))) {
    if (gone) {
      const missing = /No such file|not found/i.test(output) ? ' (is wireguard-go installed? apt-get install wireguard-go wireguard-tools)' : '';
      throw new Error(`wireguard-go for ${iface} exited before its socket appeared: ${output.trim() || '(no output)'}${missing}`);
    }
    if (performance.now() - startedMs > startTimeoutMs) {
      await kill(child, exited);
      throw new Error(`wireguard-go for ${iface}: no UAPI socket ${wgSocketPath(iface)} after ${startTimeoutMs / 1000} s`);
    }
    await Promise.race([sleep(pollMs), failed]);
  }
  return { iface, pid: child.pid!, exited, stop: () => kill(child, exited).then(() => rmSync(wgSocketPath(iface), { force: true })) };
}

/** SIGTERM (wireguard-go removes its interface and socket), SIGKILL after a grace period. */
async function kill(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), stopGraceMs);
  });
  const first = await Promise.race([exited.then(() => 'exited' as const), grace]);
  clearTimeout(timer);
  if (first === 'grace') {
    child.kill('SIGKILL');
    await exited;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
