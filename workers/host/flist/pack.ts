// Packing a directory tree into an flist: walk it, cut every file into 512 KiB blocks, upload the
// blocks the hub lacks, and describe the tree in a metadata file (format.ts).
// Leaves out hard links (each path is packed as its own file), owners and timestamps; sockets,
// FIFOs and device nodes are skipped and reported.

import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BLOCK_SIZE_BYTES, blockKey } from './block-key.js';
import { DirHub, writeAtomically } from './dir-hub.js';
import { InputError } from './errors.js';
import { buildFlist, serializeFlist, type FlistEntry, type FlistMeta } from './format.js';
import { isFlistName, type FlistHub } from './hub.js';
import { TaskWindow } from './limit.js';

/** Four uploads hide most of a round trip on loopback and LAN without holding much memory. */
const UPLOADS_IN_FLIGHT = 4;

export interface PackResult {
  readonly meta: FlistMeta;
  readonly files: number;
  readonly totalBytes: number;
  /** Distinct blocks of the tree, and how many of them the hub did not have yet. */
  readonly blocks: number;
  readonly uploadedBlocks: number;
  readonly uploadedBytes: number;
  /** Paths of sockets, FIFOs and devices, which an flist cannot hold. */
  readonly skipped: readonly string[];
}

export interface PackOptions {
  /** Paths not to pack (the metadata file and a directory hub when they sit inside the tree). */
  readonly exclude?: readonly string[];
}

interface PackState {
  readonly hub: FlistHub;
  readonly exclude: ReadonlySet<string>;
  readonly entries: FlistEntry[];
  readonly skipped: string[];
  /** Keys already on the hub or on their way: each distinct block is asked about once. */
  readonly onHub: Set<string>;
  /** Uploads in flight: hashing and reading go on while earlier blocks cross the network. */
  readonly uploads: TaskWindow;
  uploadedBlocks: number;
  uploadedBytes: number;
  totalBytes: number;
}

/** Packs `sourceDir` (its contents; the root itself is not an entry) and uploads its blocks to `hub`. */
export async function packDir(sourceDir: string, hub: FlistHub, options: PackOptions = {}): Promise<PackResult> {
  const root = await lstat(sourceDir).catch(() => undefined);
  if (root === undefined || !root.isDirectory()) throw new InputError('flist pack', 'DIR', `${sourceDir} is not a directory`);
  const state: PackState = { hub, exclude: new Set((options.exclude ?? []).map((p) => resolve(p))), entries: [], skipped: [], onHub: new Set(), uploads: new TaskWindow(UPLOADS_IN_FLIGHT), uploadedBlocks: 0, uploadedBytes: 0, totalBytes: 0 };
  try {
    await walk(sourceDir, '', state);
  } finally {
    // On failure too: no upload may still be running when the caller sees the error.
    await state.uploads.drain();
  }
  const meta = buildFlist(state.entries);
  return {
    meta,
    files: state.entries.filter((e) => e.type === 'file').length,
    totalBytes: state.totalBytes,
    blocks: state.onHub.size,
    uploadedBlocks: state.uploadedBlocks,
    uploadedBytes: state.uploadedBytes,
    skipped: state.skipped,
  };
}

/**
 * Packs, writes the metadata file to `outPath`, and publishes it on the hub under the file's
 * base name (so a node can fetch it by URL: <hub>/flists/<name>). Returns that name.
 */
export async function packToFile(sourceDir: string, outPath: string, hub: FlistHub): Promise<PackResult & { readonly flistName: string }> {
  const flistName = basename(outPath);
  if (!isFlistName(flistName)) throw new InputError('flist pack', 'OUT', `file name ${JSON.stringify(flistName)} must be letters, digits, '.', '_' or '-' (it names the flist on the hub)`);
  const exclude = [outPath, ...(hub instanceof DirHub ? [hub.dir] : [])];
  const result = await packDir(sourceDir, hub, { exclude });
  const text = serializeFlist(result.meta);
  await writeAtomically(outPath, text);
  await hub.putFlist(flistName, Buffer.from(text));
  return { ...result, flistName };
}

/** Depth first, names in byte order, so the same tree always packs to the same metadata. */
async function walk(dir: string, prefix: string, state: PackState): Promise<void> {
  const names = (await readable(dir, () => readdir(dir))).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const full = join(dir, name);
    if (state.exclude.has(resolve(full))) continue;
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const stat = await readable(full, () => lstat(full));
    const mode = stat.mode & 0o7777;
    if (stat.isDirectory()) {
      state.entries.push({ path, type: 'dir', mode });
      await walk(full, path, state);
    } else if (stat.isSymbolicLink()) {
      state.entries.push({ path, type: 'symlink', mode, target: await readlink(full) });
    } else if (stat.isFile()) {
      const { sizeBytes, blocks } = await packFile(full, state);
      state.entries.push({ path, type: 'file', mode, sizeBytes, blocks });
    } else {
      state.skipped.push(path);
    }
  }
}

/** Runs a file system call; a path we may not read is the user's to fix, named plainly. */
async function readable<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT') throw new InputError('flist pack', 'DIR', `cannot read ${path} (${code})`);
    throw error;
  }
}

/** Reads a file block by block; its size is what was read, so a file growing meanwhile stays consistent. */
async function packFile(full: string, state: PackState): Promise<{ sizeBytes: number; blocks: string[] }> {
  const handle = await readable(full, () => open(full, 'r'));
  const blocks: string[] = [];
  let sizeBytes = 0;
  try {
    for (;;) {
      const block = await readBlock(handle);
      if (block.length === 0) break;
      sizeBytes += block.length;
      blocks.push(await upload(block, state));
      if (block.length < BLOCK_SIZE_BYTES) break;
    }
  } finally {
    await handle.close();
  }
  state.totalBytes += sizeBytes;
  return { sizeBytes, blocks };
}

/** Up to one full block: read() may return less than asked, so it loops until full or end of file. */
async function readBlock(handle: Awaited<ReturnType<typeof open>>): Promise<Buffer> {
  const buffer = Buffer.alloc(BLOCK_SIZE_BYTES);
  let filled = 0;
  while (filled < BLOCK_SIZE_BYTES) {
    const { bytesRead } = await handle.read(buffer, filled, BLOCK_SIZE_BYTES - filled, null);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Hashes now, uploads in the background (unless the hub has it); returns the key at once. */
async function upload(block: Buffer, state: PackState): Promise<string> {
  const key = blockKey(block);
  if (state.onHub.has(key)) return key;
  state.onHub.add(key);
  await state.uploads.add(async () => {
    if (await state.hub.hasBlock(key)) return;
    await state.hub.putBlock(key, block);
    state.uploadedBlocks++;
    state.uploadedBytes += block.length;
  });
  return key;
}
