// A smallest-possible container root built from host binaries and the shared libraries ldd lists,
// for tests and smoke runs of chroot mode when no flist is materialised. Leaves out /etc, /dev and users.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The absolute library paths a dynamically linked binary loads (none for a static one). */
export function sharedLibraries(binaryPath: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [binaryPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return []; // "not a dynamic executable" exits non-zero.
  }
  const paths = out.split('\n').map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1]);
  return paths.filter((p): p is string => p !== undefined);
}

/**
 * Copies each host binary to the same path under `rootDir` (e.g. /bin/sh), with its libraries, and
 * creates /proc, /dev and /tmp so the machine gets its own /proc, /dev/null and a scratch directory.
 */
export function buildMinimalRoot(rootDir: string, binaries: readonly string[] = ['/bin/sh']): void {
  for (const dir of ['proc', 'tmp', 'dev']) mkdirSync(join(rootDir, dir), { recursive: true });
  for (const binary of binaries) {
    copyInto(rootDir, realpathSync(binary), binary);
    for (const lib of sharedLibraries(binary)) copyInto(rootDir, realpathSync(lib), lib);
  }
}

function copyInto(rootDir: string, source: string, pathInRoot: string): void {
  const target = join(rootDir, pathInRoot);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
}
