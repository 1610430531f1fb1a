// One real 0-db namespace: its settings file, its on-disk log, and an in-memory index of every
// version of every key, with the simulator's rules (sim/storage/zdb) applied to real bytes.
// Leaves out sessions and RESP (commands.ts) and when to fsync (server.ts decides per batch).

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ZdbError, ZdbErrorCode } from '../../../sim/storage/zdb/errors.js';
import { defaultSettings, maxKeyBytes, maxPayloadBytes, type NamespaceSettings, type NsSetProperty } from '../../../sim/storage/zdb/namespace.js';
import { flagDeleted, NamespaceFiles, type EntryMeta, type Recovery } from './files.js';
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
  readonly previous: string | null;
}

export class HostNamespace {
  /** Every key ever written (latin1 string of its bytes), oldest version first. */
  private readonly versions = new Map<string, EntryMeta[]>();
  /** Keys in first-write order: SCAN walks this, so a cursor stays valid while keys are added. */
  private readonly order: string[] = [];
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

  /** Opens the namespace in `dir`, creating it when `create` is set. */
  static open(name: string, dir: string, create = false): HostNamespace {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const settingsPath = join(dir, settingsFile);
    const settings: NamespaceSettings = { ...defaultSettings };
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
    const versions = key.length === 0 ? undefined : this.versions.get(id);
    // 0-db's index lookup also finds deleted keys, so worm refuses rewriting a deleted key too.
    if (versions !== undefined && this.settings.worm) throw new ZdbError(ZdbErrorCode.worm);
    const live = liveOf(versions);
    // An overwrite may reuse the space its old value frees ("floating" in 0-db's command_set).
    const floating = live === null ? 0 : live.payloadLen;
    const limit = this.settings.maxsizeBytes;
    if (limit > 0 && this.liveBytes + payload.length > limit + floating) throw new ZdbError(ZdbErrorCode.noSpace);
    let written = key;
    if (this.settings.mode === 'seq') {
      if (key.length > 0 && versions === undefined) throw new ZdbError(ZdbErrorCode.onlyUpdate);
      if (key.length === 0) {
        written = Buffer.alloc(seqIdBytes);
        written.writeBigUInt64LE(BigInt(this.nextSeqId));
      }
    } else if (key.length === 0) throw new ZdbError(ZdbErrorCode.keyNeeded);
    const payloadCrc = crc32(payload);
    // 0-db answers nil without appending when the CRC matches; we also compare the bytes, so that a
    // CRC collision can never silently drop a write.
    if (live !== null && live.payloadCrc === payloadCrc && live.payloadLen === payload.length && this.files.readPayload(live).equals(payload)) return null;
    this.index(this.files.append(0, written, payload, nowS, payloadCrc));
    return written;
  }

  /** DEL: appends a deletion marker; older versions stay readable through HISTORY. */
  del(key: Buffer, writable: boolean, nowS: number): void {
    // zdbd/commands_dataset.c (command_del) says "Invalid key" here, not SET's "Key too large".
    if (key.length > maxKeyBytes) throw new ZdbReplyError('Invalid key');
    if (!writable) throw new ZdbError(ZdbErrorCode.readOnly);
    this.mustBeWritable();
    if (liveOf(this.versions.get(key.toString('latin1'))) === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
    if (this.settings.worm) throw new ZdbReplyError('Cannot delete a key when namespace is in worm mode');
    this.index(this.files.append(flagDeleted, key, empty, nowS));
  }

  /** The live version of a key, or null when missing or deleted. */
  live(key: Buffer): EntryMeta | null {
    if (key.length > maxKeyBytes) throw new ZdbError(ZdbErrorCode.keyTooLarge);
    this.mustBeReadable();
    return liveOf(this.versions.get(key.toString('latin1')));
  }

  get(key: Buffer): Buffer | null {
    const entry = this.live(key);
    return entry === null ? null : this.files.readPayload(entry);
  }

  /** CHECK: null for a missing key, else whether the payload on disk still matches its CRC. */
  check(key: Buffer): boolean | null {
    const entry = this.live(key);
    return entry === null ? null : this.files.checkPayload(entry);
  }

  /** HISTORY key [cursor]: the live version first, then older ones; deletion markers are skipped. */
  history(key: Buffer, cursor: string | undefined): HistoryStep {
    this.mustBeReadable();
    const versions = this.versions.get(key.toString('latin1'));
    let at: number;
    if (cursor === undefined) {
      if (liveOf(versions) === null) throw new ZdbError(ZdbErrorCode.keyNotFound);
      at = versions!.length - 1;
    } else {
      at = /^\d{1,10}$/.test(cursor) ? Number(cursor) : -1;
      if (versions === undefined || !(at < versions.length - 1) || at < 0 || versions[at]!.flags & flagDeleted) {
        throw new ZdbError(ZdbErrorCode.invalidArgument, 'history cursor');
      }
    }
    const entry = versions![at]!;
    let previous = at - 1;
    while (previous >= 0 && versions![previous]!.flags & flagDeleted) previous--;
    return { payload: this.files.readPayload(entry), timestampS: entry.timestampS, previous: previous >= 0 ? String(previous) : null };
  }

  /** SCAN over live keys in first-write order; `cursor` is where to resume, returned as `next`. */
  scan(cursor: number, count: number): { next: number; entries: EntryMeta[] } {
    this.mustBeReadable();
    const entries: EntryMeta[] = [];
    let at = cursor;
    for (; at < this.order.length && entries.length < count; at++) {
      const live = liveOf(this.versions.get(this.order[at]!));
      if (live !== null) entries.push(live);
    }
    return { next: at, entries };
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
        if (this.versions.size > 0) throw new ZdbReplyError('Cannot change mode of used namespace');
        if (value !== 'user' && value !== 'seq') throw new ZdbReplyError('Invalid property value (expected: user, seq)');
        next.mode = value;
        break;
      case 'public':
        next.public = flag(value);
        break;
      case 'lock':
        next.locked = flag(value);
        break;
      case 'freeze':
        next.frozen = flag(value);
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
  private index(entry: EntryMeta): void {
    const id = entry.key.toString('latin1');
    let versions = this.versions.get(id);
    if (versions === undefined) {
      versions = [];
      this.versions.set(id, versions);
      this.order.push(id);
    }
    const before = liveOf(versions);
    versions.push(entry);
    const after = liveOf(versions);
    this.liveBytes += (after?.payloadLen ?? 0) - (before?.payloadLen ?? 0);
    this.liveKeys += (after === null ? 0 : 1) - (before === null ? 0 : 1);
    if (this.settings.mode === 'seq') {
      // Ids above 2^53 are not ours to hand out (we count from 0); such a key is left out of the count.
      const id = entry.key.length === seqIdBytes ? Number(entry.key.readBigUInt64LE()) : entry.key.length === legacySeqIdBytes ? entry.key.readUInt32LE() : -1;
      if (Number.isSafeInteger(id)) this.nextSeqId = Math.max(this.nextSeqId, id + 1);
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

function liveOf(versions: readonly EntryMeta[] | undefined): EntryMeta | null {
  const newest = versions?.[versions.length - 1];
  return newest === undefined || newest.flags & flagDeleted ? null : newest;
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
