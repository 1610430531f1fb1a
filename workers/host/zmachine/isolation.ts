// How a host zmachine's processes are started: in new mount+pid namespaces and chrooted into the root
// when we are root and util-linux is present, else as plain child processes with the root as cwd.

import { accessSync, constants, existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../../../sim/errors.js';
import type { CompiledSpec } from './spec.js';

export type IsolationMode = 'namespaces+chroot' | 'plain';

export interface Isolation {
  readonly mode: IsolationMode;
  /** Why this mode: what was found or missing. */
  readonly reason: string;
  readonly tools: Readonly<Record<'unshare' | 'nsenter' | 'chroot' | 'mount', string>>;
}

/** What to spawn: the caller wraps it in the cgroup gate (launch.ts). */
export interface LaunchPlan {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function which(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':'), ...SEARCH_PATH].filter((d) => d !== '');
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/** `wanted: 'plain'` forces plain children even as root (for tests of that mode). */
export function probeIsolation(wanted: 'auto' | 'plain' = 'auto'): Isolation {
  const found = { unshare: which('unshare'), nsenter: which('nsenter'), chroot: which('chroot'), mount: which('mount') };
  const tools = { unshare: found.unshare ?? '', nsenter: found.nsenter ?? '', chroot: found.chroot ?? '', mount: found.mount ?? '' };
  if (wanted === 'plain') return { mode: 'plain', reason: 'plain mode requested', tools };
  if (process.getuid?.() !== 0) return { mode: 'plain', reason: 'not running as root', tools };
  const missing = Object.entries(found).filter(([, path]) => path === undefined).map(([name]) => name);
  if (missing.length > 0) return { mode: 'plain', reason: `missing ${missing.join(', ')}`, tools };
  return { mode: 'namespaces+chroot', reason: 'root with util-linux unshare/nsenter/chroot', tools };
}

/**
 * Runs inside the new namespaces, before chroot, with the host's /bin/sh: bind the mounts into the root,
 * give it its own /proc and the harmless /dev nodes (null, zero, random…) when it has those
 * directories, then become the entrypoint (PID 1 of the namespace).
 */
const INIT_SCRIPT = [
  'set -e',
  'mountbin=$1; chrootbin=$2; root=$3; shift 3',
  'while [ "$1" != "--" ]; do mkdir -p "$root$2"; "$mountbin" --bind "$1" "$root$2"; shift 2; done',
  'shift',
  'if [ -d "$root/proc" ]; then "$mountbin" -t proc proc "$root/proc"; fi',
  'if [ -d "$root/dev" ]; then for d in null zero full random urandom; do',
  '  [ -e "$root/dev/$d" ] || : > "$root/dev/$d"; "$mountbin" --bind "/dev/$d" "$root/dev/$d"; done; fi',
  'exec "$chrootbin" "$root" "$@"',
].join('\n');

export function mainLaunch(iso: Isolation, spec: CompiledSpec): LaunchPlan {
  if (iso.mode === 'plain') {
    preparePlainMounts(spec);
    const [program, ...rest] = spec.argv;
    return inNetns(spec, { command: join(spec.rootDir, program), args: rest, cwd: spec.rootDir });
  }
  const mountArgs = spec.mounts.flatMap((m) => [m.hostPath, m.mountpoint]);
  const args = ['--mount', '--pid', '--fork', '--kill-child', '--', '/bin/sh', '-c', INIT_SCRIPT, 'zmachine-init'];
  args.push(iso.tools.mount, iso.tools.chroot, spec.rootDir, ...mountArgs, '--', ...spec.argv);
  return inNetns(spec, { command: iso.tools.unshare, args, cwd: '/' });
}

/**
 * A machine with a Z-Net NIC starts inside its network namespace: `ip netns exec` enters it and execs
 * the plan, so the pid the cgroup gate sees is still the machine's (iproute2 ip/ipnetns.c netns_exec).
 */
function inNetns(spec: CompiledSpec, plan: LaunchPlan): LaunchPlan {
  if (spec.netns === undefined || spec.boot.kind === 'kernel') return plan;
  return { command: 'ip', args: ['netns', 'exec', spec.netns, plan.command, ...plan.args], cwd: plan.cwd };
}

/** A command line run by the machine's /bin/sh, inside its namespaces and root when it has them. */
export function execLaunch(iso: Isolation, spec: CompiledSpec, innerPid: number, commandLine: string): LaunchPlan {
  if (iso.mode === 'plain') return inNetns(spec, { command: '/bin/sh', args: ['-c', commandLine], cwd: spec.rootDir });
  // A machine in a Z-Net: its CoreX processes share its network namespace (--net).
  const net = spec.netns !== undefined ? ['--net'] : [];
  const args = ['--target', String(innerPid), '--mount', '--pid', ...net, '--root', '--wd', '--', '/bin/sh', '-c', commandLine];
  return { command: iso.tools.nsenter, args, cwd: '/' };
}

/** Plain mode cannot bind-mount: a symlink at the mountpoint makes the host directory visible instead. */
function preparePlainMounts(spec: CompiledSpec): void {
  spec.mounts.forEach((mount, i) => {
    const link = join(spec.rootDir, mount.mountpoint);
    if (existsSync(link) || isSymlink(link)) {
      if (isSymlink(link) && readlinkSync(link) === mount.hostPath) return;
      throw new InputError('zmachine', `mounts[${i}].mountpoint`, `already exists in the root (plain mode links it): ${mount.mountpoint}`);
    }
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(mount.hostPath, link);
  });
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
