// What a host zmachine runs (root directory, entrypoint, env, mounts, limits), checked once into a
// compiled form whose errors name the field. The flist decides container or VM mode as zos does
// (workers/host/vm/flist-boot.ts); leaves out GPUs and disk-image (image.raw) VMs.

import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { InputError } from '../../../sim/errors.js';
import { detectFlistBoot, type FlistBoot } from '../vm/flist-boot.js';
import { checkNic, type VmNic } from '../vm/nic.js';

export interface HostMount {
  /** A directory on the host. */
  readonly hostPath: string;
  /** Where it appears inside the machine's root, absolute. */
  readonly mountpoint: string;
}

export interface HostMachineSpec {
  /** zos's workload name rules: [a-zA-Z0-9_], or a full `<twin>-<contract>-<name>` id. */
  readonly workloadId: string;
  /** An already materialised flist. */
  readonly rootDir: string;
  /** Command line, split on whitespace (zos passes it to the guest init the same way). */
  readonly entrypoint: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly mounts?: readonly HostMount[];
  /** vCPUs, default 1. */
  readonly cpu?: number;
  /** Default 256 MiB; zos's node-side minimum (250 MiB) is not enforced so tests can OOM cheaply. */
  readonly memoryBytes?: number;
  /** VM mode's NIC; default user-mode networking without forwarded ports. Ignored in container mode. */
  readonly nic?: VmNic;
  /**
   * Container mode's network namespace (its Z-Net NIC, workers/host/znet/machine-nic.ts): the machine's
   * processes start inside it. Default: the owner's. Ignored in VM mode (the tap `nic` carries the Z-Net).
   */
  readonly netns?: string;
}

export interface CompiledSpec {
  readonly workloadId: string;
  readonly rootDir: string;
  readonly argv: readonly [string, ...string[]];
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly HostMount[];
  readonly cpu: number;
  readonly memoryBytes: number;
  /** Container (a host process) or VM (qemu with the flist's kernel). */
  readonly boot: FlistBoot;
  readonly nic: VmNic;
  readonly netns: string | undefined;
}

const WHERE = 'zmachine';
const ID_PATTERN = /^[a-zA-Z0-9_-]{1,80}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;
/** Below this a Debian kernel does not get to its init. */
const VM_MIN_MEMORY_BYTES = 64 * 1024 * 1024;

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

function compileMounts(mounts: readonly HostMount[]): HostMount[] {
  return mounts.map((mount, i) => {
    if (!isDir(mount.hostPath)) throw new InputError(WHERE, `mounts[${i}].hostPath`, `not a directory: ${mount.hostPath}`);
    const point = mount.mountpoint;
    if (!isAbsolute(point) || point === '/' || point.split('/').includes('..')) {
      throw new InputError(WHERE, `mounts[${i}].mountpoint`, `must be an absolute path below / without '..': ${point}`);
    }
    return { hostPath: mount.hostPath, mountpoint: point.replace(/\/+$/, '') };
  });
}

function compileEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) throw new InputError(WHERE, `env.${name}`, 'not a valid variable name');
    if (typeof value !== 'string' || value.includes('\0')) throw new InputError(WHERE, `env.${name}`, 'must be a string without NUL');
  }
  return { ...env };
}

export function compileSpec(spec: HostMachineSpec): CompiledSpec {
  if (typeof spec.workloadId !== 'string' || !ID_PATTERN.test(spec.workloadId)) {
    throw new InputError(WHERE, 'workloadId', `must match ${ID_PATTERN.source}`);
  }
  if (typeof spec.rootDir !== 'string' || !isAbsolute(spec.rootDir) || !isDir(spec.rootDir)) {
    throw new InputError(WHERE, 'rootDir', `must be an existing absolute directory: ${String(spec.rootDir)}`);
  }
  const argv = typeof spec.entrypoint === 'string' ? spec.entrypoint.trim().split(/\s+/).filter((s) => s !== '') : [];
  const program = argv[0];
  if (program === undefined || !program.startsWith('/')) {
    throw new InputError(WHERE, 'entrypoint', 'must start with an absolute path inside the root');
  }
  const cpu = spec.cpu ?? 1;
  if (!Number.isFinite(cpu) || cpu <= 0 || cpu > 1024) throw new InputError(WHERE, 'cpu', 'must be > 0 and ≤ 1024');
  const memoryBytes = spec.memoryBytes ?? DEFAULT_MEMORY_BYTES;
  if (!Number.isInteger(memoryBytes) || memoryBytes < 4 * 1024 * 1024) {
    throw new InputError(WHERE, 'memoryBytes', 'must be an integer ≥ 4 MiB');
  }
  const boot = detectFlistBoot(spec.rootDir.replace(/\/+$/, ''));
  if (boot.kind === 'disk') throw new InputError(WHERE, 'flist', 'holds /image.raw (a disk-image VM): not supported on hosts yet');
  if (boot.kind === 'kernel') checkVm(cpu, memoryBytes);
  return {
    workloadId: spec.workloadId,
    rootDir: spec.rootDir.replace(/\/+$/, ''),
    argv: [program, ...argv.slice(1)],
    env: compileEnv(spec.env ?? {}),
    mounts: compileMounts(spec.mounts ?? []),
    cpu,
    memoryBytes,
    boot,
    nic: checkNic(spec.nic ?? { kind: 'user', forwards: [] }),
    netns: checkNetns(spec.netns),
  };
}

function checkNetns(netns: string | undefined): string | undefined {
  if (netns !== undefined && (typeof netns !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(netns))) {
    throw new InputError(WHERE, 'netns', `must be a network namespace name, got ${JSON.stringify(netns)}`);
  }
  return netns;
}

function checkVm(cpu: number, memoryBytes: number): void {
  if (!Number.isInteger(cpu)) throw new InputError(WHERE, 'cpu', 'must be a whole number of vCPUs for a VM');
  if (memoryBytes < VM_MIN_MEMORY_BYTES) throw new InputError(WHERE, 'memoryBytes', 'must be ≥ 64 MiB for a VM');
}
