// A node's flist block cache (zos-cache): every zmachine on the node reads through it, a block is fetched
// from the hub on its first read only, and readers of a block in flight share that one fetch.
// Leaves out the cache's SSD I/O time and its size on disk; eviction is LRU only when a capacity is set.

import type { SimEvent } from '../../engine/events.js';
import type { Simulation } from '../../engine/simulation.js';
import { SimulationError } from '../../errors.js';
import type { Flist, FlistBlock } from './flist.js';
import { HubUnreachableError, type Hub } from './hub.js';

export interface BlockCacheOptions {
  /** Bytes of blocks kept; least recently used blocks go first. Default Infinity (never evicts). */
  readonly capacityBytes?: number;
  /** Links between the hub and this node (its NIC's receive link, say), crossed by every fetch. */
  readonly path?: readonly number[];
  readonly name?: string;
}

export interface ReadResult {
  /** Distinct blocks of the read already cached. */
  readonly hitBlocks: number;
  /** Blocks this read fetched itself. */
  readonly fetchedBlocks: number;
  /** Blocks another reader was already fetching, which this read waited for. */
  readonly sharedBlocks: number;
  readonly fetchedBytes: number;
}

export interface BlockCacheStats {
  hits: number;
  misses: number;
  sharedWaits: number;
  fetchedBytes: number;
  /** Hub transfers started for blocks (one per read that missed, however many blocks it missed). */
  blockFetches: number;
  metadataFetches: number;
  evictions: number;
}

export class BlockCache {
  readonly name: string;
  readonly capacityBytes: number;
  readonly stats: BlockCacheStats = { hits: 0, misses: 0, sharedWaits: 0, fetchedBytes: 0, blockFetches: 0, metadataFetches: 0, evictions: 0 };
  /** Map order is recency order: a hit moves its block to the end, eviction takes from the front. */
  private readonly blocks = new Map<string, number>();
  private readonly inFlight = new Map<string, SimEvent<void>>();
  private readonly metadata = new Set<string>();
  private readonly metadataInFlight = new Map<string, SimEvent<void>>();
  private usedBytesNow = 0;

  constructor(private readonly sim: Simulation, readonly hub: Hub, private readonly options: BlockCacheOptions = {}) {
    this.name = options.name ?? 'block-cache';
    this.capacityBytes = options.capacityBytes ?? Infinity;
    if (!(this.capacityBytes > 0)) throw new SimulationError(`${this.name}: capacity must be > 0`);
  }

  get usedBytes(): number {
    return this.usedBytesNow;
  }

  has(hash: string): boolean {
    return this.blocks.has(hash);
  }

  /**
   * Mounts an flist: the hub must answer (zos checks the flist against the hub on every mount, so a
   * down hub fails a mount even when the metadata is on the node); the metadata is fetched once per node.
   */
  mount(url: string): SimEvent<Flist> {
    const done = this.sim.event<Flist>();
    if (!this.hub.isUp) return done.fail(new HubUnreachableError(this.hub.name, `flist ${url}`));
    let flist: Flist;
    try {
      flist = this.hub.lookup(url);
    } catch (error) {
      return done.fail(error);
    }
    if (this.metadata.has(url)) return done.succeed(flist);
    let fetch = this.metadataInFlight.get(url);
    if (fetch === undefined) {
      const event = this.sim.event<void>();
      fetch = event;
      this.metadataInFlight.set(url, event);
      this.stats.metadataFetches++;
      this.hub.transfer(flist.metadataBytes, this.options.path).onProcessed((flow) => {
        this.metadataInFlight.delete(url);
        if (flow.ok) {
          this.metadata.add(url);
          event.succeed();
        } else {
          flow.defused = true;
          event.fail(new HubUnreachableError(this.hub.name, `flist ${url}`));
        }
      });
    }
    fetch.onProcessed((ev) => {
      if (ev.ok) done.succeed(flist);
      else {
        ev.defused = true;
        done.fail(ev.error);
      }
    });
    return done;
  }

  /** Reads a byte range of one file of a mounted flist, fetching the blocks not yet cached. */
  read(flist: Flist, path: string, offsetBytes = 0, sizeBytes = Infinity): SimEvent<ReadResult> {
    return this.readBlocks(flist.blocksOf(path, offsetBytes, sizeBytes));
  }

  /**
   * Reads blocks: hits cost nothing, blocks in flight are waited for, and all the remaining misses go
   * in one hub transfer. Fails with HubUnreachableError if any needed block cannot be fetched.
   */
  readBlocks(blocks: readonly FlistBlock[]): SimEvent<ReadResult> {
    const done = this.sim.event<ReadResult>();
    const waits: SimEvent<void>[] = [];
    const missing: FlistBlock[] = [];
    const seen = new Set<string>();
    let hitBlocks = 0;
    for (const block of blocks) {
      if (seen.has(block.hash)) continue;
      seen.add(block.hash);
      const size = this.blocks.get(block.hash);
      if (size !== undefined) {
        this.blocks.delete(block.hash);
        this.blocks.set(block.hash, size);
        hitBlocks++;
        continue;
      }
      const pending = this.inFlight.get(block.hash);
      if (pending !== undefined) waits.push(pending);
      else missing.push(block);
    }
    if (missing.length > 0 && !this.hub.isUp) {
      return done.fail(new HubUnreachableError(this.hub.name, `${missing.length} uncached blocks`));
    }
    this.stats.hits += hitBlocks;
    this.stats.sharedWaits += waits.length;
    this.stats.misses += missing.length;
    let fetchedBytes = 0;
    if (missing.length > 0) {
      for (const block of missing) fetchedBytes += block.sizeBytes;
      waits.push(this.fetch(missing, fetchedBytes));
    }
    const result: ReadResult = { hitBlocks, fetchedBlocks: missing.length, sharedBlocks: waits.length - (missing.length > 0 ? 1 : 0), fetchedBytes };
    if (waits.length === 0) return done.succeed(result);
    this.sim.allOf(waits).onProcessed((all) => {
      if (all.ok) done.succeed(result);
      else {
        all.defused = true;
        done.fail(all.error);
      }
    });
    return done;
  }

  /** One transfer for a batch of blocks; each block is marked in flight so other readers join it. */
  private fetch(missing: readonly FlistBlock[], sizeBytes: number): SimEvent<void> {
    const batch = this.sim.event<void>();
    for (const block of missing) this.inFlight.set(block.hash, batch);
    this.stats.blockFetches++;
    this.hub.transfer(sizeBytes, this.options.path).onProcessed((flow) => {
      for (const block of missing) this.inFlight.delete(block.hash);
      if (flow.ok) {
        this.stats.fetchedBytes += sizeBytes;
        for (const block of missing) this.insert(block);
        batch.succeed();
      } else {
        flow.defused = true;
        batch.fail(new HubUnreachableError(this.hub.name, `${missing.length} blocks`));
      }
    });
    // A batch whose readers all went away must not stop the run when the hub fails under it.
    batch.onProcessed((ev) => (ev.defused = true));
    return batch;
  }

  private insert(block: FlistBlock): void {
    if (this.blocks.has(block.hash)) return;
    this.blocks.set(block.hash, block.sizeBytes);
    this.usedBytesNow += block.sizeBytes;
    // A batch larger than the capacity evicts its own oldest blocks: its readers already have the data.
    for (const [hash, size] of this.blocks) {
      if (this.usedBytesNow <= this.capacityBytes) break;
      this.blocks.delete(hash);
      this.usedBytesNow -= size;
      this.stats.evictions++;
    }
  }
}
