// The in-memory index of one real 0-db namespace, kept small: every entry's fields in typed columns
// (struct of arrays) by log position, and one Map from key to its positions. Objects (EntryMeta) are
// made only when asked for. Leaves out the rules (host-namespace.ts) and the files (files.ts).
//
// At 1M keys of one version each this costs about 120 bytes per key (the Map slot, the key string,
// 21 bytes of columns and a pointer), where an object per entry and an array per key cost ~800.

import type { EntryMeta } from './files.js';

const initialCapacity = 1024;

export class EntryIndex {
  private offsets = new Float64Array(initialCapacity);
  private payloadLens = new Uint32Array(initialCapacity);
  private payloadCrcs = new Uint32Array(initialCapacity);
  private timestamps = new Uint32Array(initialCapacity);
  private flags = new Uint8Array(initialCapacity);
  /** The key of each entry (latin1 text of its bytes); the same string object the Map holds. */
  private keys: string[] = [];
  /** Key → its positions, oldest first: a number for one version, an array for more. */
  private readonly byKey = new Map<string, number | number[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Appends an entry at the next log position; returns that position. */
  push(entry: EntryMeta, id = entry.key.toString('latin1')): number {
    if (this.count === this.offsets.length) this.grow();
    const at = this.count++;
    const known = this.byKey.get(id);
    if (known === undefined) this.byKey.set(id, at);
    else if (typeof known === 'number') this.byKey.set(id, [known, at]);
    else known.push(at);
    // The Map's copy of the string, so that both refer to one string object.
    this.keys.push(known === undefined ? id : this.keyAt(typeof known === 'number' ? known : known[0]!));
    this.offsets[at] = entry.offset;
    this.payloadLens[at] = entry.payloadLen;
    this.payloadCrcs[at] = entry.payloadCrc;
    this.timestamps[at] = entry.timestampS;
    this.flags[at] = entry.flags;
    return at;
  }

  /** The positions of a key's versions, oldest first (empty when never written). */
  versions(id: string): readonly number[] {
    const known = this.byKey.get(id);
    return known === undefined ? [] : typeof known === 'number' ? [known] : known;
  }

  /** The newest position of a key, or -1. */
  newest(id: string): number {
    const known = this.byKey.get(id);
    return known === undefined ? -1 : typeof known === 'number' ? known : known[known.length - 1]!;
  }

  /** Every key ever written, with its newest position. */
  *newestOfEach(): IterableIterator<[string, number]> {
    for (const [id, known] of this.byKey) yield [id, typeof known === 'number' ? known : known[known.length - 1]!];
  }

  keyAt(at: number): string {
    return this.keys[at]!;
  }

  offsetAt(at: number): number {
    return this.offsets[at]!;
  }

  payloadLenAt(at: number): number {
    return this.payloadLens[at]!;
  }

  payloadCrcAt(at: number): number {
    return this.payloadCrcs[at]!;
  }

  flagsAt(at: number): number {
    return this.flags[at]!;
  }

  /** The entry at a position as files.ts describes it (a new object each time). */
  meta(at: number): EntryMeta {
    return { offset: this.offsets[at]!, flags: this.flags[at]!, key: Buffer.from(this.keys[at]!, 'latin1'), payloadLen: this.payloadLens[at]!, payloadCrc: this.payloadCrcs[at]!, timestampS: this.timestamps[at]! };
  }

  /** Binary search: positions are in append order, which is data-file offset order. -1 if none. */
  positionOf(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.offsets[mid]!;
      if (at === offset) return mid;
      if (at < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  clear(): void {
    this.byKey.clear();
    this.keys = [];
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const widen = <T extends Float64Array | Uint32Array | Uint8Array>(old: T, make: new (n: number) => T): T => {
      const next = new make(capacity);
      next.set(old);
      return next;
    };
    this.offsets = widen(this.offsets, Float64Array);
    this.payloadLens = widen(this.payloadLens, Uint32Array);
    this.payloadCrcs = widen(this.payloadCrcs, Uint32Array);
    this.timestamps = widen(this.timestamps, Uint32Array);
    this.flags = widen(this.flags, Uint8Array);
  }
}
