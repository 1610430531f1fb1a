// A node's local flist block cache (zos-cache) on disk: CACHE/blocks/<key>, filled from one hub.
// A block fetched once is read from disk after that; readers of a block in flight share one fetch.
// Leaves out eviction: the cache only grows, as zos-cache does until its volume is resized.

import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { blockKey } from './block-key.js';
import { writeAtomically } from './dir-hub.js';
import { mustBeBlockKey, type FlistHub } from './hub.js';

export interface HostBlockCacheStats {
  /** Blocks served from disk. */
  hits: number;
  /** Blocks fetched from the hub (one hub request each). */
  misses: number;
  /** Reads that joined a fetch already in flight. */
  sharedWaits: number;
  fetchedBytes: number;
  /** Cached copies that failed their hash check and were fetched again. */
  repaired: number;
}

export class HostBlockCache {
  readonly stats: HostBlockCacheStats = { hits: 0, misses: 0, sharedWaits: 0, fetchedBytes: 0, repaired: 0 };
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  /** Keys this cache wrote: a miss on disk for one of these is a race with that write, not a miss. */
  private readonly fetched = new Set<string>();

  constructor(readonly dir: string, readonly hub: FlistHub) {}

  blockPath(key: string): string {
    mustBeBlockKey(key);
    return join(this.dir, 'blocks', key);
  }

  /** The block's bytes: from disk if cached and intact, else from the hub (then cached). */
  async get(key: string): Promise<Buffer> {
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return this.share(pending);
    const cached = await this.readCached(key);
    if (cached !== undefined) {
      this.stats.hits++;
      return cached;
    }
    // A fetch may have started, or finished, while the disk was read: join or reread, never refetch.
    const started = this.inFlight.get(key);
    if (started !== undefined) return this.share(started);
    if (this.fetched.has(key)) {
      // One reread only: if the copy is really gone (a cleared cache), the next pass fetches it.
      this.fetched.delete(key);
      return this.get(key);
    }
    const fetch = this.fetch(key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, fetch);
    return fetch;
  }

  private share(pending: Promise<Buffer>): Promise<Buffer> {
    this.stats.sharedWaits++;
    return pending;
  }

  /** Whether the block is on disk (not checked against its key). */
  async has(key: string): Promise<boolean> {
    try {
      await access(this.blockPath(key));
      return true;
    } catch {
      return false;
    }
  }

  private async fetch(key: string): Promise<Buffer> {
    this.stats.misses++;
    // The hub checks the bytes against the key (BlockCorruptError), so only intact blocks are cached.
    const data = await this.hub.getBlock(key);
    this.stats.fetchedBytes += data.length;
    await mkdir(join(this.dir, 'blocks'), { recursive: true });
    await writeAtomically(this.blockPath(key), data);
    this.fetched.add(key);
    return data;
  }

  /** A damaged cached copy is dropped, so the next read fetches a good one from the hub. */
  private async readCached(key: string): Promise<Buffer | undefined> {
    let data: Buffer;
    try {
      data = await readFile(this.blockPath(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (blockKey(data) === key) return data;
    this.stats.repaired++;
    this.fetched.delete(key);
    await rm(this.blockPath(key), { force: true });
    return undefined;
  }
}
