// zstor's metadata store: every record is 2+2 erasure-coded over exactly 4 user-mode 0-db namespaces.
// Leaves out keys, encryption and encoding: a record is a fixed-size value whose pieces cost IO.

import type { ProcessGenerator } from '../../engine/process.js';
import type { SimEvent } from '../../engine/events.js';
import type { Simulation } from '../../engine/simulation.js';
import { SimulationError } from '../../errors.js';
import { settled, type ZstorBackend } from './backend.js';
import { ZstorError } from './types.js';

export const metaBackendCount = 4;
export const metaDataPieces = 2;

export class MetaStore<V> {
  private readonly records = new Map<string, V>();
  private rebuilding = false;

  constructor(
    private readonly sim: Simulation,
    private readonly backends: ZstorBackend[],
    /** Size of one encoded record; each of the 4 pieces is half of it. */
    readonly recordBytes = 4096,
  ) {
    if (backends.length !== metaBackendCount) throw new SimulationError(`zstor metadata needs exactly 4 backends, got ${backends.length}`);
  }

  get reachableCount(): number {
    return this.backends.filter((b) => b.reachable).length;
  }

  /** "Prioritise recoverability over availability": writes need all 4, and none during a rebuild. */
  get writable(): boolean {
    return !this.rebuilding && this.reachableCount === metaBackendCount;
  }

  get readable(): boolean {
    return this.reachableCount >= metaDataPieces;
  }

  get backendList(): readonly ZstorBackend[] {
    return this.backends;
  }

  keys(): IterableIterator<string> {
    return this.records.keys();
  }

  /** The record as the daemon sees it (cached view), for sweeps that need no IO per record. */
  peek(key: string): V | undefined {
    return this.records.get(key);
  }

  /** Writes one record: one piece to each of the 4 backends, all of which must succeed. */
  *put(key: string, value: V): ProcessGenerator<void> {
    if (!this.writable) throw new ZstorError('metaDegraded', `${this.reachableCount}/4 metadata backends up${this.rebuilding ? ', rebuilding' : ''}`);
    const piece = this.recordBytes / metaDataPieces;
    const oks = yield this.sim.allOf(this.backends.map((b) => settled(this.sim, b.write(piece))));
    if (!(oks.values as boolean[]).every(Boolean)) throw new ZstorError('metaDegraded', 'a metadata backend failed during the write');
    this.records.set(key, value);
  }

  /** Reads one record from any 2 reachable backends. */
  *get(key: string): ProcessGenerator<V> {
    const up = this.backends.filter((b) => b.reachable);
    if (up.length < metaDataPieces) throw new ZstorError('metaUnreadable', `${up.length}/4 metadata backends up`);
    const value = this.records.get(key);
    if (value === undefined) throw new ZstorError('unknownObject', key);
    const piece = this.recordBytes / metaDataPieces;
    const oks = yield this.sim.allOf(up.slice(0, metaDataPieces).map((b) => settled(this.sim, b.read(piece))));
    if (!(oks.values as boolean[]).every(Boolean)) throw new ZstorError('metaUnreadable', 'a metadata backend failed during the read');
    return value;
  }

  /**
   * The operator swaps backend `index` in the config (+SIGUSR1): every record is read from 2 of the
   * others and its piece rewritten on the new one; the store is read-only meanwhile.
   */
  replaceBackend(index: number, replacement: ZstorBackend): SimEvent<void> {
    if (!(index >= 0 && index < metaBackendCount)) throw new SimulationError(`meta backend index ${index}`);
    return this.sim.process(this.rebuild(index, replacement), 'zstor:meta-rebuild');
  }

  private *rebuild(index: number, replacement: ZstorBackend): ProcessGenerator<void> {
    this.rebuilding = true;
    try {
      const others = this.backends.filter((b, i) => i !== index && b.reachable);
      if (others.length < metaDataPieces) throw new ZstorError('metaUnreadable', 'fewer than 2 metadata backends left to rebuild from');
      const piece = this.recordBytes / metaDataPieces;
      const total = Math.max(1, this.records.size) * piece;
      // One bulk read from each of two survivors and one bulk write: the rebuild is sequential IO.
      yield this.sim.allOf(others.slice(0, metaDataPieces).map((b) => b.read(total)));
      yield replacement.write(total);
      this.backends[index] = replacement;
    } finally {
      this.rebuilding = false;
    }
  }
}
