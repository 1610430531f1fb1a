// How zos decides whether a zmachine's flist boots as a container or as a VM, from the files the flist
// holds (zosbase pkg/primitives/vm/utils.go getFlistInfo/IsContainer and vm.go/prepContainer):
// `/image.raw` makes a full VM booted from a disk; otherwise it is a "container", booted with zos's own
// cloud-container kernel, unless the flist brings `/boot/vmlinuz` (+ `/boot/initrd.img`), which then
// replace that kernel, with the entrypoint as the kernel's `init=`. Each path must be a regular file or
// a symlink that stays inside the flist, as zos checks.
// On hosts, "container" runs as a process (workers/host/zmachine), the kernel case under qemu.

import { lstatSync, readlinkSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { InputError } from '../../../sim/errors.js';

export type FlistBoot =
  | { readonly kind: 'container' }
  | { readonly kind: 'kernel'; readonly kernelPath: string; readonly initrdPath: string | undefined }
  | { readonly kind: 'disk'; readonly imagePath: string };

const FILES = { image: '/image.raw', kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img' } as const;

/** The file's path when present and valid, undefined when absent; errors word for word as zos's. */
function flistFile(rootDir: string, rel: string): string | undefined {
  const path = join(rootDir, rel);
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError('zmachine', 'flist', `couldn't stat ${rel}: ${(error as Error).message}`);
  }
  if (stat.isDirectory()) throw new InputError('zmachine', 'flist', `path '${rel}' cannot be a directory`);
  const link = lstatSync(path);
  if (link.isSymbolicLink()) {
    const target = normalize(join(rootDir, readlinkSync(path)));
    if (!target.startsWith(rootDir)) throw new InputError('zmachine', 'flist', `path '${rel}' points to invalid location`);
  } else if (!link.isFile()) {
    throw new InputError('zmachine', 'flist', `path '${rel}' is of invalid type`);
  }
  return path;
}

export function detectFlistBoot(rootDir: string): FlistBoot {
  const image = flistFile(rootDir, FILES.image);
  const kernel = flistFile(rootDir, FILES.kernel);
  const initrd = flistFile(rootDir, FILES.initrd);
  if (image !== undefined) return { kind: 'disk', imagePath: image };
  if (kernel !== undefined) return { kind: 'kernel', kernelPath: kernel, initrdPath: initrd };
  return { kind: 'container' };
}
