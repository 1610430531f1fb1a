// One real 0-db namespace: its settings file, its on-disk log, and an in-memory index of every
// version of every key, with the simulator's rules (sim/storage/zdb) applied to real bytes.
// Leaves out sessions and RESP (commands.ts) and when to fsync (server.ts decides per batch).

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import { defaultSettings, maxKeyBytes, maxPayloadBytes, type NamespaceSettings, type NsSetProperty, type ZdbMode } from '../../../sim/storage/zdb/namespace.js';
import { flagDeleted, NamespaceFiles, type EntryMeta, type Recovery } from './files.js';
import { EntryIndex } from './entry-index.js';
import { ZdbReplyError } from './reply-error.js';

const settingsFile = 'settings.json';
/**
 * 0-db's seqid_t is a uint64_t, sent and stored as its in-memory bytes: 8 bytes little-endian
 * (libzdb/index.h, zdbd/commands_set.c: redis_set_handler_sequential). Data written by earlier
 * versions of this server holds 4-byte ids; they stay readable under those 4 bytes, and new ids
 * continue after the highest of either size.
 */
export const seqIdBytes = 8;
const legacySeqIdBytes = 4;
const empty = Buffer.alloc(0);

/** One step of HISTORY: a version's payload and time, and the cursor to the one before (or null). */
export interface HistoryStep {
  readonly payload: Buffer;
  readonly timestampS: number;
  readonly previous: Buffer | null;
}

/** One SCAN/RSCAN result: the live version shown, and the cursor that resumes after it. */
export interface ScanItem {
  readonly entry: EntryMeta;
  readonly cursor: Buffer;
}

/** sizeof(index_bkey_t) and sizeof(index_ekey_t) in libzdb/index.h. */
export const scanCursorBytes = 17;
export const historyCursorBytes = 8;

/** index_ekey_t {indexid u32, offset u32}: here the high and low halves of a data-file offset. */
function historyCursor(offset: number): Buffer {
  const b = Buffer.alloc(historyCursorBytes);
  b.writeUInt32LE(Math.floor(offset / 2 ** 32), 0);
  b.writeUInt32LE(offset % 2 ** 32, 4);
  return b;
}

/**
 * 0-db's index_bkey_t, 17 packed bytes: idlength u8, fileid u32, length u32, idxoffset u32,
 * crc u32 (libzdb/index.h). Ours puts the slot's data-file offset in fileid (high 32 bits) and
 * idxoffset (low 32 bits); length and crc let a stale or crafted cursor be refused, as 0-db does.
 */
function scanCursor(slot: EntryMeta, shown: EntryMeta): Buffer {
  const b = Buffer.alloc(scanCursorBytes);
  b.writeUInt8(slot.key.length, 0);
  b.writeUInt32LE(Math.floor(slot.offset / 2 ** 32), 1);
  b.writeUInt32LE(shown.payloadLen, 5);
  b.writeUInt32LE(slot.offset % 2 ** 32, 9);
  b.writeUInt32LE(shown.payloadCrc, 13);
  return b;
}

export class HostNamespace {
  /** Every entry in append (data-file offset) order, and every key's versions, oldest first. */
  private readonly idx = new EntryIndex();
  private liveBytes = 0;
  private liveKeys = 0;
  private nextSeqId = 0;
  /** Set by NSDEL, so that sessions still holding this namespace see that it is gone. */
  deleted = false;

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly settings: NamespaceSettings,
    readonly files: NamespaceFiles,
    readonly recovery: Recovery,
  ) {}

  /** Opens the namespace in `dir`; with `createMode`, creates it (in that mode) if it is missing. */
  static open(name: string, dir: string, createMode?: ZdbMode): HostNamespace {
    if (createMode !== undefined) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const settingsPath = join(dir, settingsFile);
    const settings: NamespaceSettings = { ...defaultSettings, mode: createMode ?? defaultSettings.mode };
    if (existsSync(settingsPath)) Object.assign(settings, pickSettings(JSON.parse(readFileSync(settingsPath, 'utf8')) as unknown));
    else writeSettings(dir, settings);
    const { files, entries, recovery } = NamespaceFiles.open(dir);
    const ns = new HostNamespace(name, dir, settings, files, recovery);
    for (const entry of entries) ns.index(entry);
    return ns;
  }

  /** SET in 0-db's check order; returns the key written, or null when the data is unchanged. */
  set(key: Buffer, payload: Buffer, writable: boolean, nowS: number): Buffer | null {
    if (key.length > maxKeyBytes) throw new ZdbError(ZdbErrorCode.keyTooLarge);
    if (payload.length > maxPayloadBytes) throw new ZdbError(ZdbErrorCode.payloadTooLarge);
    if (!writable) throw new ZdbError(ZdbErrorCode.readOnly);
    this.mustBeWritable();
    const id = key.toString('latin1');
    const newest = key.length === 0 ? -1 : this.idx.newest(id);
    // 0-db's index lookup also finds deleted keys, so worm refuses rewriting a deleted key too.
    if (newest >= 0 && this.settings.worm) throw new ZdbError(ZdbErrorCode.worm);
    const live = this.liveAt(newest);
    // An overwrite may reuse the space its old value frees ("floating" in 0-db's command_set).
    const floating = live === null ? 0 : live.payloadLen;
    const limit = this.settings.maxsizeBytes;
    if (limit > 0 && this.liveBytes + payload.length > limit + floating) throw new ZdbError(ZdbErrorCode.noSpace);
    let written = key;
    if (this.settings.mode === 'seq') {
      // index_get finds no deleted id either, so a deleted id cannot be updated (commands_set.c).
      if (key.length > 0 && live === null) throw new ZdbError(ZdbErrorCode.onlyUpdate);
      if (key.length === 0) {
        written = Buffer.alloc(seqIdBytes);
        written.writeBigUInt64LE(BigInt(this.nextSeqId));
      }
    } else if (key.length === 0) throw new ZdbError(ZdbErrorCode.keyNeeded);
    const payloadCrc = crc32(payload);
    // 0-db answers nil without appending when the CRC matches; we also compare the bytes, so that a
    // CRC collision can never silently drop a write.
    if (live !== null && live.payloadCrc === payloadCrc && live.payloadLen === payload.length && this.files.readPayload(live).equals(payload)) return null;
    // The index keeps its own copy of the key (a string); the request's bytes are not held.
    this.index(this.files.append(0, written, payload, nowS, payloadCrc), written === key ? id : undefined);
    return written;
  }

  /** DEL: appends a deletion marker; older versions stay readable through HISTORY. */
  del(key: Buffer, writable: boolean, nowS: number): void {
    // zdbd/commands_dataset.c (command_del) says "Invalid key" here, not SET's "Key too large".
    if (key.length > maxKeyBytes) throw new ZdbReplyError('Invalid key');
    if (!writable) throw new ZdbError(ZdbErrorCode.readOnly);
    this.mustBeWritable();
    if (this.liveAt(this.idx.newest(key.toString('latin1'))) === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
    if (this.settings.worm) throw new ZdbReplyError('Cannot delete a key when namespace is in worm mode');
    this.index(this.files.append(flagDeleted, key, empty, nowS));
  }

  /** The live version of a key, or null when missing or deleted. */
  live(key: Buffer): EntryMeta | null {
    if (key.length > maxKeyBytes) throw new ZdbError(ZdbErrorCode.keyTooLarge);
    this.mustBeReadable();
    return this.liveAt(this.idx.newest(key.toString('latin1')));
  }

  /** The entry at a position if it is a live value (not a deletion marker), else null. */
  private liveAt(at: number): EntryMeta | null {
    return at < 0 || this.idx.flagsAt(at) & flagDeleted ? null : this.idx.meta(at);
  }

  /** CHECK: null for a missing key, else whether the payload on disk still matches its CRC. */
  check(key: Buffer): boolean | null {
    const entry = this.live(key);
    return entry === null ? null : this.files.checkPayload(entry);
  }

  /**
   * HISTORY key [cursor] (zdbd/commands_history.c): the live version first, then older ones, each
   * with the opaque cursor of the one before it (null at the end). Deletion markers are skipped.
   * The cursor names a version by its data-file offset, as 0-db's index_ekey_t names an index entry.
   */
  history(key: Buffer, cursor: Buffer | undefined): HistoryStep {
    this.mustBeReadable();
    const versions = this.idx.versions(key.toString('latin1'));
    let at: number;
    if (cursor === undefined) {
      if (this.liveAt(versions[versions.length - 1] ?? -1) === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
      at = versions.length - 1;
    } else {
      if (cursor.length !== historyCursorBytes) throw new ZdbReplyError('Invalid arguments');
      const offset = cursor.readUInt32LE(0) * 2 ** 32 + cursor.readUInt32LE(4);
      if (offset === 0) throw new ZdbReplyError('No more history');
      const position = this.idx.positionOf(offset);
      if (position < 0 || this.idx.flagsAt(position) & flagDeleted) throw new ZdbReplyError('Invalid arguments (index query)');
      // 0-db compares the key sent with the one stored there, so a crafted offset reads nothing else.
      if (this.idx.keyAt(position) !== key.toString('latin1')) throw new ZdbReplyError('Invalid arguments (invalid key)');
      at = versions.indexOf(position);
    }
    const entry = this.idx.meta(versions[at]!);
    let previous = at - 1;
    while (previous >= 0 && this.idx.flagsAt(versions[previous]!) & flagDeleted) previous--;
    return { payload: this.files.readPayload(entry), timestampS: entry.timestampS, previous: previous >= 0 ? historyCursor(this.idx.offsetAt(versions[previous]!)) : null };
  }

  /**
   * One SCAN (forward) or RSCAN (backward) page, in log order as 0-db walks its index files
   * (zdbd/commands_scan.c): after the cursor's entry, or from the first (last) entry without one.
   * User mode shows each live key where its newest version was written (0-db flags the older index
   * entries deleted); seq mode shows each id at its first slot with its newest value.
   */
  scan(cursor: Buffer | undefined, backward: boolean, count: number): ScanItem[] {
    this.mustBeReadable();
    const step = backward ? -1 : 1;
    let at = cursor === undefined ? (backward ? this.idx.size - 1 : 0) : this.cursorPosition(cursor) + step;
    const items: ScanItem[] = [];
    for (; at >= 0 && at < this.idx.size && items.length < count; at += step) {
      const shown = this.scanView(at);
      if (shown !== null) items.push({ entry: shown, cursor: scanCursor(this.idx.meta(at), shown) });
    }
    return items;
  }

  /** KEYCUR: the SCAN cursor that resumes right after this key (zdbd/commands_scan.c). */
  keycur(key: Buffer): Buffer {
    this.mustBeReadable();
    const versions = this.idx.versions(key.toString('latin1'));
    const live = this.liveAt(versions[versions.length - 1] ?? -1);
    if (live === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
    return scanCursor(this.settings.mode === 'seq' ? this.idx.meta(versions[0]!) : live, live);
  }

  /** KSCAN prefix: live keys starting with `prefix` (zdbd/commands_scan.c, user mode only). */
  keysWithPrefix(prefix: Buffer): Buffer[] {
    const keys: Buffer[] = [];
    const text = prefix.toString('latin1');
    for (const [id, newest] of this.idx.newestOfEach()) if (id.startsWith(text) && !(this.idx.flagsAt(newest) & flagDeleted)) keys.push(Buffer.from(id, 'latin1'));
    return keys;
  }

  /** FLUSH: every entry of the namespace is gone, on disk too; settings stay. */
  flush(): void {
    this.files.reset();
    this.idx.clear();
    this.liveBytes = 0;
    this.liveKeys = 0;
    this.nextSeqId = 0;
  }

  /**
   * DATA RAW: the entry starting at this data-file offset, its payload, and where the entry before
   * it starts (0 for the first), as 0-db's data header links them; 'eof' past the end.
   */
  rawEntry(offset: number): { entry: EntryMeta; payload: Buffer; previousOffset: number } | 'eof' | 'invalid' {
    if (offset >= this.files.dataSizeBytes) return 'eof';
    const at = this.idx.positionOf(offset);
    if (at < 0) return 'invalid';
    const entry = this.idx.meta(at);
    return { entry, payload: this.files.readPayload(entry), previousOffset: at === 0 ? 0 : this.idx.offsetAt(at - 1) };
  }

  /** The next id SET would hand out in seq mode (NSINFO's next_internal_id). */
  get nextId(): number {
    return this.nextSeqId;
  }

  /** What a SCAN at log position `at` shows, or null when 0-db's index has that entry flagged. */
  private scanView(at: number): EntryMeta | null {
    const versions = this.idx.versions(this.idx.keyAt(at));
    const newest = versions[versions.length - 1]!;
    if (this.idx.flagsAt(newest) & flagDeleted) return null;
    if (this.settings.mode === 'seq') return versions[0] === at ? this.idx.meta(newest) : null;
    return newest === at ? this.idx.meta(at) : null;
  }

  /** The log position a SCAN cursor names; "Invalid key format" when it names nothing valid. */
  private cursorPosition(cursor: Buffer): number {
    const invalid = new ZdbReplyError('Invalid key format');
    if (cursor.length !== scanCursorBytes) throw invalid;
    const at = this.idx.positionOf(cursor.readUInt32LE(1) * 2 ** 32 + cursor.readUInt32LE(9));
    if (at < 0) throw invalid;
    // What the cursor was made from: the entry itself in user mode, the id's newest value in seq mode.
    const versions = this.idx.versions(this.idx.keyAt(at));
    const made = this.settings.mode === 'seq' ? (versions.findLast((v) => !(this.idx.flagsAt(v) & flagDeleted)) ?? at) : at;
    const keyBytes = Buffer.byteLength(this.idx.keyAt(at), 'latin1');
    if (keyBytes !== cursor.readUInt8(0) || this.idx.payloadLenAt(made) !== cursor.readUInt32LE(5) || this.idx.payloadCrcAt(made) !== cursor.readUInt32LE(13)) throw invalid;
    return at;
  }

  get dbsize(): number {
    return this.liveKeys;
  }

  get dataSizeBytes(): number {
    return this.liveBytes;
  }

  /**
   * NSSET with 0-db's value forms (zdbd/commands_namespace.c): numbers for maxsize, `*` clears the
   * password, and a flag is on when its value starts with '1' and off otherwise ("yes" is off).
   */
  nsset(property: NsSetProperty, value: string): void {
    const next = { ...this.settings };
    switch (property) {
      case 'maxsize': {
        const bytes = Number(value);
        if (!(/^\d+$/.test(value) && Number.isSafeInteger(bytes))) throw new ZdbError(ZdbErrorCode.invalidArgument, `maxsize ${value}`);
        next.maxsizeBytes = bytes;
        break;
      }
      case 'password':
        next.password = value === '*' ? '' : value;
        break;
      case 'mode':
        // 0-db refuses any mode change of a used namespace first, even to the mode it has.
        if (this.idx.size > 0) throw new ZdbReplyError('Cannot change mode of used namespace');
        if (value !== 'user' && value !== 'seq') throw new ZdbReplyError('Invalid property value (expected: user, seq)');
        next.mode = value;
        break;
      case 'public':
        next.public = flag(value);
        break;
      // 0-db keeps one lock field that both set (commands_namespace.c: command_nsset_lock/_freeze),
      // so `lock 0` also unfreezes and `freeze 1` replaces a read-only lock.
      case 'lock':
        next.locked = flag(value);
        next.frozen = false;
        break;
      case 'freeze':
        next.frozen = flag(value);
        next.locked = false;
        break;
      case 'worm':
        next.worm = flag(value);
        break;
    }
    writeSettings(this.dir, next);
    Object.assign(this.settings, next);
  }

  close(fsync = true): void {
    this.files.close(fsync);
  }

  /** Adds an appended (or recovered) entry to the in-memory index and the usage counters. */
  private index(entry: EntryMeta, id = entry.key.toString('latin1')): void {
    const before = this.idx.newest(id);
    const beforeBytes = before < 0 || this.idx.flagsAt(before) & flagDeleted ? -1 : this.idx.payloadLenAt(before);
    this.idx.push(entry, id);
    const afterBytes = entry.flags & flagDeleted ? -1 : entry.payloadLen;
    this.liveBytes += Math.max(afterBytes, 0) - Math.max(beforeBytes, 0);
    this.liveKeys += (afterBytes < 0 ? 0 : 1) - (beforeBytes < 0 ? 0 : 1);
    if (this.settings.mode === 'seq' && !(entry.flags & flagDeleted)) {
      // 0-db's ids are index slots, and an update appends a (flagged) duplicate that takes the next
      // slot (libzdb/index_set.c, index_update_entry_sequential): it uses an id up, never handed out.
      if (before >= 0) this.nextSeqId++;
      // Ids above 2^53 are not ours to hand out (we count from 0); such a key is left out of the count.
      const seqId = entry.key.length === seqIdBytes ? Number(entry.key.readBigUInt64LE()) : entry.key.length === legacySeqIdBytes ? entry.key.readUInt32LE() : -1;
      if (Number.isSafeInteger(seqId)) this.nextSeqId = Math.max(this.nextSeqId, seqId + 1);
    }
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
  return value.startsWith('1');
}

/** Settings are small and change rarely: write a temporary file, fsync it, rename it into place. */
function writeSettings(dir: string, settings: NamespaceSettings): void {
  const path = join(dir, settingsFile);
  writeFileSync(`${path}.tmp`, JSON.stringify(settings), { mode: 0o600 });
  const fd = openSync(`${path}.tmp`, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(`${path}.tmp`, path);
  const dirFd = openSync(dir, 'r');
  fsyncSync(dirFd);
  closeSync(dirFd);
}

/** Only the known fields, with their types checked: a hand-edited file cannot inject others. */
function pickSettings(raw: unknown): Partial<NamespaceSettings> {
  const out: Partial<NamespaceSettings> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  const r = raw as Record<string, unknown>;
  if (typeof r.maxsizeBytes === 'number' && Number.isSafeInteger(r.maxsizeBytes) && r.maxsizeBytes >= 0) out.maxsizeBytes = r.maxsizeBytes;
  if (typeof r.password === 'string') out.password = r.password;
  if (r.mode === 'user' || r.mode === 'seq') out.mode = r.mode;
  for (const k of ['public', 'locked', 'frozen', 'worm'] as const) if (typeof r[k] === 'boolean') out[k] = r[k];
  return out;
}
