// Shard IO on seq-mode zdb namespaces: a shard is written as entries of at most `entryBytes`
// (0-db allocates each key), read back and checked against its checksum. Also the health probe.

import { checksum } from './codec.js';
import type { ZstorEndpoint } from './config.js';
import type { ShardRecord } from './metastore.js';
import { BackendUnavailable, type ZdbPool } from './zdb-pool.js';

/** Why a shard could not be used. */
export type ShardFault = 'unreachable' | 'missing' | 'corrupt' | 'unknownBackend';

/** A shard's bytes as the zdb entries that hold it (joined only when decoding needs it contiguous). */
export type ShardRead = { readonly ok: true; readonly parts: readonly Buffer[] } | { readonly ok: false; readonly fault: ShardFault; readonly detail: string };

/** Writes one shard; returns the keys 0-db gave its entries, in order. */
export async function writeShard(pool: ZdbPool, backend: ZstorEndpoint, shard: Buffer, entryBytes: number): Promise<string[]> {
  const writes: Promise<unknown>[] = [];
  // Issued together: ioredis pipelines them on the one connection, and replies keep request order.
  for (let at = 0; at < shard.length; at += entryBytes) writes.push(pool.call(backend, 'SET', '', shard.subarray(at, at + entryBytes)));
  const keys = await Promise.all(writes);
  return keys.map((k, i) => {
    // A nil reply would mean "identical data, nothing written": impossible with a new key.
    if (!Buffer.isBuffer(k)) throw new BackendUnavailable(backend, `SET of entry ${i} returned no key`);
    return k.toString('hex');
  });
}

/** Reads one shard; anything short of the exact recorded bytes is a fault, never an exception. */
export async function readShard(pool: ZdbPool, backend: ZstorEndpoint | undefined, record: ShardRecord, shardBytes: number): Promise<ShardRead> {
  if (backend === undefined) return { ok: false, fault: 'unknownBackend', detail: `${record.backend} is not in the config` };
  let parts: unknown[];
  try {
    parts = await Promise.all(record.keys.map((k) => pool.call(backend, 'GET', Buffer.from(k, 'hex'))));
  } catch (error) {
    return { ok: false, fault: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
  }
  if (!parts.every((p): p is Buffer => Buffer.isBuffer(p))) return { ok: false, fault: 'missing', detail: `${backend.id}: an entry of shard ${record.index} is gone` };
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  if (length !== shardBytes || checksum(parts) !== record.checksum) {
    return { ok: false, fault: 'corrupt', detail: `${backend.id}: shard ${record.index} fails its checksum` };
  }
  return { ok: true, parts };
}

/** Best effort: a stale shard on a live backend is dropped so it does not hold space forever. */
export async function deleteShard(pool: ZdbPool, backend: ZstorEndpoint | undefined, record: ShardRecord): Promise<void> {
  if (backend === undefined) return;
  await Promise.allSettled(record.keys.map((k) => pool.call(backend, 'DEL', Buffer.from(k, 'hex'))));
}

/** Free bytes a backend reports (namespace limit and disk), or null when it does not answer. */
export async function probeFreeBytes(pool: ZdbPool, backend: ZstorEndpoint): Promise<number | null> {
  const info = await readNsinfo(pool, backend);
  if (info === null) return null;
  const limit = info.get('data_limits_bytes') ?? 0;
  const used = info.get('data_size_bytes') ?? 0;
  const disk = info.get('data_disk_freespace_bytes') ?? Number.POSITIVE_INFINITY;
  return Math.min(disk, limit > 0 ? limit - used : Number.POSITIVE_INFINITY);
}

/** The numeric fields of the backend's NSINFO (`name: digits` lines), or null when it did not answer. */
export async function readNsinfo(pool: ZdbPool, backend: ZstorEndpoint): Promise<Map<string, number> | null> {
  try {
    const text = String(await pool.call(backend, 'NSINFO', backend.namespace));
    return new Map([...text.matchAll(/^(\w+): (\d+)\r?$/gm)].map((m) => [m[1]!, Number(m[2])]));
  } catch {
    return null;
  }
}
