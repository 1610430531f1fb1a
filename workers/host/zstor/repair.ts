// zstor's repair sweep (DOMAIN.md 3.2): every object with a shard that cannot be read is rebuilt
// from k intact shards and the missing ones written to healthy backends, keeping the intact ones.

import { metaBackendCount } from '../../../sim/storage/zstor/metastore.js';
import { ZstorError } from '../../../sim/storage/zstor/types.js';
import { reconstructShards } from './erasure.js';
import type { ObjectRecord } from './metastore.js';
import { gatherShards, joined, writeShards, type ZstorContext } from './object-io.js';
import { deleteShard } from './shards.js';

export interface RepairReport {
  readonly objects: number;
  readonly healthyObjects: number;
  readonly repairedObjects: number;
  readonly repairedShards: number;
  /** Fewer than k intact shards: unrecoverable. */
  readonly lostPaths: readonly string[];
  /** Recoverable but not repaired this sweep (no placement, metadata not writable): the next sweep retries. */
  readonly failed: readonly { readonly path: string; readonly reason: string }[];
  /** Smallest redundancy margin (intact − k) seen before repair; null with no objects. */
  readonly worstMarginShards: number | null;
  /** Metadata records rewritten because one of their 4 pieces was missing or corrupt. */
  readonly metaRecordsRebuilt: number;
  /** Distinct backends that records name but the config does not (zstor's fabric_unconfigured_backends). */
  readonly unconfiguredBackends: number;
}

export async function repairSweep(ctx: ZstorContext): Promise<RepairReport> {
  // A sweep probes every backend afresh rather than trust what an earlier store saw.
  ctx.health.forget();
  const keys = await ctx.meta.keys();
  let healthyObjects = 0;
  let repairedObjects = 0;
  let repairedShards = 0;
  let worst: number | null = null;
  let metaRecordsRebuilt = 0;
  const lostPaths: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  const unconfigured = new Set<string>();
  // One object at a time: a sweep must not starve the stores running beside it.
  for (const key of keys) {
    let found: { record: ObjectRecord; intactPieces: number } | undefined;
    try {
      found = await ctx.meta.read(key);
    } catch (error) {
      failed.push({ path: key, reason: message(error) });
      continue;
    }
    if (found === undefined) continue;
    const { record } = found;
    for (const shard of record.shards) if (!ctx.endpoints.has(shard.backend)) unconfigured.add(shard.backend);
    try {
      const outcome = await repairObject(ctx, record);
      worst = worst === null ? outcome.marginShards : Math.min(worst, outcome.marginShards);
      if (outcome.kind === 'healthy') healthyObjects++;
      else if (outcome.kind === 'lost') lostPaths.push(record.path);
      else if (outcome.kind === 'repaired') {
        repairedObjects++;
        repairedShards += outcome.shards;
      }
      // A repaired object's record was just written whole; another with a missing or rotten piece
      // (a metadata backend lost or replaced its data) is written whole again: zstor's meta rebuild.
      if (outcome.kind !== 'repaired' && found.intactPieces < metaBackendCount) {
        await ctx.meta.put(record, record);
        metaRecordsRebuilt++;
      }
    } catch (error) {
      if (!(error instanceof ZstorError)) throw error;
      failed.push({ path: record.path, reason: error.message });
    }
  }
  return { objects: healthyObjects + repairedObjects + lostPaths.length + failed.length, healthyObjects, repairedObjects, repairedShards, lostPaths, failed, worstMarginShards: worst, metaRecordsRebuilt, unconfiguredBackends: unconfigured.size };
}

type Outcome = { kind: 'healthy' | 'lost'; marginShards: number } | { kind: 'repaired'; marginShards: number; shards: number };

async function repairObject(ctx: ZstorContext, record: ObjectRecord): Promise<Outcome> {
  const k = record.dataShards;
  const n = record.totalShards;
  const got = await gatherShards(ctx, record, 'all');
  const marginShards = got.intact - k;
  if (got.intact === n) return { kind: 'healthy', marginShards };
  if (got.intact < k) return { kind: 'lost', marginShards };
  const missing = got.statuses.filter((s) => !s.ok).map((s) => s.index);
  const rebuilt = await reconstructShards(joined(got.shards), k, n - k, record.shardBytes, missing);
  const intact = record.shards.filter((s) => got.shards[s.index] !== null);
  const fresh = await writeShards(ctx, record.path, rebuilt, missing, new Set(intact.map((s) => s.backend)));
  const repaired: ObjectRecord = { ...record, shards: [...intact, ...fresh].sort((a, b) => a.index - b.index), repairedAtMs: Date.now() };
  try {
    await ctx.meta.put(repaired, record);
  } catch (error) {
    // The record still names the old shards: the new ones would be orphans.
    await Promise.all(fresh.map((s) => deleteShard(ctx.pool, ctx.endpoints.get(s.backend), s)));
    throw error;
  }
  // Corrupt shards on live backends would hold space forever; dead backends are simply skipped.
  const stale = record.shards.filter((s) => got.shards[s.index] === null);
  await Promise.all(stale.map((s) => deleteShard(ctx.pool, ctx.endpoints.get(s.backend), s)));
  return { kind: 'repaired', marginShards, shards: fresh.length };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
