// The zstor daemon of one qsfs: store/retrieve of objects as k+m shards, stalled stores, the
// 10-minute repair sweep and metadata 2+2. Leaves out shard bytes (presence only) and ≤2 MiB zdb entry splitting.

import type { SimEvent } from '../../engine/events.js';
import { Interrupt, type Process, type ProcessGenerator } from '../../engine/process.js';
import type { Rng } from '../../engine/rng.js';
import type { Simulation } from '../../engine/simulation.js';
import { InputError } from '../../errors.js';
import type { GridNodeApi } from '../../grid/node-api.js';
import { HealthTracker, settled, ZstorBackend } from './backend.js';
import { MetaStore, metaBackendCount } from './metastore.js';
import { placeShards, survivesLoss, type GroupCandidates } from './placement.js';
import { defaultTimers, isReadableState, ZstorError, type ZstorPolicy, type ZstorTimers } from './types.js';

/** Where a backend namespace lives; `sizeLimitBytes` is the zdb namespace size. */
export interface BackendSpec {
  readonly node: number;
  readonly disk: number;
  readonly sizeLimitBytes: number;
}

export interface ZstorClusterOptions {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;
  readonly rng: Rng;
  readonly policy: ZstorPolicy;
  /** Data backends by group (groups = sets likely to fail together, e.g. one farm). */
  readonly groups: readonly (readonly BackendSpec[])[];
  /** Exactly 4 metadata backends. */
  readonly meta: readonly BackendSpec[];
  readonly timers?: Partial<ZstorTimers>;
}

/** One object's metadata record: which backend holds each shard. */
export interface StoredObject {
  readonly key: string;
  readonly sizeBytes: number;
  readonly shardBytes: number;
  readonly shards: readonly ZstorBackend[];
  readonly storedAtS: number;
  readonly repairedAtS?: number;
}

/** A caller's handle to give up a store (the qsfs frontend died with the daemon on it). */
export interface AbortFlag {
  aborted: boolean;
}

export interface ZstorStats {
  stores: number;
  /** Store attempts that found no valid placement and waited (DOMAIN 5.9, 5.11). */
  stalls: number;
  sweeps: number;
  repairedObjects: number;
  repairedShards: number;
}

export class ZstorCluster {
  readonly sim: Simulation;
  readonly policy: ZstorPolicy;
  readonly timers: ZstorTimers;
  readonly health: HealthTracker;
  readonly meta: MetaStore<StoredObject>;
  readonly groups: ZstorBackend[][];
  readonly stats: ZstorStats = { stores: 0, stalls: 0, sweeps: 0, repairedObjects: 0, repairedShards: 0 };
  /** Objects that had fewer than `minimal_shards` readable shards at a sweep: permanently lost. */
  readonly lost = new Set<string>();
  /** Stores currently waiting for enough healthy backends. */
  stalledStores = 0;
  private readonly grid: GridNodeApi;
  private readonly rng: Rng;
  private nextBackendId = 0;
  private sweeper: Process<void> | null = null;

  constructor(options: ZstorClusterOptions) {
    const { policy } = options;
    if (!(Number.isInteger(policy.dataShards) && policy.dataShards >= 1 && policy.dataShards <= 255)) throw new InputError('zstor', 'minimal_shards', 'must be an integer in 1..255');
    if (!(Number.isInteger(policy.totalShards) && policy.totalShards >= policy.dataShards)) throw new InputError('zstor', 'expected_shards', 'must be an integer ≥ minimal_shards');
    if (!(policy.redundantGroups >= 0 && policy.redundantNodes >= 0)) throw new InputError('zstor', 'redundant_groups', 'must be ≥ 0');
    if (options.meta.length !== metaBackendCount) throw new InputError('zstor', 'meta.config.backends', `must hold exactly 4 backends, got ${options.meta.length}`);
    const total = options.groups.reduce((sum, g) => sum + g.length, 0);
    if (total < policy.totalShards) throw new InputError('zstor', 'groups', `${total} backends < expected_shards ${policy.totalShards}`);
    this.sim = options.sim;
    this.grid = options.grid;
    this.rng = options.rng;
    this.policy = policy;
    this.timers = { ...defaultTimers, ...options.timers };
    this.health = new HealthTracker(this.sim, this.grid, this.timers);
    this.groups = options.groups.map((specs, g) => specs.map((s) => this.makeBackend(s, g)));
    this.meta = new MetaStore(this.sim, options.meta.map((s) => this.makeBackend(s, -1)));
  }

  get backends(): ZstorBackend[] {
    return this.groups.flat();
  }

  /** Starts the repair sweep every `repairSweepS` (10 min). */
  start(): void {
    if (this.sweeper === null) this.sweeper = this.sim.process(this.sweepLoop(), 'zstor:repairer');
  }

  stop(): void {
    if (this.sweeper?.isAlive) this.sweeper.interrupt('stopped');
    this.sweeper = null;
  }

  /** Config hot reload (SIGUSR1): a new backend is used for new writes and repairs. */
  addBackend(group: number, spec: BackendSpec): ZstorBackend {
    while (this.groups.length <= group) this.groups.push([]);
    const backend = this.makeBackend(spec, group);
    this.groups[group]!.push(backend);
    return backend;
  }

  makeBackend(spec: BackendSpec, group: number): ZstorBackend {
    return new ZstorBackend(this.nextBackendId++, spec.node, spec.disk, group, spec.sizeLimitBytes, this.grid);
  }

  /** Stores an object; stalls (retries) while no valid placement exists; fails if metadata is degraded. */
  store(key: string, sizeBytes: number, abort?: AbortFlag): SimEvent<StoredObject> {
    return this.sim.process(this.storeSteps(key, sizeBytes, abort), `zstor:store:${key}`);
  }

  /** Reads an object back: metadata from 2 meta backends, then `minimal_shards` shards. */
  retrieve(key: string): SimEvent<number> {
    return this.sim.process(this.retrieveSteps(key), `zstor:retrieve:${key}`);
  }

  /** Runs one repair sweep now. */
  sweep(): SimEvent<void> {
    return this.sim.process(this.sweepSteps(), 'zstor:sweep');
  }

  record(key: string): StoredObject | undefined {
    return this.meta.peek(key);
  }

  /** The truth: metadata readable and ≥ minimal shards on reachable backends. */
  readable(key: string): boolean {
    const rec = this.meta.peek(key);
    return rec !== undefined && this.meta.readable && this.marginOf(rec) >= 0;
  }

  /** Reachable shards − data shards: the redundancy margin (negative = unreadable). */
  marginOf(rec: StoredObject): number {
    return rec.shards.filter((b) => b.reachable).length - this.policy.dataShards;
  }

  /** All `expected_shards` shards on distinct healthy backends, spread by the placement rules. */
  fullyRedundant(key: string): boolean {
    const rec = this.meta.peek(key);
    if (rec === undefined || rec.shards.length !== this.policy.totalShards) return false;
    if (new Set(rec.shards).size !== rec.shards.length) return false;
    if (!rec.shards.every((b) => b.reachable && this.health.state(b) === 'healthy')) return false;
    return survivesLoss(shardsPerGroup(rec.shards), this.policy);
  }

  private *storeSteps(key: string, sizeBytes: number, abort?: AbortFlag): ProcessGenerator<StoredObject> {
    const shardBytes = Math.ceil(sizeBytes / this.policy.dataShards);
    if (!this.meta.writable) throw new ZstorError('metaDegraded', `${this.meta.reachableCount}/4 metadata backends up`);
    let stalled = false;
    for (;;) {
      if (abort?.aborted) throw new ZstorError('aborted', key);
      const chosen = this.place(shardBytes, []);
      if (chosen === null) {
        if (!stalled) this.stats.stalls++;
        if (!stalled) this.stalledStores++;
        stalled = true;
        yield this.timers.storeRetryS;
        continue;
      }
      if (stalled) this.stalledStores--;
      stalled = false;
      const oks = yield this.sim.allOf(chosen.map((b) => settled(this.sim, b.write(shardBytes))));
      if ((oks.values as boolean[]).every(Boolean)) {
        if (abort?.aborted) throw new ZstorError('aborted', key);
        const rec: StoredObject = { key, sizeBytes, shardBytes, shards: chosen, storedAtS: this.sim.nowS };
        yield* this.meta.put(key, rec);
        this.stats.stores++;
        return rec;
      }
      // A backend failed under the write: the next poll marks it, then placement is retried without it.
      yield this.timers.healthPollS;
    }
  }

  private *retrieveSteps(key: string): ProcessGenerator<number> {
    const rec: StoredObject = yield* this.meta.get(key);
    const k = this.policy.dataShards;
    const candidates = rec.shards.filter((b) => isReadableState(this.health.state(b)) || b.reachable);
    let ok = 0;
    for (let at = 0; ok < k && at < candidates.length; ) {
      const batch = candidates.slice(at, at + (k - ok));
      at += batch.length;
      // A down backend that zstor still thinks readable costs the per-operation timeout.
      const results = yield this.sim.allOf(batch.map((b) => (b.reachable ? settled(this.sim, b.read(rec.shardBytes)) : this.sim.timeout(this.timers.opTimeoutS, false))));
      ok += (results.values as boolean[]).filter(Boolean).length;
    }
    if (ok < k) throw new ZstorError('unreadable', `${key}: ${ok} of ${k} needed shards readable`);
    return rec.sizeBytes;
  }

  private *sweepLoop(): ProcessGenerator<void> {
    let nextS = this.sim.nowS + this.timers.repairSweepS;
    try {
      for (;;) {
        yield nextS - this.sim.nowS;
        yield* this.sweepSteps();
        // A sweep longer than the period delays the next one rather than overlapping it.
        nextS = Math.max(nextS + this.timers.repairSweepS, this.sim.nowS);
      }
    } catch (error) {
      if (!(error instanceof Interrupt)) throw error;
    }
  }

  private *sweepSteps(): ProcessGenerator<void> {
    this.stats.sweeps++;
    if (!this.meta.readable) return;
    const startS = this.sim.nowS;
    for (const key of [...this.meta.keys()]) {
      const rec = this.meta.peek(key)!;
      if (rec.storedAtS > startS || this.lost.has(key)) continue;
      const degraded = rec.shards.length < this.policy.totalShards || rec.shards.some((b) => !isReadableState(this.health.state(b)));
      if (degraded) yield* this.repair(rec);
    }
  }

  /** Rebuilds one object: read k intact shards, write the missing ones, keep intact healthy ones. */
  private *repair(rec: StoredObject): ProcessGenerator<void> {
    const k = this.policy.dataShards;
    const present = rec.shards.filter((b) => b.reachable);
    if (present.length < k) {
      this.lost.add(rec.key);
      return;
    }
    const keep = present.filter((b) => this.health.state(b) === 'healthy');
    const placed = this.place(rec.shardBytes, keep) ?? this.place(rec.shardBytes, []);
    if (placed === null) return; // no spare backends satisfy the rules: try again next sweep
    const fresh = placed.filter((b) => !keep.includes(b));
    const reads = yield this.sim.allOf(present.slice(0, k).map((b) => settled(this.sim, b.read(rec.shardBytes))));
    if (!(reads.values as boolean[]).every(Boolean)) return;
    const writes = yield this.sim.allOf(fresh.map((b) => settled(this.sim, b.write(rec.shardBytes))));
    if (!(writes.values as boolean[]).every(Boolean)) return;
    try {
      yield* this.meta.put(rec.key, { ...rec, shards: placed, repairedAtS: this.sim.nowS });
    } catch (error) {
      if (error instanceof ZstorError) return; // metadata degraded: the next sweep retries
      throw error;
    }
    this.stats.repairedObjects++;
    this.stats.repairedShards += fresh.length;
  }

  private place(shardBytes: number, pinned: readonly ZstorBackend[]): ZstorBackend[] | null {
    const candidates: GroupCandidates<ZstorBackend>[] = this.groups.map((group) => ({
      pinned: group.filter((b) => pinned.includes(b)),
      free: group.filter((b) => !pinned.includes(b) && this.health.writable(b, shardBytes)),
    }));
    return placeShards(candidates, this.policy, this.rng);
  }
}

export function shardsPerGroup(shards: readonly ZstorBackend[]): number[] {
  const counts = new Map<number, number>();
  for (const b of shards) counts.set(b.group, (counts.get(b.group) ?? 0) + 1);
  return [...counts.values()];
}
