// Synthetic flists from a seed: a distribution rootfs (shared base files + an app layer) and a VM image.
// Leaves out realistic directory trees and zero-block dedup inside sparse images; sizes are log-uniform.

import { Rng, deriveSeed } from '../../engine/rng.js';
import { Flist, VM_IMAGE_PATH, makeFile, type FlistFile } from './flist.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** What a systemd distribution touches to boot: kernel-side init, the C library, systemd, a shell. */
const DISTRO_BOOT_FILES: readonly (readonly [string, number])[] = [
  ['/sbin/init', 1_650 * KiB],
  ['/lib/systemd/systemd', 92 * KiB],
  ['/lib/x86_64-linux-gnu/libc.so.6', 2_160 * KiB],
  ['/lib/x86_64-linux-gnu/libsystemd-shared-249.so', 2_930 * KiB],
  ['/bin/bash', 1_400 * KiB],
  ['/etc/passwd', 2 * KiB],
];

export interface DistroFlistOptions {
  /** Distribution name and version, e.g. "ubuntu" and "22.04": they name the shared base content. */
  readonly distro?: string;
  readonly version?: string;
  /** Files of the base layer besides the boot files; the same for every flist of this distro version. */
  readonly baseFileCount?: number;
  /** Files of the app layer, whose content comes from `seed` and is shared with no other seed. */
  readonly appFileCount?: number;
  readonly seed: string | number;
  /** Defaults to https://hub.grid.tf/sim/<distro>-<version>-<seed>.flist. */
  readonly url?: string;
}

/** Log-uniform sizes between 1 KiB and 4 MiB: many small files, a few large ones, as rootfs trees have. */
function sizeFrom(rng: Rng): number {
  const lo = Math.log(KiB);
  const hi = Math.log(4 * MiB);
  return Math.round(Math.exp(lo + rng.next() * (hi - lo)));
}

/** A container rootfs: identical base content across seeds (so caches dedup it), a seed-specific app layer. */
export function distroFlist(options: DistroFlistOptions): Flist {
  const distro = options.distro ?? 'ubuntu';
  const version = options.version ?? '22.04';
  const base = `${distro}-${version}`;
  const files: FlistFile[] = DISTRO_BOOT_FILES.map(([path, size]) => makeFile(path, size, `${base}:${path}`));
  // Base sizes come from the distro's own stream, not the seed: two seeds must see the same base.
  const baseRng = new Rng(deriveSeed(base, 'flist-base'));
  for (let i = 0; i < (options.baseFileCount ?? 200); i++) {
    const path = `/usr/share/${distro}/f${i}`;
    files.push(makeFile(path, sizeFrom(baseRng), `${base}:${path}`));
  }
  const appRng = new Rng(deriveSeed(options.seed, `flist-app:${base}`));
  const appKey = `app:${String(options.seed)}`;
  for (let i = 0; i < (options.appFileCount ?? 20); i++) {
    const path = `/opt/app/f${i}`;
    files.push(makeFile(path, sizeFrom(appRng), `${appKey}:${path}`));
  }
  const url = options.url ?? `https://hub.grid.tf/sim/${base}-${String(options.seed)}.flist`;
  return new Flist(url, files, DISTRO_BOOT_FILES.map(([path]) => path));
}

export interface VmImageFlistOptions {
  readonly name: string;
  readonly imageSizeBytes: number;
  readonly url?: string;
}

/** A full-disk VM image flist: one /image.raw that a boot copies whole onto the zmount. */
export function vmImageFlist(options: VmImageFlistOptions): Flist {
  const url = options.url ?? `https://hub.grid.tf/sim/${options.name}.flist`;
  const image = makeFile(VM_IMAGE_PATH, options.imageSizeBytes, `image:${options.name}`);
  return new Flist(url, [image], [VM_IMAGE_PATH]);
}
