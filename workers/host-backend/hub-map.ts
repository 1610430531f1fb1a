// Real hub URLs on a HostBackend: `https://hub.grid.tf/<user>/<file>` (a document written for the real
// grid) is fetched from this backend's own hub as `<hub>flists/<user>.<file>`, so such documents run
// unchanged once that flist is published locally. Leaves out fetching from the real hub: its flists are
// rfs/0-fs metadata our host mounter does not read.

import { parseHubFlistUrl, type HubFlistUrl } from '../../sim/storage/flist/hub-url.js';

/**
 * The name a real hub URL is published under on the local hub: `<user>.<file>` with every character
 * a hub name may not hold (workers/host/flist/hub.ts isFlistName) as '_'. Examples:
 * tf-official-vms/ubuntu-22.04.flist → tf-official-vms.ubuntu-22.04.flist;
 * tf-official-apps/base:latest.flist → tf-official-apps.base_latest.flist.
 */
export function localFlistName(parsed: HubFlistUrl): string {
  return `${parsed.user}.${parsed.file}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Maps URLs of the aliased hosts onto `hubUrl` (ending in '/'); answers any other URL as given. */
export function hubUrlMapper(hubUrl: string, aliases: readonly string[]): (url: string) => string {
  return (url) => {
    const parsed = aliases.length === 0 ? null : parseHubFlistUrl(url, aliases);
    return parsed === null ? url : `${hubUrl}flists/${localFlistName(parsed)}`;
  };
}
