// A real zstor (0-stor v2, DOMAIN.md 1.5 and 3.2) against real 0-db servers: store, retrieve, check
// and a repair sweep, counted into zstor's Prometheus metrics when given some (metrics.ts). Leaves out
// the daemon (timers, hooks, its HTTP server): the caller decides when to sweep and serves the metrics.

import type { QsfsConfig } from '../../../sim/grid/deployment.js';
import { Rng } from '../../../sim/engine/rng.js';
import { InputError } from '../../../sim/errors.js';
import { ZstorError, type ZstorPolicy } from '../../../sim/storage/zstor/types.js';
import { checksum, open, seal } from './codec.js';
import { compileZstorConfig, type CompiledZstorConfig, type HostZstorOptions } from './config.js';
import { encodeShards, reconstructShards } from './erasure.js';
import { HostMetaStore, type ObjectRecord } from './metastore.js';
import { gatherShards, joined, writeShards, type ShardStatus, type ZstorContext } from './object-io.js';
import { HealthCache } from './placement.js';
import { repairSweep, type RepairReport } from './repair.js';
import type { BackendReading, ZstorCommand, ZstorMetrics } from './metrics.js';
import { deleteShard, readNsinfo } from './shards.js';
import { ZdbPool } from './zdb-pool.js';

export type ObjectHealth = 'healthy' | 'degraded' | 'lost';

export interface StoreResult {
  readonly path: string;
  readonly sizeBytes: number;
  readonly checksum: string;
  readonly shardBytes: number;
  /** Backend id (address/namespace) of shard i. */
  readonly backends: readonly string[];
}

export interface CheckReport {
  readonly path: string;
  readonly state: ObjectHealth;
  readonly sizeBytes: number;
  /** sha-256 of the file as stored (zstor's `check` prints its checksum). */
  readonly checksum: string;
  readonly dataShards: number;
  readonly totalShards: number;
  readonly intactShards: number;
  /** Intact shards beyond the k needed: the object's redundancy margin (negative = unreadable). */
  readonly marginShards: number;
  readonly shards: readonly ShardStatus[];
}

export interface HostZstorRunOptions extends HostZstorOptions {
  /** Count commands and read backends into these Prometheus metrics (metrics.ts, zstor's names); serve `metrics.registry` to expose them. */
  readonly metrics?: ZstorMetrics;
}

export class HostZstor {
  // Private: it holds the AES keys, which must not end up in a log or a JSON dump.
  private readonly config: CompiledZstorConfig;
  private readonly ctx: ZstorContext;
  private readonly metrics: ZstorMetrics | undefined;
  private closed = false;

  /** Validates `config` (a qsfs workload's zstor config) at once: errors name the field. */
  constructor(config: QsfsConfig, options: HostZstorRunOptions = {}) {
    this.config = compileZstorConfig(config, options);
    const pool = new ZdbPool(this.config.opTimeoutMs);
    this.ctx = {
      config: this.config,
      pool,
      meta: new HostMetaStore(pool, this.config.meta, this.config.metaKey, this.config.metaPrefix),
      health: new HealthCache(pool, this.config.healthTtlMs),
      rng: new Rng(`zstor-placement:${this.config.seed}`),
      endpoints: new Map(this.config.groups.flat().map((e) => [e.id, e])),
    };
    this.metrics = options.metrics;
    this.metrics?.watchBackends(() => this.backendReadings());
  }

  /** k, k+m and the group rules, as validated. */
  get policy(): ZstorPolicy {
    return this.config.policy;
  }

  /** Compresses, encrypts, erasure codes and writes `bytes`; replaces an earlier file at `path`. */
  store(path: string, bytes: Uint8Array): Promise<StoreResult> {
    return this.measured('store', () => this.storeFile(path, bytes), (r) => r.sizeBytes);
  }

  /** The file, byte-identical, from any k intact shards; ZstorError 'unreadable' with fewer. */
  retrieve(path: string): Promise<Buffer> {
    return this.measured('retrieve', () => this.retrieveFile(path), (b) => b.length);
  }

  /** Reads and verifies every shard: healthy (all n), degraded (k..n-1) or lost (< k). */
  check(path: string): Promise<CheckReport> {
    return this.measured('check', () => this.checkFile(path));
  }

  /**
   * One repair sweep over every object in the metadata (zstor runs one every 10 minutes). Each object
   * it rebuilds counts as a rebuild command, as zstor's repairer sends one per object; a lost object
   * or one it could not repair as a failed one.
   */
  async repair(): Promise<RepairReport> {
    const report = await repairSweep(this.ctx);
    if (this.metrics !== undefined) {
      for (let i = 0; i < report.repairedObjects; i++) this.metrics.commandFinished('rebuild', true);
      for (let i = 0; i < report.lostPaths.length + report.failed.length; i++) this.metrics.commandFinished('rebuild', false);
      this.metrics.sweepDone(report);
    }
    return report;
  }

  private async storeFile(path: string, bytes: Uint8Array): Promise<StoreResult> {
    checkPath(path, 'store');
    const plain = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { dataShards: k, totalShards: n } = this.config.policy;
    // Checked before any shard is written: a store the metadata would refuse costs nothing.
    const previous = await this.ctx.meta.getForWrite(path);
    const sealed = await seal(plain, this.config.dataKey, this.config.compressionLevel);
    const shards = await encodeShards(sealed.cipher, k, n - k);
    const indexes = Array.from({ length: n }, (_, i) => i);
    const written = (await writeShards(this.ctx, path, shards, indexes, new Set())).sort((a, b) => a.index - b.index);
    const record: ObjectRecord = {
      path,
      sizeBytes: plain.length,
      checksum: checksum(plain),
      cipherBytes: sealed.cipher.length,
      compressed: sealed.compressed,
      nonce: sealed.nonce.toString('hex'),
      tag: sealed.tag.toString('hex'),
      dataShards: k,
      totalShards: n,
      shardBytes: shards[0]!.length,
      shards: written,
      storedAtMs: Date.now(),
    };
    try {
      await this.ctx.meta.put(record, previous);
    } catch (error) {
      // Shards nobody can find are garbage: drop what we wrote, keep the old version's.
      await Promise.all(written.map((s) => deleteShard(this.ctx.pool, this.ctx.endpoints.get(s.backend), s)));
      throw error;
    }
    if (previous !== undefined) await Promise.all(previous.shards.map((s) => deleteShard(this.ctx.pool, this.ctx.endpoints.get(s.backend), s)));
    return { path, sizeBytes: plain.length, checksum: record.checksum, shardBytes: record.shardBytes, backends: written.map((s) => s.backend) };
  }

  private async retrieveFile(path: string): Promise<Buffer> {
    checkPath(path, 'retrieve');
    const record = await this.record(path);
    const got = await gatherShards(this.ctx, record, 'enough');
    const k = record.dataShards;
    if (got.intact < k) {
      const faults = got.statuses.filter((s) => !s.ok).map((s) => `shard ${s.index} ${s.fault} (${s.detail})`);
      throw new ZstorError('unreadable', `${path}: ${got.intact} of ${record.totalShards} shards intact, ${k} needed; ${faults.join('; ')}`);
    }
    // With every data shard intact (the usual case) the entries are decrypted as read: no decoding, no copies.
    const data: readonly Buffer[] = got.shards.slice(0, k).every((s) => s !== null)
      ? got.shards.slice(0, k).flatMap((s) => s!)
      : (await reconstructShards(joined(got.shards), k, record.totalShards - k, record.shardBytes, range(k))).slice(0, k);
    const sealed = { cipher: prefixOf(data, record.cipherBytes), nonce: Buffer.from(record.nonce, 'hex'), tag: Buffer.from(record.tag, 'hex') };
    const plain = await open(sealed, record.compressed, this.config.dataKey, path);
    if (plain.length !== record.sizeBytes || checksum(plain) !== record.checksum) throw new ZstorError('unreadable', `${path}: decoded file fails its checksum`);
    return plain;
  }

  private async checkFile(path: string): Promise<CheckReport> {
    checkPath(path, 'check');
    const record = await this.record(path);
    const got = await gatherShards(this.ctx, record, 'all');
    return checkReport(record, got.statuses, got.intact);
  }


  /** Paths of every stored object (reads each record: a sweep's worth of metadata IO). */
  async list(): Promise<string[]> {
    const keys = await this.ctx.meta.keys();
    const records = await Promise.all(keys.map((k) => this.ctx.meta.getByKey(k)));
    return records.flatMap((r) => (r === undefined ? [] : [r.path])).sort();
  }

  /** Forget cached backend health, so the next store probes every backend again. */
  forgetHealth(): void {
    this.ctx.health.forget();
  }

  /** Closes every zdb connection; a later scrape of the metrics shows no backends rather than dial them again. */
  close(): void {
    this.closed = true;
    this.ctx.pool.close();
  }

  /** `run` counted as zstor counts a command: finished, with success or not; with its duration and bytes (ours). */
  private async measured<T>(command: ZstorCommand, run: () => Promise<T>, fileBytes?: (result: T) => number): Promise<T> {
    const metrics = this.metrics;
    if (metrics === undefined) return run();
    const startedMs = performance.now();
    try {
      const result = await run();
      metrics.commandFinished(command, true, (performance.now() - startedMs) / 1000);
      if (fileBytes !== undefined) metrics.fileBytes(command === 'store' ? 'stored' : 'retrieved', fileBytes(result));
      return result;
    } catch (error) {
      metrics.commandFinished(command, false, (performance.now() - startedMs) / 1000);
      throw error;
    }
  }

  /** Every configured backend's NSINFO, data and meta, for the metrics' backend series. */
  private async backendReadings(): Promise<BackendReading[]> {
    if (this.closed) return [];
    const backends = [...this.config.groups.flat().map((endpoint) => ({ endpoint, type: 'data' as const })), ...this.config.meta.map((endpoint) => ({ endpoint, type: 'meta' as const }))];
    return Promise.all(backends.map(async (b) => ({ ...b, nsinfo: await readNsinfo(this.ctx.pool, b.endpoint) })));
  }

  private async record(path: string): Promise<ObjectRecord> {
    const record = await this.ctx.meta.get(path);
    if (record === undefined) throw new ZstorError('unknownObject', `${path} was never stored`);
    return record;
  }
}

export function checkReport(record: ObjectRecord, statuses: readonly ShardStatus[], intact: number): CheckReport {
  const k = record.dataShards;
  const state: ObjectHealth = intact >= record.totalShards ? 'healthy' : intact >= k ? 'degraded' : 'lost';
  return {
    path: record.path,
    state,
    sizeBytes: record.sizeBytes,
    checksum: record.checksum,
    dataShards: k,
    totalShards: record.totalShards,
    intactShards: intact,
    marginShards: intact - k,
    shards: statuses,
  };
}

function checkPath(path: unknown, op: string): void {
  if (typeof path !== 'string' || path === '') throw new InputError(`zstor ${op}`, 'path', 'must be a non-empty string');
}

/** The first `bytes` of the concatenation of `parts` (the rest is shard padding), without copying. */
function prefixOf(parts: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let left = bytes;
  for (const p of parts) {
    if (left <= 0) break;
    out.push(p.length <= left ? p : p.subarray(0, left));
    left -= p.length;
  }
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
