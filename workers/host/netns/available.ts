// Whether this process can make network namespaces: root (CAP_NET_ADMIN and CAP_SYS_ADMIN for
// `ip netns add`'s mounts) and iproute2's `ip`. Answers the reason when not, for errors and test skips.

import { execFileSync } from 'node:child_process';

export function netnsAvailable(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: `network namespaces need root (uid 0); this process runs as uid ${String(process.getuid?.())}` };
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    return { ok: false, reason: 'network namespaces need iproute2\'s `ip` on PATH (apt-get install iproute2)' };
  }
  return { ok: true };
}
