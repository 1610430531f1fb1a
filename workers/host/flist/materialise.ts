// Materialising an flist: the whole tree written under a target directory, every block read through
// the block cache, so a block already cached costs no hub request and a second root costs none at all.
// Leaves out owners (files belong to whoever runs this) and timestamps.

import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostBlockCache } from './block-cache.js';
import { InputError } from './errors.js';
import type { FlistFileEntry, FlistMeta } from './format.js';
import { forEachLimit } from './limit.js';
import { FlistReader } from './reader.js';

export interface MaterialiseOptions {
  readonly cache: HostBlockCache;
}

export interface MaterialiseResult {
  readonly dirs: number;
  readonly files: number;
  readonly symlinks: number;
  readonly totalBytes: number;
  /** Hub requests this call caused (blocks not yet cached), and their bytes. */
  readonly fetchedBlocks: number;
  readonly fetchedBytes: number;
}

/** Files written at once; each also reads ahead within itself (reader.ts). */
const FILES_IN_FLIGHT = 4;

// Never follow a link and never reuse a name: the tree is written only where we created it.
const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes the flist's tree under `targetDir`, which must be absent or empty. On failure (hub down
 * for an uncached block, a corrupt block) what was written is removed and the error rethrown.
 * Counts come from the cache's statistics, so calls sharing one cache concurrently blur them.
 */
export async function materialise(meta: FlistMeta, targetDir: string, options: MaterialiseOptions): Promise<MaterialiseResult> {
  await mustBeEmptyDir(targetDir);
  const { cache } = options;
  const before = { blocks: cache.stats.misses, bytes: cache.stats.fetchedBytes };
  const reader = new FlistReader(meta, cache);
  const counts = { dirs: 0, files: 0, symlinks: 0, totalBytes: 0 };
  try {
    // Directories first (parents before children, as the metadata lists them), then files a few at
    // a time, so small files do not each wait a round trip in turn; symlinks last.
    for (const entry of meta.entries) {
      if (entry.type !== 'dir') continue;
      // Owner-writable while filling; the real mode is set once the children exist.
      await mkdir(join(targetDir, entry.path), { mode: 0o700 });
      counts.dirs++;
    }
    const files = meta.entries.filter((e): e is FlistFileEntry => e.type === 'file');
    await forEachLimit(files, FILES_IN_FLIGHT, async (file) => {
      await writeFileFromBlocks(reader, file.path, join(targetDir, file.path), file.mode);
      counts.files++;
      counts.totalBytes += file.sizeBytes;
    });
    for (const entry of meta.entries) {
      if (entry.type !== 'symlink') continue;
      await symlink(entry.target, join(targetDir, entry.path));
      counts.symlinks++;
    }
    // Deepest first, so a read-only parent never blocks fixing a child.
    for (const entry of [...meta.entries].reverse()) if (entry.type === 'dir') await chmod(join(targetDir, entry.path), entry.mode);
  } catch (error) {
    await clearDir(targetDir);
    throw error;
  }
  return { ...counts, fetchedBlocks: cache.stats.misses - before.blocks, fetchedBytes: cache.stats.fetchedBytes - before.bytes };
}

async function writeFileFromBlocks(reader: FlistReader, flistPath: string, path: string, mode: number): Promise<void> {
  const handle = await open(path, createFlags, 0o600);
  try {
    for await (const block of reader.blocks(flistPath)) await handle.write(block);
    // fchmod after writing: a read-only mode must not stop us, and umask must not change it.
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

async function mustBeEmptyDir(dir: string): Promise<void> {
  let names: string[];
  try {
    await mkdir(dir, { recursive: true });
    names = await readdir(dir);
  } catch (error) {
    throw new InputError('materialise', 'target', `cannot use ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (names.length > 0) throw new InputError('materialise', 'target', `${dir} is not empty (${names.length} entries)`);
}

/** Empties the target (it was empty before), leaving the directory itself as the caller had it. */
async function clearDir(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) await rm(join(dir, name), { recursive: true, force: true });
}

/**
 * Removes a materialised tree, read-only directories included (rm alone fails on a 0555 parent).
 * Symlinks are removed, never followed.
 */
export async function removeTree(dir: string): Promise<void> {
  const stat = await lstat(dir).catch(() => undefined);
  if (stat === undefined) return;
  if (stat.isDirectory()) {
    await chmod(dir, 0o700);
    for (const name of await readdir(dir)) await removeTree(join(dir, name));
  }
  await rm(dir, { recursive: true, force: true });
}
