// A source tree with every case an flist must carry (nested and read-only dirs, empty, multi-block
// and duplicate files, symlinks, modes), and a snapshot that two trees must share to be identical.

import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from '../../workers/host/flist/materialise.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `zos-testbed-${label}-`));
}

/** Removes a temp dir even when the test left read-only directories in it. */
export async function removeDir(dir: string): Promise<void> {
  await removeTree(dir);
}

/** Deterministic bytes: a blake2b chain from `seed`, so reruns pack to the same blocks. */
export function bytes(seed: string, sizeBytes: number): Buffer {
  const out = Buffer.alloc(sizeBytes);
  let state = Buffer.from(seed);
  for (let at = 0; at < sizeBytes; at += 64) {
    state = createHash('blake2b512').update(state).digest();
    state.copy(out, at, 0, Math.min(64, sizeBytes - at));
  }
  return out;
}

/** Paths of the tree's files, with their distinct block counts (512 KiB blocks). */
export const BIG_FILE = 'usr/lib/big.bin';
export const BIG_FILE_BYTES = 1 * MiB + 300 * KiB;

/** Builds the tree under `dir` (which must exist): 3 blocks in big.bin, one shared by copy.bin. */
export function makeTree(dir: string): void {
  mkdirSync(join(dir, 'etc'));
  mkdirSync(join(dir, 'usr/lib/deep/er'), { recursive: true });
  mkdirSync(join(dir, 'ro-dir'));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(dir, 'etc/empty'), '');
  writeFileSync(join(dir, BIG_FILE), bytes('big', BIG_FILE_BYTES));
  // The same first 512 KiB as big.bin: the hub must hold that block once.
  writeFileSync(join(dir, 'usr/lib/copy.bin'), bytes('big', 512 * KiB));
  writeFileSync(join(dir, 'usr/lib/deep/er/script.sh'), '#!/bin/sh\necho hi\n');
  writeFileSync(join(dir, 'ro-dir/readonly.txt'), 'do not touch\n');
  writeFileSync(join(dir, 'secret'), 'mode 600\n');
  symlinkSync('../usr/lib/big.bin', join(dir, 'etc/big-link'));
  symlinkSync('/nonexistent/absolute', join(dir, 'dangling'));
  chmodSync(join(dir, 'usr/lib/deep/er/script.sh'), 0o755);
  chmodSync(join(dir, 'ro-dir/readonly.txt'), 0o444);
  chmodSync(join(dir, 'secret'), 0o600);
  chmodSync(join(dir, 'etc'), 0o750);
  chmodSync(join(dir, 'ro-dir'), 0o555);
}

export interface SnapshotEntry {
  readonly path: string;
  readonly type: 'dir' | 'file' | 'symlink';
  readonly mode: number;
  /** sha256 of a file's bytes, a symlink's target. */
  readonly content?: string;
  readonly sizeBytes?: number;
}

/** Everything an identical tree must match, in path order. */
export function snapshot(dir: string, prefix = ''): SnapshotEntry[] {
  const out: SnapshotEntry[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const full = join(dir, path);
    const s = lstatSync(full);
    const mode = s.mode & 0o7777;
    if (s.isDirectory()) {
      out.push({ path, type: 'dir', mode });
      out.push(...snapshot(dir, path));
    } else if (s.isSymbolicLink()) out.push({ path, type: 'symlink', mode, content: readlinkSync(full) });
    else out.push({ path, type: 'file', mode, sizeBytes: s.size, content: createHash('sha256').update(readFileSync(full)).digest('hex') });
  }
  return out;
}
