// A VM zmachine's qemu command line: the flist's kernel and initrd, the flist directory as a read-only
// 9p root (zos shares it with virtiofs; 9p needs no daemon), memory and vCPUs from the workload, the
// serial console on stdout (the machine's log file, as zos pipes cloud-hypervisor's console to its log),
// and `-no-reboot`, so a guest panic (`panic=1`) ends the qemu process and vmd's crash-loop rule sees it.
// KVM when /dev/kvm is usable, else TCG.

import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../sim/errors.js';
import { WorkerError, WorkerErrorCode } from '../../errors.js';
import type { LaunchPlan } from '../zmachine/isolation.js';
import type { CompiledSpec } from '../zmachine/spec.js';
import { nicArgs, type VmNic } from './nic.js';

export interface Accel {
  readonly accel: 'kvm' | 'tcg';
  readonly reason: string;
}

/** x86's COMMAND_LINE_SIZE: a longer command line is cut by the kernel. */
const MAX_CMDLINE = 2048;
/** TCG's translation cache; qemu's default (1 GiB) would count against the machine's memory limit. */
const TCG_TB_MIB = 64;
/** What qemu itself needs besides the guest's RAM, added to the cgroup's memory limit. */
export const QEMU_OVERHEAD_BYTES = 192 * 1024 * 1024;
export const ROOT_TAG = 'vroot';

export function probeAccel(devKvm = '/dev/kvm'): Accel {
  try {
    accessSync(devKvm, constants.R_OK | constants.W_OK);
    return { accel: 'kvm', reason: `${devKvm} is usable` };
  } catch (error) {
    return { accel: 'tcg', reason: `no KVM (${devKvm}: ${(error as NodeJS.ErrnoException).code ?? 'unusable'})` };
  }
}

export function findQemu(): string {
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    const path = join(dir, 'qemu-system-x86_64');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  throw new WorkerError(WorkerErrorCode.workloadFailed, "qemu-system-x86_64 is missing: run 'apt-get install -y qemu-system-x86' (Debian)");
}

/** A kernel parameter's value: bare when it has no blank, else in double quotes (no quote inside). */
function paramValue(field: string, value: string): string {
  if (value.includes('"') || /[\n\r]/.test(value)) throw new InputError('zmachine', field, 'a VM cannot take a double quote or a newline (kernel command line)');
  return /\s/.test(value) || value === '' ? `"${value}"` : value;
}

/**
 * zos's defaults (pkg/vm/manager.go defaultKernelArgs: console=ttyS0 reboot=k panic=1) with the root
 * from the shared directory and `init=` the entrypoint (prepContainer). Env goes on the command line,
 * which the kernel hands to init as its environment, and the network as `zmachine.ip/gw`: both our
 * extension, where zos writes them into a cloud-init image.
 */
export function kernelCmdline(spec: CompiledSpec, ipCidr: string, gateway: string): string {
  const [init, ...args] = spec.argv;
  const env = Object.entries(spec.env).map(([name, value]) => `${name}=${paramValue(`env.${name}`, value)}`);
  const words = ['console=ttyS0', 'reboot=k', 'panic=1', `root=${ROOT_TAG}`, 'rootfstype=9p', 'quiet', `init=${init}`];
  words.push(`zmachine.ip=${ipCidr}`, `zmachine.gw=${gateway}`, ...env);
  if (args.length > 0) words.push('--', ...args.map((a, i) => paramValue(`entrypoint[${i + 1}]`, a)));
  const line = words.join(' ');
  if (line.length > MAX_CMDLINE) throw new InputError('zmachine', 'env', `the kernel command line would be ${line.length} bytes, over ${MAX_CMDLINE}`);
  return line;
}

export function qemuLaunch(spec: CompiledSpec, nic: VmNic, accel: Accel, qemu = findQemu()): LaunchPlan {
  if (spec.boot.kind !== 'kernel') throw new InputError('zmachine', 'flist', 'qemuLaunch needs a flist with /boot/vmlinuz');
  const net = nicArgs(nic);
  const args = [
    '-machine', 'q35',
    ...(accel.accel === 'kvm' ? ['-enable-kvm', '-cpu', 'host'] : ['-accel', `tcg,tb-size=${TCG_TB_MIB}`]),
    '-m', String(Math.floor(spec.memoryBytes / (1024 * 1024))),
    '-smp', String(spec.cpu),
    '-kernel', spec.boot.kernelPath,
    ...(spec.boot.initrdPath === undefined ? [] : ['-initrd', spec.boot.initrdPath]),
    '-append', kernelCmdline(spec, net.ipCidr, net.gateway),
    '-virtfs', `local,path=${spec.rootDir},mount_tag=${ROOT_TAG},security_model=none,readonly=on`,
    ...net.args,
    '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot',
  ];
  if (net.netns === undefined) return { command: qemu, args, cwd: '/' };
  // The Z-Net seam: the tap lives in the node's namespace, so qemu must start there.
  return { command: 'ip', args: ['netns', 'exec', net.netns, qemu, ...args], cwd: '/' };
}
