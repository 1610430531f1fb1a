// One 0-db namespace's state: an append-only log of versions per key, its NSSET properties, and
// 0-db's rules for SET/GET/DEL/EXISTS/SCAN/HISTORY. Leaves out IO (server.ts places entries on the
// HDD and times them), data-file rotation, index rebuilds, hooks, ROLLBACK-style undo and compaction.

import { ZdbError, ZdbErrorCode } from './errors.js';

export const maxKeyBytes = 255;
export const maxPayloadBytes = 8 * 1024 * 1024;
/** Data-file entry header: key len 1, payload len 4, crc32 4, previous offset 4, flags 1, timestamp 4. */
export const entryHeaderBytes = 18;
/**
 * A seq-mode key is 0-db's seqid_t, a uint64_t sent as its 8 little-endian bytes (libzdb/index.h,
 * zdbd/commands_set.c). The port carries keys as latin1 strings, so an id is 8 latin1 characters,
 * as the host backend answers it.
 */
export const seqKeyBytes = 8;

/** The port's form of seq id `id`: its 8 little-endian bytes as latin1. */
export function seqKey(id: number): string {
  const bytes = Buffer.alloc(seqKeyBytes);
  bytes.writeBigUInt64LE(BigInt(id));
  return bytes.toString('latin1');
}

export type ZdbMode = 'user' | 'seq';

/**
 * A stored value, modelled by its size plus an optional small `tag` standing for its content (a
 * payload or a hash) so tests can check what comes back. Two values are the same data iff sizes
 * and tags match; a value without a tag is fresh content, never equal to anything stored, because
 * 0-db compares CRCs and an untagged SET stands for new bytes.
 */
export interface ZdbValue {
  readonly sizeBytes: number;
  readonly tag?: string;
}

/** One entry of a key's log: a value, or a deletion marker (`value` null). */
export interface ZdbVersion {
  readonly value: ZdbValue | null;
  readonly timestampS: number;
  /** Where the entry sits on the namespace's disk, and how many bytes it takes there. */
  readonly offsetBytes: number;
  readonly entryBytes: number;
}

export interface NamespaceSettings {
  /** 0 = unlimited, as in 0-db. */
  maxsizeBytes: number;
  /** '' = none. */
  password: string;
  public: boolean;
  mode: ZdbMode;
  /** Read-only: GET works, SET/DEL refused. zos pauses a zdb workload with it. */
  locked: boolean;
  /** No reads and no writes. */
  frozen: boolean;
  /** Write once: no overwrite and no delete of a key that has been written. */
  worm: boolean;
}

export const defaultSettings: Readonly<NamespaceSettings> = {
  maxsizeBytes: 0,
  password: '',
  public: true,
  mode: 'user',
  locked: false,
  frozen: false,
  worm: false,
};

export type NsSetProperty = 'maxsize' | 'password' | 'public' | 'mode' | 'lock' | 'freeze' | 'worm';

export interface NamespaceInfo {
  readonly name: string;
  /** Live keys (DBSIZE). */
  readonly entries: number;
  /** Bytes of live payload: what `maxsize` limits. */
  readonly dataSizeBytes: number;
  readonly dataLimitBytes: number;
  /** Every byte appended to disk (payloads, headers, deletion markers): never shrinks. */
  readonly appendedBytes: number;
  readonly mode: ZdbMode;
  readonly public: boolean;
  readonly passwordSet: boolean;
  readonly locked: boolean;
  readonly frozen: boolean;
  readonly worm: boolean;
}

export interface ScanEntry {
  readonly key: string;
  readonly sizeBytes: number;
  readonly timestampS: number;
}

export interface ScanPage {
  /** Pass back to continue; null when the scan is complete. */
  readonly cursor: string | null;
  readonly entries: readonly ScanEntry[];
}

/** Where the next entry of `entryBytes` goes on disk; the server owns the append cursor. */
export type Place = (entryBytes: number) => number;

const noEntries: ReadonlyMap<string, ZdbVersion[]> = new Map();

export class Namespace {
  readonly settings: NamespaceSettings;
  /**
   * Every key ever written, oldest version first. Insertion order is SCAN order. Made on the first
   * write: a grid holds many namespaces nobody writes to.
   */
  private entries: Map<string, ZdbVersion[]> | undefined;
  private dataSizeBytes = 0;
  private appendedBytes = 0;
  private liveKeys = 0;
  private nextSeqId = 0;

  constructor(
    readonly name: string,
    settings: Partial<NamespaceSettings> = {},
  ) {
    this.settings = { ...defaultSettings, ...settings };
  }

  /**
   * SET. Returns the key written (seq mode: the new id), or null when the data equals the live
   * value, which 0-db answers with nil and does not append. Throws ZdbError in 0-db's check order.
   */
  set(key: string, value: ZdbValue, nowS: number, place: Place): string | null {
    const keyBytes = byteLength(key);
    if (keyBytes > maxKeyBytes) throw new ZdbError(ZdbErrorCode.keyTooLarge);
    if (!(Number.isSafeInteger(value.sizeBytes) && value.sizeBytes >= 0)) throw new ZdbError(ZdbErrorCode.invalidArgument, `value size ${value.sizeBytes}`);
    if (value.sizeBytes > maxPayloadBytes) throw new ZdbError(ZdbErrorCode.payloadTooLarge);
    this.mustBeWritable();
    const versions = key === '' ? undefined : this.log.get(key);
    // 0-db's index lookup also finds deleted keys, so worm refuses rewriting a deleted key too.
    if (versions !== undefined && this.settings.worm) throw new ZdbError(ZdbErrorCode.worm);
    const live = versions === undefined ? null : last(versions).value;
    // An overwrite may use the space its old value frees ("floating" in 0-db's command_set).
    const floatingBytes = live === null ? 0 : live.sizeBytes;
    const limit = this.settings.maxsizeBytes;
    if (limit > 0 && this.dataSizeBytes + value.sizeBytes > limit + floatingBytes) throw new ZdbError(ZdbErrorCode.noSpace);
    let written = key;
    if (this.settings.mode === 'seq') {
      // index_get finds no deleted id either, so a deleted id cannot be updated (commands_set.c).
      if (key !== '' && live === null) throw new ZdbError(ZdbErrorCode.onlyUpdate);
      if (key === '') written = seqKey(this.nextSeqId);
    } else if (key === '') throw new ZdbError(ZdbErrorCode.keyNeeded);
    if (live !== null && sameData(live, value)) return null;
    this.append(written, value, nowS, place);
    // 0-db's ids are index slots: a new id takes one, and an update appends a duplicate that takes
    // the next slot too (libzdb/index_set.c, index_update_entry_sequential), so both use an id up.
    if (this.settings.mode === 'seq') this.nextSeqId++;
    this.dataSizeBytes += value.sizeBytes - floatingBytes;
    if (live === null) this.liveKeys++;
    return written;
  }

  /** DEL: appends a deletion marker; the old versions stay readable through HISTORY. */
  del(key: string, nowS: number, place: Place): void {
    // zdbd/commands_dataset.c (command_del) says "Invalid key" here, not SET's "Key too large".
    if (byteLength(key) > maxKeyBytes) throw new ZdbError(ZdbErrorCode.invalidKey);
    this.mustBeWritable();
    const versions = this.log.get(key);
    const live = versions === undefined ? null : last(versions).value;
    if (live === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
    if (this.settings.worm) throw new ZdbError(ZdbErrorCode.wormDelete);
    this.append(key, null, nowS, place);
    this.dataSizeBytes -= live.sizeBytes;
    this.liveKeys--;
  }

  /** GET: the live version (to read from disk), or null for a missing or deleted key. */
  get(key: string): ZdbVersion | null {
    this.mustBeReadable();
    const versions = this.log.get(key);
    if (versions === undefined) return null;
    const newest = last(versions);
    return newest.value === null ? null : newest;
  }

  exists(key: string): boolean {
    return this.get(key) !== null;
  }

  /**
   * HISTORY: the key's values, newest first, deletion markers skipped; a missing or deleted key is
   * "Key not found", as the host server answers (workers/host/zdb/host-namespace.ts, after
   * zdbd/commands_history.c, which starts from index_get's live entry).
   */
  history(key: string): readonly ZdbVersion[] {
    this.mustBeReadable();
    const versions = this.log.get(key) ?? [];
    if (versions.length === 0 || last(versions).value === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
    return versions.filter((v) => v.value !== null).reverse();
  }

  /** SCAN over live keys in first-write order; the cursor is the position to resume from. */
  scan(cursor: string | null, count: number): ScanPage {
    this.mustBeReadable();
    const keys = [...this.log.keys()];
    let at = cursor === null ? 0 : Number(cursor);
    if (!(Number.isSafeInteger(at) && at >= 0 && count >= 1)) throw new ZdbError(ZdbErrorCode.invalidArgument, `cursor ${cursor}`);
    const entries: ScanEntry[] = [];
    for (; at < keys.length && entries.length < count; at++) {
      const key = keys[at]!;
      const newest = last(this.log.get(key)!);
      if (newest.value !== null) entries.push({ key, sizeBytes: newest.value.sizeBytes, timestampS: newest.timestampS });
    }
    return { cursor: at < keys.length ? String(at) : null, entries };
  }

  get dbsize(): number {
    return this.liveKeys;
  }

  /** Whether anything was ever written: 0-db allows a mode change only before that. */
  get isEmpty(): boolean {
    return this.log.size === 0;
  }

  info(): NamespaceInfo {
    const s = this.settings;
    return {
      name: this.name,
      entries: this.liveKeys,
      dataSizeBytes: this.dataSizeBytes,
      dataLimitBytes: s.maxsizeBytes,
      appendedBytes: this.appendedBytes,
      mode: s.mode,
      public: s.public,
      passwordSet: s.password !== '',
      locked: s.locked,
      frozen: s.frozen,
      worm: s.worm,
    };
  }

  /** NSSET with 0-db's value forms: numbers for maxsize, 0/1 for flags, `*` clears the password. */
  nsset(property: NsSetProperty, value: string): void {
    const s = this.settings;
    switch (property) {
      case 'maxsize': {
        const bytes = Number(value);
        if (!(value !== '' && Number.isSafeInteger(bytes) && bytes >= 0)) throw new ZdbError(ZdbErrorCode.invalidArgument, `maxsize ${value}`);
        s.maxsizeBytes = bytes;
        return;
      }
      case 'password':
        s.password = value === '*' ? '' : value;
        return;
      case 'mode':
        if (value !== 'user' && value !== 'seq') throw new ZdbError(ZdbErrorCode.invalidArgument, `mode ${value}`);
        if (value !== s.mode && !this.isEmpty) throw new ZdbError(ZdbErrorCode.modeNotEmpty);
        s.mode = value;
        return;
      case 'public':
        s.public = flag(value);
        return;
      case 'lock':
        s.locked = flag(value);
        return;
      case 'freeze':
        s.frozen = flag(value);
        return;
      case 'worm':
        s.worm = flag(value);
        return;
    }
  }

  private get log(): ReadonlyMap<string, ZdbVersion[]> {
    return this.entries ?? noEntries;
  }

  private append(key: string, value: ZdbValue | null, nowS: number, place: Place): void {
    const keyBytes = this.settings.mode === 'seq' ? seqKeyBytes : byteLength(key);
    const entryBytes = entryHeaderBytes + keyBytes + (value === null ? 0 : value.sizeBytes);
    const version: ZdbVersion = { value, timestampS: nowS, offsetBytes: place(entryBytes), entryBytes };
    const versions = this.log.get(key);
    if (versions === undefined) (this.entries ??= new Map()).set(key, [version]);
    else versions.push(version);
    this.appendedBytes += entryBytes;
  }

  private mustBeReadable(): void {
    if (this.settings.frozen) throw new ZdbError(ZdbErrorCode.frozen);
  }

  /** 0-db checks freeze before lock; both before any key lookup. */
  private mustBeWritable(): void {
    this.mustBeReadable();
    if (this.settings.locked) throw new ZdbError(ZdbErrorCode.locked);
  }
}

function flag(value: string): boolean {
  if (value === '1') return true;
  if (value === '0') return false;
  throw new ZdbError(ZdbErrorCode.invalidArgument, `expected 0 or 1, got ${value}`);
}

function sameData(a: ZdbValue, b: ZdbValue): boolean {
  return a.tag !== undefined && a.tag === b.tag && a.sizeBytes === b.sizeBytes;
}

function last<T>(items: readonly T[]): T {
  return items[items.length - 1]!;
}

function byteLength(key: string): number {
  return Buffer.byteLength(key, 'utf8');
}
