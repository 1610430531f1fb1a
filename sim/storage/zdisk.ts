// ZDisk — our addition, the real grid has none: a virtual block disk attached to a zmachine like a zmount,
// whose stripes are k+m erasure-coded over 0-db namespaces on other nodes. Leaves out read-modify-write of partial stripes.

import type { SimEvent } from '../engine/events.js';
import type { ProcessGenerator } from '../engine/process.js';
import type { Simulation } from '../engine/simulation.js';
import { InputError, SimulationError } from '../errors.js';
import type { GridNodeApi } from '../grid/node-api.js';
import { settled, ZstorBackend } from './zstor/backend.js';
import type { BackendSpec } from './zstor/cluster.js';
import { MiB, ZstorError } from './zstor/types.js';

export interface ZdiskOptions {
  readonly sim: Simulation;
  readonly grid: GridNodeApi;
  /** The node of the zmachine the disk is attached to; no column may live there. */
  readonly hostNode: number;
  readonly sizeBytes: number;
  readonly dataShards: number;
  readonly parityShards: number;
  /** One backend per column (k + m), each on a distinct node. */
  readonly backends: readonly BackendSpec[];
  /** Namespaces reserved for replacing lost columns. */
  readonly spares?: readonly BackendSpec[];
  readonly stripeBytes?: number;
  /** A column down this long is given up and replaced by a spare; shorter outages are resynced. */
  readonly replaceAfterS?: number;
  /**
   * Health probe period while the disk holds data (one event per zdisk, not per backend). Power
   * events and failed IOs wake the rebuilder at once; the probe catches silent disk deaths.
   */
  readonly probeS?: number;
}

export interface ZdiskStats {
  reads: number;
  writes: number;
  degradedWrites: number;
  rebuiltShards: number;
  replacedColumns: number;
}

export class Zdisk {
  readonly sizeBytes: number;
  readonly stripeBytes: number;
  readonly shardBytes: number;
  readonly k: number;
  readonly n: number;
  readonly replaceAfterS: number;
  readonly probeS: number;
  readonly columns: ZstorBackend[];
  readonly stats: ZdiskStats = { reads: 0, writes: 0, degradedWrites: 0, rebuiltShards: 0, replacedColumns: 0 };
  private readonly spares: ZstorBackend[];
  private readonly sim: Simulation;
  /** Per column: stripes whose shard there is missing or out of date. */
  private readonly stale: Set<number>[];
  private readonly downSinceS: (number | null)[];
  /** Stripes ever written; unwritten ones read as zeros without IO. */
  private readonly written = new Set<number>();
  private wake: SimEvent<void> | null = null;
  private stopped = false;
  private nextId = 1_000_000;

  constructor(options: ZdiskOptions) {
    const { sim, grid } = options;
    this.sim = sim;
    this.k = options.dataShards;
    this.n = options.dataShards + options.parityShards;
    if (!(Number.isInteger(this.k) && this.k >= 1 && Number.isInteger(options.parityShards) && options.parityShards >= 0)) throw new InputError('zdisk', 'dataShards', 'need k ≥ 1 and m ≥ 0 integers');
    if (options.backends.length !== this.n) throw new InputError('zdisk', 'backends', `need ${this.n} backends (k + m), got ${options.backends.length}`);
    const nodes = options.backends.map((b) => b.node);
    if (new Set(nodes).size !== nodes.length) throw new InputError('zdisk', 'backends', 'each column needs its own node');
    if (nodes.includes(options.hostNode) || (options.spares ?? []).some((s) => s.node === options.hostNode)) throw new InputError('zdisk', 'backends', 'backends must be on nodes other than the zmachine\'s');
    this.sizeBytes = options.sizeBytes;
    this.stripeBytes = options.stripeBytes ?? 4 * MiB;
    this.shardBytes = Math.ceil(this.stripeBytes / this.k);
    this.replaceAfterS = options.replaceAfterS ?? 60;
    this.probeS = options.probeS ?? 30;
    const make = (s: BackendSpec): ZstorBackend => new ZstorBackend(this.nextId++, s.node, s.disk, -1, s.sizeLimitBytes, grid);
    this.columns = options.backends.map(make);
    this.spares = (options.spares ?? []).map(make);
    this.stale = this.columns.map(() => new Set<number>());
    this.downSinceS = this.columns.map(() => null);
    // Only the nodes of its backends: a column is only ever replaced by a spare.
    const onBackendPower = (node: number): void => {
      if (!this.stopped && this.columns.some((c) => c.node === node)) this.kick();
    };
    for (const node of new Set([...this.columns, ...this.spares].map((b) => b.node))) grid.onPower(onBackendPower, node);
    sim.process(this.rebuilder(), 'zdisk:rebuilder');
  }

  /** Every written stripe has all n shards current on reachable columns. */
  get fullyRedundant(): boolean {
    return this.written.size === 0 || this.columns.every((c, i) => c.reachable && this.stale[i]!.size === 0);
  }

  /** (stripe, column) pairs still to rebuild. */
  get staleShards(): number {
    return this.stale.reduce((sum, s) => sum + s.size, 0);
  }

  /** Succeeds with the latency in seconds; fails with ZstorError('unreadable') if a stripe has < k shards. */
  read(offsetBytes: number, sizeBytes: number): SimEvent<number> {
    return this.sim.process(this.io('read', offsetBytes, sizeBytes), 'zdisk:read');
  }

  write(offsetBytes: number, sizeBytes: number): SimEvent<number> {
    return this.sim.process(this.io('write', offsetBytes, sizeBytes), 'zdisk:write');
  }

  /** Wakes the rebuilder: a column was seen failing or a node changed power state. */
  /**
   * Ends the background work of a removed disk: it must not go on probing its backends, nor rebuild
   * onto namespaces that now belong to others. A shard rebuild under way finishes first.
   */
  stop(): void {
    this.stopped = true;
    this.kick();
  }

  kick(): void {
    const wake = this.wake;
    this.wake = null;
    if (wake !== null && !wake.triggered) wake.succeed();
  }

  private *io(kind: 'read' | 'write', offsetBytes: number, sizeBytes: number): ProcessGenerator<number> {
    if (!(Number.isSafeInteger(offsetBytes) && Number.isSafeInteger(sizeBytes) && offsetBytes >= 0 && sizeBytes > 0 && offsetBytes + sizeBytes <= this.sizeBytes)) {
      throw new InputError('zdisk', kind, `${sizeBytes} bytes at ${offsetBytes} outside [0, ${this.sizeBytes})`);
    }
    const startS = this.sim.nowS;
    const first = Math.floor(offsetBytes / this.stripeBytes);
    const last = Math.floor((offsetBytes + sizeBytes - 1) / this.stripeBytes);
    const parts: SimEvent<boolean>[] = [];
    for (let s = first; s <= last; s++) parts.push(settled(this.sim, this.sim.process(kind === 'read' ? this.readStripe(s) : this.writeStripe(s))));
    const oks = yield this.sim.allOf(parts);
    if (!(oks.values as boolean[]).every(Boolean)) throw new ZstorError('unreadable', `zdisk ${kind} at ${offsetBytes}: a stripe had fewer than ${this.k} shards`);
    if (kind === 'read') this.stats.reads++;
    else this.stats.writes++;
    return this.sim.nowS - startS;
  }

  private good(stripe: number): number[] {
    const cols: number[] = [];
    for (let c = 0; c < this.n; c++) if (this.columns[c]!.reachable && !this.stale[c]!.has(stripe)) cols.push(c);
    return cols;
  }

  private *readStripe(stripe: number): ProcessGenerator<void> {
    if (!this.written.has(stripe)) return;
    const tried = new Set<number>();
    let ok = 0;
    while (ok < this.k) {
      const batch = this.good(stripe).filter((c) => !tried.has(c)).slice(0, this.k - ok);
      if (batch.length < this.k - ok) throw new ZstorError('unreadable', `stripe ${stripe}`);
      batch.forEach((c) => tried.add(c));
      const res = yield this.sim.allOf(batch.map((c) => settled(this.sim, this.columns[c]!.read(this.shardBytes))));
      const flags = res.values as boolean[];
      ok += flags.filter(Boolean).length;
      if (!flags.every(Boolean)) this.kick();
    }
  }

  private *writeStripe(stripe: number): ProcessGenerator<void> {
    const targets = this.columns.map((c, i) => i).filter((i) => this.columns[i]!.reachable);
    if (targets.length < this.k) throw new ZstorError('unreadable', `stripe ${stripe}: ${targets.length} columns up`);
    const cols = [...this.columns];
    const res = yield this.sim.allOf(targets.map((i) => settled(this.sim, cols[i]!.write(this.shardBytes))));
    const flags = res.values as boolean[];
    let ok = 0;
    for (let i = 0; i < this.n; i++) {
      const at = targets.indexOf(i);
      // A column replaced during the write got the shard on the old backend: still stale.
      if (at >= 0 && flags[at] && this.columns[i] === cols[i]) {
        this.stale[i]!.delete(stripe);
        ok++;
      } else this.stale[i]!.add(stripe);
    }
    const firstData = this.written.size === 0;
    this.written.add(stripe);
    // The rebuilder probes only while there is data to protect: the first write starts the probe.
    if (firstData) this.kick();
    if (ok < this.n) {
      this.stats.degradedWrites++;
      this.kick();
    }
    if (ok < this.k) throw new ZstorError('unreadable', `stripe ${stripe}: only ${ok} shards written`);
  }

  /** Background: replace columns down too long, resync stale shards; sleeps when there is nothing to do. */
  private *rebuilder(): ProcessGenerator<void> {
    while (!this.stopped) {
      let waitS = Infinity;
      for (let c = 0; c < this.n; c++) {
        const col = this.columns[c]!;
        if (col.reachable) {
          this.downSinceS[c] = null;
          continue;
        }
        // A dead disk's failure time is known exactly; a node's power-off is seen when noticed.
        this.downSinceS[c] ??= col.diskFailedAtS ?? this.sim.nowS;
        const dueS = this.downSinceS[c]! + this.replaceAfterS;
        if (this.sim.nowS >= dueS && this.replace(c)) continue;
        if (this.sim.nowS < dueS) waitS = Math.min(waitS, dueS - this.sim.nowS);
      }
      const work = this.nextStale();
      if (work !== null) {
        yield* this.rebuildShard(work.column, work.stripe);
        continue;
      }
      this.wake = this.sim.event<void>();
      if (this.written.size > 0 && this.probeS > 0) waitS = Math.min(waitS, this.probeS);
      if (waitS < Infinity) yield this.sim.anyOf([this.wake, this.sim.timeout(waitS)]);
      else yield this.wake;
    }
  }

  private replace(column: number): boolean {
    const used = new Set(this.columns.map((c) => c.node));
    const at = this.spares.findIndex((s) => s.reachable && !used.has(s.node));
    if (at < 0) return false;
    this.columns[column] = this.spares.splice(at, 1)[0]!;
    this.stale[column] = new Set(this.written);
    this.downSinceS[column] = null;
    this.stats.replacedColumns++;
    return true;
  }

  private nextStale(): { column: number; stripe: number } | null {
    for (let c = 0; c < this.n; c++) {
      if (!this.columns[c]!.reachable) continue;
      for (const stripe of this.stale[c]!) if (this.good(stripe).length >= this.k) return { column: c, stripe };
    }
    return null;
  }

  /** Read k good shards of the stripe, re-encode, write the missing one. */
  private *rebuildShard(column: number, stripe: number): ProcessGenerator<void> {
    const target = this.columns[column]!;
    const sources = this.good(stripe).slice(0, this.k);
    const reads = yield this.sim.allOf(sources.map((c) => settled(this.sim, this.columns[c]!.read(this.shardBytes))));
    if (!(reads.values as boolean[]).every(Boolean)) return yield this.sim.timeout(1);
    const wrote = yield settled(this.sim, target.write(this.shardBytes));
    if (!wrote) return yield this.sim.timeout(1);
    if (this.columns[column] === target) {
      this.stale[column]!.delete(stripe);
      this.stats.rebuiltShards++;
    }
  }
}
