// Synthetic images for any URL of a real hub's form, so documents naming official images deploy in
// simulation. Everything is drawn from a hash of the URL: the same URL is the same image in every run.
// Leaves out real sizes: no hub listing is at hand, so sizes come from the seeded log-uniform draws below.

import { Rng, deriveSeed } from '../../engine/rng.js';
import type { Flist } from './flist.js';
import { distroFlist, vmImageFlist } from './generate.js';
import type { HubFlistUrl } from './hub-url.js';

const GiB = 1024 ** 3;

/** How an image boots: a rootfs (container mode, the micro VMs) or a full-disk VM (`/image.raw`). */
export type ImageKind = 'rootfs' | 'full-vm';

/**
 * Official images by `<user>/<file>` and how they boot, from threefoldtech/tf-images README.md
 * (the dashboard's images): the `tf-official-vms` Ubuntu flists without `-full` are micro VMs booted
 * with `zinit init`, `-full` ones are full-disk VMs. Names not listed follow the same `-full` rule.
 */
export const officialImages: ReadonlyMap<string, ImageKind> = new Map<string, ImageKind>([
  ['tf-official-vms/ubuntu-20.04-lts.flist', 'rootfs'],
  ['tf-official-vms/ubuntu-22.04.flist', 'rootfs'],
  ['tf-official-vms/ubuntu-24.04-full.flist', 'full-vm'],
  ['tf-official-apps/base:latest.flist', 'rootfs'],
  ['tf-official-apps/forum.flist', 'rootfs'],
  ['tf-official-apps/grid3_taiga_docker-latest.flist', 'rootfs'],
  ['tf-official-apps/tf-wordpress-latest.flist', 'rootfs'],
  ['tf-official-apps/gitea-mycelium.flist', 'rootfs'],
  ['tf-official-apps/peertube-latest.flist', 'rootfs'],
  ['tf-official-apps/threefolddev-k3s-v1.31.0.flist', 'rootfs'],
]);

export function imageKind(parsed: HubFlistUrl): ImageKind {
  return officialImages.get(`${parsed.user}/${parsed.file}`) ?? (/-full$/.test(parsed.image) ? 'full-vm' : 'rootfs');
}

/** `ubuntu-22.04-lts` → ubuntu, 22.04: images of one distribution version share their base blocks. */
export function distroOf(image: string): { distro: string; version: string } {
  const match = /^([a-z]+)[-_]?(\d+(?:\.\d+)*)/i.exec(image);
  if (match !== null) return { distro: match[1]!.toLowerCase(), version: match[2]! };
  return { distro: image.split(/[:@]/)[0]!.toLowerCase(), version: 'latest' };
}

/** A full-disk image between 1.5 and 3.5 GiB; an app layer of 10 to 60 files on a 200-file base. */
export function syntheticFlist(url: string, parsed: HubFlistUrl): Flist {
  const rng = new Rng(deriveSeed(`hub-url:${url}`, 'flist-shape'));
  if (imageKind(parsed) === 'full-vm') {
    const imageSizeBytes = Math.round((1.5 + 2 * rng.next()) * GiB);
    return vmImageFlist({ name: `${parsed.user}/${parsed.image}`, imageSizeBytes, url });
  }
  const { distro, version } = distroOf(parsed.image);
  const appFileCount = 10 + Math.floor(rng.next() * 51);
  return distroFlist({ distro, version, seed: `hub-url:${url}`, url, appFileCount });
}
