// Moving one object's shards: place and write a set of shards (retrying placement around backends
// that fail the write), and gather shards back, all or just enough to decode.

import type { Rng } from '../../../sim/engine/rng.js';
import { ZstorError } from '../../../sim/storage/zstor/types.js';
import { checksum } from './codec.js';
import type { CompiledZstorConfig, ZstorEndpoint } from './config.js';
import type { HostMetaStore, ObjectRecord, ShardRecord } from './metastore.js';
import { placeNewShards, type HealthCache } from './placement.js';
import { readShard, writeShard, type ShardFault } from './shards.js';
import type { ZdbPool } from './zdb-pool.js';

/** What the store, retrieve, check and repair paths share. */
export interface ZstorContext {
  readonly config: CompiledZstorConfig;
  readonly pool: ZdbPool;
  readonly meta: HostMetaStore;
  readonly health: HealthCache;
  readonly rng: Rng;
  /** Every data backend of the config by id. */
  readonly endpoints: ReadonlyMap<string, ZstorEndpoint>;
}

export interface ShardStatus {
  readonly index: number;
  readonly backend: string;
  readonly ok: boolean;
  readonly fault?: ShardFault;
  readonly detail?: string;
}

/**
 * Writes `shards[i]` for each i in `indexes` to new backends, next to the `pinned` ones that hold the
 * object's other shards. A backend that fails its write is excluded and placement runs again for
 * what is left, as zstor drops failing backends from an attempt.
 */
export async function writeShards(ctx: ZstorContext, what: string, shards: readonly Buffer[], indexes: readonly number[], pinned: ReadonlySet<string>): Promise<ShardRecord[]> {
  const { config } = ctx;
  const shardBytes = shards[0]!.length;
  const written: ShardRecord[] = [];
  const holding = new Set(pinned);
  const excluded = new Set<string>();
  let pending = [...indexes];
  while (pending.length > 0) {
    // A backend must have room for the shard and stay above zstor's LowSpace mark.
    const targets = await placeNewShards(config.groups, config.policy, ctx.rng, ctx.health, shardBytes + config.lowSpaceBytes, holding, excluded);
    if (targets === null || targets.length !== pending.length) {
      throw new ZstorError('noPlacement', `${what}: no valid spread of ${pending.length} shard(s) over the writable backends (${excluded.size} failed during this store)`);
    }
    const writing = Promise.allSettled(pending.map((index, i) => writeShard(ctx.pool, targets[i]!, shards[index]!, config.entryBytes)));
    // Hashed while the entries are on their way (the writes are queued on the sockets already).
    const sums = pending.map((index) => checksum(shards[index]!));
    const results = await writing;
    const failed: number[] = [];
    results.forEach((r, i) => {
      const index = pending[i]!;
      const backend = targets[i]!;
      if (r.status === 'fulfilled') {
        written.push({ index, backend: backend.id, keys: r.value, checksum: sums[i]! });
        holding.add(backend.id);
      } else {
        failed.push(index);
        excluded.add(backend.id);
        ctx.health.markFailed(backend);
      }
    });
    pending = failed;
  }
  return written;
}

export interface Gathered {
  /** Verified shards by index, as their zdb entries; null where missing, not read, or faulty. */
  readonly shards: (readonly Buffer[] | null)[];
  readonly statuses: ShardStatus[];
  readonly intact: number;
}

/**
 * Reads the object's shards. `enough` reads the data shards first and a parity shard for each that
 * failed, stopping once k are intact (retrieve); `all` reads and verifies every shard (check, repair).
 */
export async function gatherShards(ctx: ZstorContext, record: ObjectRecord, mode: 'enough' | 'all'): Promise<Gathered> {
  const n = record.shards.length;
  const shards: (readonly Buffer[] | null)[] = Array.from({ length: record.totalShards }, () => null);
  const statuses: ShardStatus[] = [];
  const order = [...record.shards].sort((a, b) => a.index - b.index);
  let next = 0;
  let intact = 0;
  while (next < n) {
    const batch = order.slice(next, mode === 'all' ? n : next + Math.max(1, record.dataShards - intact));
    next += batch.length;
    const reads = await Promise.all(batch.map((s) => readShard(ctx.pool, ctx.endpoints.get(s.backend), s, record.shardBytes)));
    reads.forEach((r, i) => {
      const s = batch[i]!;
      if (r.ok) {
        shards[s.index] = r.parts;
        intact++;
        statuses.push({ index: s.index, backend: s.backend, ok: true });
      } else statuses.push({ index: s.index, backend: s.backend, ok: false, fault: r.fault, detail: r.detail });
    });
    if (mode === 'enough' && intact >= record.dataShards) break;
  }
  return { shards, statuses: statuses.sort((a, b) => a.index - b.index), intact };
}

/** The shards joined into one buffer each, as the erasure decoder wants them. */
export function joined(shards: readonly (readonly Buffer[] | null)[]): (Buffer | null)[] {
  return shards.map((parts) => (parts === null ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
}
