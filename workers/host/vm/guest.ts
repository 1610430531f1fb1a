// The smallest real VM-mode guest for tests and smoke runs: scripts/build-vm-guest.sh builds it (a
// Debian kernel, a busybox initramfs, busybox as the root) into a cache folder and reuses it.

import { execFileSync } from 'node:child_process';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository, from the sources or from the build in dist/. */
const TOP = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const REPO = basename(TOP) === 'dist' ? dirname(TOP) : TOP;

/** The repo's ignored cache folder for the guest. */
export const DEFAULT_GUEST_CACHE = join(REPO, '.cache', 'vm-guest');

export interface VmGuest {
  /** A flist-like root: /boot/vmlinuz, /boot/initrd.img, /bin/busybox, /sbin/serve (httpd on 8080), /sbin/crash. */
  readonly rootDir: string;
}

/** Builds (or reuses) the guest; the error says what is missing (a static busybox, a kernel). */
export function ensureVmGuest(cacheDir = DEFAULT_GUEST_CACHE): VmGuest {
  const script = join(REPO, 'scripts', 'build-vm-guest.sh');
  try {
    const out = execFileSync('/bin/sh', [script, cacheDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { rootDir: out.trim().split('\n').at(-1)! };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`cannot build the VM guest: ${stderr === '' ? (error as Error).message : stderr}`);
  }
}
