// The on-disk log of one real 0-db namespace: an append-only data file (every entry carries CRC32s)
// and an append-only index file, with crash recovery. Leaves out data-file rotation and compaction.
//
// data file  = "ZTDBDAT1", then entries: headerCrc u32 | flags u8 | keyLen u8 | payloadLen u32 |
//              payloadCrc u32 | timestampS u32 | key | payload          (header 18 bytes, LE)
//              headerCrc covers bytes 4..18 of the header and the key; payloadCrc the payload.
// index file = "ZTDBIDX1", then entries: crc u32 | flags u8 | keyLen u8 | payloadLen u32 |
//              payloadCrc u32 | timestampS u32 | dataOffset u64 | key   (26 bytes + key)
// The data file alone can rebuild everything: the index only spares reading payloads at start.

import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, writeSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export const dataHeaderBytes = 18;
const indexHeaderBytes = 26;
const dataMagic = Buffer.from('ZTDBDAT1');
const indexMagic = Buffer.from('ZTDBIDX1');
const magicBytes = 8;
export const flagDeleted = 1;

/** One entry of the log, as both files describe it. */
export interface EntryMeta {
  readonly offset: number;
  readonly flags: number;
  readonly key: Buffer;
  readonly payloadLen: number;
  readonly payloadCrc: number;
  readonly timestampS: number;
}

/** What opening found and repaired; tests and the ready line report it. */
export interface Recovery {
  /** The index was missing or shorter than the data, and entries were re-read from data. */
  readonly entriesFromData: number;
  /** Bytes cut from the end of the data file because their CRC did not match (a torn tail). */
  readonly dataBytesCut: number;
  /** Bytes dropped from the end of the index file (torn, or pointing past the data). */
  readonly indexBytesCut: number;
}

/** Disk traffic and failures of one namespace, summed by INFO (0-db's zdb_stats_t). */
export interface DiskStats {
  indexReadBytes: number;
  indexWriteBytes: number;
  dataReadBytes: number;
  dataWriteBytes: number;
  indexReadFailed: number;
  indexWriteFailed: number;
  dataReadFailed: number;
  dataWriteFailed: number;
}

export class NamespaceFiles {
  /** Index entries were written since the last INDEX DIRTY RESET (0-db's dirty index files). */
  indexDirty = false;
  readonly stats: DiskStats = { indexReadBytes: 0, indexWriteBytes: 0, dataReadBytes: 0, dataWriteBytes: 0, indexReadFailed: 0, indexWriteFailed: 0, dataReadFailed: 0, dataWriteFailed: 0 };
  /** Index entries appended since the last sync: written in one go with the fsync. */
  private pendingIndex: Buffer[] = [];
  /**
   * Data entries (header, key, payload) not yet written: one pwritev per batch instead of one per
   * SET. A read of an entry still here writes them out first, so readers always see the file.
   */
  private pendingData: Buffer[] = [];
  private pendingDataBytes = 0;
  /** Where the file's written bytes end; `dataEnd` also counts pending entries. */
  private writtenEnd: number;
  private dirty = false;

  private constructor(
    private readonly dataFd: number,
    private readonly indexFd: number,
    private dataEnd: number,
    private indexEnd: number,
  ) {
    this.writtenEnd = dataEnd;
  }

  /** Opens (or creates) the files in `dir`, repairs a torn tail, and returns every entry in log order. */
  static open(dir: string): { files: NamespaceFiles; entries: EntryMeta[]; recovery: Recovery } {
    const dataPath = join(dir, 'data');
    const indexPath = join(dir, 'index');
    const dataFd = openLog(dataPath, dataMagic);
    // A damaged index is only a cache of the data file: start it afresh rather than refuse to open.
    const indexFd = openLog(indexPath, indexMagic, true);
    const dataSize = fstatSync(dataFd).size;
    const entries = readIndex(readFileSync(indexPath), dataSize);
    // The newest indexed entries may point at data that never fully reached the disk: drop those
    // whose data does not verify, then read whatever follows from the data file itself.
    while (entries.length > 0 && !verifyEntry(dataFd, entries[entries.length - 1]!)) entries.pop();
    let at = entries.length === 0 ? magicBytes : endOf(entries[entries.length - 1]!);
    const indexKeep = entries.length === 0 ? magicBytes : indexEndFor(entries);
    const indexBytesCut = fstatSync(indexFd).size - indexKeep;
    const files = new NamespaceFiles(dataFd, indexFd, at, indexKeep);
    if (indexBytesCut > 0) ftruncateSync(indexFd, indexKeep);
    let entriesFromData = 0;
    for (let entry = readDataEntry(dataFd, at, dataSize); entry !== null; entry = readDataEntry(dataFd, at, dataSize)) {
      entries.push(entry);
      files.pendingIndex.push(indexEntry(entry));
      at = endOf(entry);
      entriesFromData++;
    }
    const dataBytesCut = dataSize - at;
    if (dataBytesCut > 0) ftruncateSync(dataFd, at);
    files.dataEnd = at;
    files.writtenEnd = at;
    files.dirty = entriesFromData > 0 || dataBytesCut > 0 || indexBytesCut > 0;
    files.sync(true, true);
    return { files, entries, recovery: { entriesFromData, dataBytesCut, indexBytesCut } };
  }

  /** Appends one entry (written with the batch, or sooner if read) and queues its index entry. */
  append(flags: number, requestKey: Buffer, payload: Buffer, timestampS: number, payloadCrc = crc32(payload)): EntryMeta {
    // A copy: the request's key is a view into a socket chunk that the index must not keep alive.
    const key = Buffer.from(requestKey);
    const entry: EntryMeta = { offset: this.dataEnd, flags, key, payloadLen: payload.length, payloadCrc, timestampS };
    const bytes = dataHeaderBytes + key.length + payload.length;
    this.pendingData.push(dataHeader(entry), key, payload);
    this.pendingDataBytes += bytes;
    this.dataEnd += bytes;
    // Bounded: a batch of many or large SETs is written out as it grows (IOV_MAX is 1024).
    if (this.pendingData.length >= 768 || this.pendingDataBytes >= 8 * 1024 * 1024) this.writePending();
    this.pendingIndex.push(indexEntry(entry));
    this.dirty = true;
    return entry;
  }

  readPayload(entry: EntryMeta): Buffer {
    const payload = Buffer.allocUnsafe(entry.payloadLen);
    this.readPayloadInto(entry, payload, 0);
    return payload;
  }

  /** Reads the payload into `into` at `at` (a reply frame, so the bytes are copied once). */
  readPayloadInto(entry: EntryMeta, into: Buffer, at: number): void {
    if (entry.offset >= this.writtenEnd) this.writePending();
    try {
      readAll(this.dataFd, into.subarray(at, at + entry.payloadLen), entry.offset + dataHeaderBytes + entry.key.length);
    } catch (error) {
      this.stats.dataReadFailed++;
      throw error;
    }
    this.stats.dataReadBytes += entry.payloadLen;
  }

  /** FLUSH: both files cut back to their magic and synced; nothing pending survives. */
  reset(): void {
    this.pendingData = [];
    this.pendingDataBytes = 0;
    this.pendingIndex = [];
    ftruncateSync(this.dataFd, magicBytes);
    ftruncateSync(this.indexFd, magicBytes);
    fdatasyncSync(this.dataFd);
    fdatasyncSync(this.indexFd);
    this.dataEnd = this.writtenEnd = this.indexEnd = magicBytes;
    this.dirty = false;
  }

  /** CHECK: re-reads the payload and compares its CRC32 with the one written beside it. */
  checkPayload(entry: EntryMeta): boolean {
    return crc32(this.readPayload(entry)) === entry.payloadCrc;
  }

  /**
   * fdatasyncs the data file, then writes the queued index entries. The server calls this once per
   * batch of requests and replies only afterwards, so an acknowledged write is on stable storage.
   * The index is not fsynced here: it is a cache of the data file, written only after the data it
   * points to is durable, and at start a short or torn index is completed from the data file.
   * `full` (start and close) fsyncs the index too.
   */
  sync(fsync: boolean, full = false): void {
    if (!this.dirty) return;
    this.writePending();
    if (fsync) fdatasyncSync(this.dataFd);
    if (this.pendingIndex.length > 0) {
      const bytes = Buffer.concat(this.pendingIndex);
      try {
        writeAll(this.indexFd, [bytes], this.indexEnd);
      } catch (error) {
        this.stats.indexWriteFailed++;
        throw error;
      }
      this.stats.indexWriteBytes += bytes.length;
      this.indexDirty = true;
      this.indexEnd += bytes.length;
      this.pendingIndex = [];
    }
    if (fsync && full) fdatasyncSync(this.indexFd);
    this.dirty = false;
  }

  private writePending(): void {
    if (this.pendingData.length === 0) return;
    try {
      writeAll(this.dataFd, this.pendingData, this.writtenEnd);
    } catch (error) {
      this.stats.dataWriteFailed++;
      throw error;
    }
    this.stats.dataWriteBytes += this.pendingDataBytes;
    this.writtenEnd = this.dataEnd;
    this.pendingData = [];
    this.pendingDataBytes = 0;
  }

  get needsSync(): boolean {
    return this.dirty;
  }

  get dataSizeBytes(): number {
    return this.dataEnd;
  }

  get indexSizeBytes(): number {
    return this.indexEnd + this.pendingIndex.reduce((sum, b) => sum + b.length, 0);
  }

  close(fsync: boolean): void {
    this.dirty = true;
    this.sync(fsync, true);
    closeSync(this.dataFd);
    closeSync(this.indexFd);
  }
}

function openLog(path: string, magic: Buffer, rebuildable = false): number {
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w+', 0o600);
  const head = Buffer.alloc(magicBytes);
  const n = readSync(fd, head, 0, magicBytes, 0);
  // A file shorter than its magic was created but never written to: start it again.
  if (n < magicBytes || (rebuildable && !head.equals(magic))) {
    ftruncateSync(fd, 0);
    writeAll(fd, [magic], 0);
    fdatasyncSync(fd);
  } else if (!head.equals(magic)) {
    closeSync(fd);
    throw new Error(`${path}: not a zos-testbed zdb file (bad magic)`);
  }
  return fd;
}

function endOf(entry: EntryMeta): number {
  return entry.offset + dataHeaderBytes + entry.key.length + entry.payloadLen;
}

function indexEndFor(entries: readonly EntryMeta[]): number {
  return entries.reduce((sum, e) => sum + indexHeaderBytes + e.key.length, magicBytes);
}

function dataHeader(e: EntryMeta): Buffer {
  const h = Buffer.allocUnsafe(dataHeaderBytes);
  h.writeUInt8(e.flags, 4);
  h.writeUInt8(e.key.length, 5);
  h.writeUInt32LE(e.payloadLen, 6);
  h.writeUInt32LE(e.payloadCrc, 10);
  h.writeUInt32LE(e.timestampS >>> 0, 14);
  h.writeUInt32LE(crc32(e.key, crc32(h.subarray(4))), 0);
  return h;
}

function indexEntry(e: EntryMeta): Buffer {
  const b = Buffer.allocUnsafe(indexHeaderBytes + e.key.length);
  b.writeUInt8(e.flags, 4);
  b.writeUInt8(e.key.length, 5);
  b.writeUInt32LE(e.payloadLen, 6);
  b.writeUInt32LE(e.payloadCrc, 10);
  b.writeUInt32LE(e.timestampS >>> 0, 14);
  b.writeBigUInt64LE(BigInt(e.offset), 18);
  e.key.copy(b, indexHeaderBytes);
  b.writeUInt32LE(crc32(b.subarray(4)), 0);
  return b;
}

/**
 * The index entries up to the first one that is torn, fails its CRC, or does not follow the
 * previous one in the data file (each entry starts where the previous one ended).
 */
function readIndex(bytes: Buffer, dataSize: number): EntryMeta[] {
  const entries: EntryMeta[] = [];
  let at = magicBytes;
  let expected = magicBytes;
  while (at + indexHeaderBytes <= bytes.length) {
    const keyLen = bytes.readUInt8(at + 5);
    const end = at + indexHeaderBytes + keyLen;
    if (end > bytes.length || crc32(bytes.subarray(at + 4, end)) !== bytes.readUInt32LE(at)) break;
    const entry: EntryMeta = {
      flags: bytes.readUInt8(at + 4),
      payloadLen: bytes.readUInt32LE(at + 6),
      payloadCrc: bytes.readUInt32LE(at + 10),
      timestampS: bytes.readUInt32LE(at + 14),
      offset: Number(bytes.readBigUInt64LE(at + 18)),
      key: Buffer.from(bytes.subarray(at + indexHeaderBytes, end)),
    };
    if (entry.offset !== expected || endOf(entry) > dataSize) break;
    entries.push(entry);
    expected = endOf(entry);
    at = end;
  }
  return entries;
}

/** Whether the data file holds exactly this entry, header and payload CRCs intact. */
function verifyEntry(fd: number, expected: EntryMeta): boolean {
  const found = readDataEntry(fd, expected.offset, fstatSync(fd).size);
  return found !== null && found.key.equals(expected.key) && found.payloadLen === expected.payloadLen && found.payloadCrc === expected.payloadCrc && found.flags === expected.flags;
}

/** The data entry at `offset`, or null when it runs past `size` or a CRC does not match. */
function readDataEntry(fd: number, offset: number, size: number): EntryMeta | null {
  if (offset + dataHeaderBytes > size) return null;
  const h = Buffer.allocUnsafe(dataHeaderBytes);
  readAll(fd, h, offset);
  const keyLen = h.readUInt8(5);
  const payloadLen = h.readUInt32LE(6);
  if (offset + dataHeaderBytes + keyLen + payloadLen > size) return null;
  const key = Buffer.allocUnsafe(keyLen);
  readAll(fd, key, offset + dataHeaderBytes);
  if (crc32(key, crc32(h.subarray(4))) !== h.readUInt32LE(0)) return null;
  const entry: EntryMeta = { offset, flags: h.readUInt8(4), key, payloadLen, payloadCrc: h.readUInt32LE(10), timestampS: h.readUInt32LE(14) };
  const payload = Buffer.allocUnsafe(payloadLen);
  readAll(fd, payload, offset + dataHeaderBytes + keyLen);
  return crc32(payload) === entry.payloadCrc ? entry : null;
}

function writeAll(fd: number, parts: Buffer[], position: number): void {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  let written = writevSync(fd, parts, position);
  if (written === total) return;
  // writev may write less than asked (a signal, a nearly full disk): finish the rest in a loop.
  const all = Buffer.concat(parts);
  while (written < total) written += writeSync(fd, all, written, total - written, position + written);
}

function readAll(fd: number, into: Buffer, position: number): void {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) throw new Error(`short read at ${position + got}`);
    got += n;
  }
}
