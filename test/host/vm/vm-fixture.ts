// What the VM zmachine tests share: the guest (built by scripts/build-vm-guest.sh into the repo's
// cache) or the reason it cannot run here, a free TCP port, and the qemu processes still alive.

import { createServer } from 'node:net';
import { ensureVmGuest, type VmGuest } from '../../../workers/host/vm/guest.js';
import { findQemu } from '../../../workers/host/vm/qemu.js';
import { commandLines } from '../../helpers/processes.js';

export function vmGuestOrReason(): VmGuest | string {
  try {
    findQemu();
    return ensureVmGuest();
  } catch (error) {
    return (error as Error).message;
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Pids of qemu processes whose command line names `needle` (our root directory). */
export function qemuProcesses(needle: string): number[] {
  return commandLines()
    .filter(({ cmdline }) => (cmdline.startsWith('/usr/bin/qemu-system') || cmdline.includes('qemu-system-x86_64\0')) && cmdline.includes(needle))
    .map(({ pid }) => pid);
}
