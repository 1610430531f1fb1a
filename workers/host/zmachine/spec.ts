// What a host zmachine runs (root directory, entrypoint, env, mounts, limits), checked once into a
// compiled form whose errors name the field. Leaves out networking, GPUs and VM (image.raw) mode.

import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { InputError } from '../../../sim/errors.js';

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
}

export interface CompiledSpec {
  readonly workloadId: string;
  readonly rootDir: string;
  readonly argv: readonly [string, ...string[]];
  readonly env: Readonly<Record<string, string>>;
  readonly mounts: readonly HostMount[];
  readonly cpu: number;
  readonly memoryBytes: number;
}

const WHERE = 'zmachine';
const ID_PATTERN = /^[a-zA-Z0-9_-]{1,80}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_MEMORY_BYTES = 256 * 1024 * 1024;

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
  return {
    workloadId: spec.workloadId,
    rootDir: spec.rootDir.replace(/\/+$/, ''),
    argv: [program, ...argv.slice(1)],
    env: compileEnv(spec.env ?? {}),
    mounts: compileMounts(spec.mounts ?? []),
    cpu,
    memoryBytes,
  };
}
