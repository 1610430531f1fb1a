// Lazy reads of one flist through a block cache: the tree is known from the metadata at once, and a
// file's blocks are fetched (once, then cached) only when that file is read, as rfs's FUSE mount does.
// Leaves out byte-range reads inside a block and FUSE itself: readers get whole files or blocks.

import { FlistPathError } from '../../../sim/storage/flist/flist.js';
import type { HostBlockCache } from './block-cache.js';
import { HubUnreachableError } from './errors.js';
import type { FlistEntry, FlistFileEntry, FlistMeta } from './format.js';

/** Blocks requested ahead of the one being read: 2 MiB in flight per file. */
export const READ_AHEAD_BLOCKS = 4;

export class FlistReader {
  private readonly byPath = new Map<string, FlistEntry>();

  constructor(readonly meta: FlistMeta, readonly cache: HostBlockCache) {
    for (const entry of meta.entries) this.byPath.set(entry.path, entry);
  }

  /** The entry at a relative path (`etc/passwd`), or undefined. */
  entry(path: string): FlistEntry | undefined {
    return this.byPath.get(path);
  }

  /** The file entry at `path`; FlistPathError if there is none. */
  file(path: string): FlistFileEntry {
    const entry = this.byPath.get(path);
    if (entry?.type !== 'file') throw new FlistPathError(this.meta.checksum, path);
    return entry;
  }

  /**
   * A file's blocks in order. Up to `aheadBlocks` of the blocks that follow are requested while the
   * caller handles one, so a large file does not pay one round trip per block.
   */
  async *blocks(path: string, aheadBlocks = READ_AHEAD_BLOCKS): AsyncGenerator<Buffer> {
    const keys = this.file(path).blocks;
    const window: Promise<Buffer>[] = [];
    let next = 0;
    const fill = (): void => {
      while (next < keys.length && window.length <= aheadBlocks) {
        const fetch = this.cache.get(keys[next++]!);
        // Handled here so a failure ahead of the reader is not an unhandled rejection; awaited below.
        fetch.catch(() => undefined);
        window.push(fetch);
      }
    };
    for (fill(); window.length > 0; fill()) {
      try {
        yield await window.shift()!;
      } catch (error) {
        // Name the file as well as the block: that is what a user can look for.
        if (error instanceof HubUnreachableError) throw new HubUnreachableError(error.hub, error.what.replace(/^(block \S+)/, `$1 of ${path}`));
        throw error;
      }
    }
  }

  /** A whole file's bytes; fetches this file's uncached blocks and no others. */
  async readFile(path: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const block of this.blocks(path)) parts.push(block);
    return Buffer.concat(parts);
  }
}
