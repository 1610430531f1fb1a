// The URL forms of the real ThreeFold hubs: https://<hub>/<user>/<name>.flist (0-fs/g8ufs metadata)
// or .fl (rfs). Leaves out the hub's API routes (/api/flist/...) and docker-convert URLs: nodes never mount those.

/**
 * Hosts that serve flists the way hub.grid.tf does. zos itself mounts any URL and picks the mounter by
 * extension only: `.flist` → g8ufs, `.fl` → rfs, anything else fails with "unknown extension"
 * (threefoldtech/zos pkg/flist/flist.go, mountRO).
 */
export const realHubHosts: readonly string[] = ['hub.grid.tf', 'playground.hub.grid.tf', 'hub.threefold.me'];

export interface HubFlistUrl {
  readonly host: string;
  /** The hub account: `tf-official-apps`, `tf-official-vms`, `someone.3bot`. */
  readonly user: string;
  /** The file name with its extension: `ubuntu-22.04.flist`, `base:latest.flist`. */
  readonly file: string;
  /** The file name without extension: what names the image. */
  readonly image: string;
  readonly format: 'flist' | 'fl';
}

const userPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const filePattern = /^[A-Za-z0-9][A-Za-z0-9._:+-]*\.(flist|fl)$/;

/** The parts of a URL of a real hub's form on one of `hosts`, or null when `url` is not one. */
export function parseHubFlistUrl(url: string, hosts: readonly string[] = realHubHosts): HubFlistUrl | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (!hosts.includes(parsed.hostname) || parsed.search !== '' || parsed.hash !== '') return null;
  const parts = parsed.pathname.split('/').slice(1).map(decodeURIComponent);
  if (parts.length !== 2) return null;
  const [user, file] = parts as [string, string];
  const match = filePattern.exec(file);
  if (!userPattern.test(user) || match === null) return null;
  const format = match[1] as 'flist' | 'fl';
  return { host: parsed.hostname, user, file, image: file.slice(0, -(format.length + 1)), format };
}
