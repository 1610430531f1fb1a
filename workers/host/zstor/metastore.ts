// zstor's metadata: one encrypted record per file, Reed–Solomon 2+2 over exactly 4 user-mode zdbs
// (DOMAIN.md 3.2): writes need all 4, reads any 2. Leaves out the read-only rebuild on meta replacement.

import { createHash } from 'node:crypto';
import { metaBackendCount, metaDataPieces } from '../../../sim/storage/zstor/metastore.js';
import { ZstorError } from '../../../sim/storage/zstor/types.js';
import { checksum, decrypt, encrypt } from './codec.js';
import type { ZstorEndpoint } from './config.js';
import { encodeShards, reconstructShards } from './erasure.js';
import { BackendUnavailable, type ZdbPool } from './zdb-pool.js';

/** Where one shard lives: its backend (address/namespace) and the seq keys of its ≤ entryBytes pieces. */
export interface ShardRecord {
  readonly index: number;
  readonly backend: string;
  readonly keys: readonly string[];
  readonly checksum: string;
}

export interface ObjectRecord {
  readonly path: string;
  /** The file as given, and its checksum (what `check` reports). */
  readonly sizeBytes: number;
  readonly checksum: string;
  /** The encrypted (and, if `compressed`, deflated) stream that was erasure coded. */
  readonly cipherBytes: number;
  readonly compressed: boolean;
  readonly nonce: string;
  readonly tag: string;
  readonly dataShards: number;
  readonly totalShards: number;
  readonly shardBytes: number;
  readonly shards: readonly ShardRecord[];
  readonly storedAtMs: number;
  readonly repairedAtMs?: number;
}

const parityPieces = metaBackendCount - metaDataPieces;
// version u8, piece index u8, blob length u32, written-at ms f64, sha-256 of the piece body.
const headerBytes = 1 + 1 + 4 + 8 + 32;
const pieceVersion = 1;

interface Piece {
  readonly index: number;
  readonly blobBytes: number;
  readonly writtenAtMs: number;
  readonly body: Buffer;
}

export class HostMetaStore {
  /** Strictly increasing, so two writes of one path within a millisecond stay two generations. */
  private lastWrittenAtMs = 0;

  constructor(
    private readonly pool: ZdbPool,
    private readonly backends: readonly ZstorEndpoint[],
    private readonly key: Buffer,
    private readonly prefix: string,
  ) {}

  /** `/{prefix}/meta/{hex(128-bit hash of path)}`, zstor's layout (sha-256 truncated for blake2b-128). */
  keyOf(path: string): string {
    return `/${this.prefix}/meta/${createHash('sha256').update(path).digest('hex').slice(0, 32)}`;
  }

  /**
   * "Prioritise recoverability over availability": refused unless all 4 pieces are written. On a
   * refusal the backends that took the new piece get `previous` back (or lose the key), so a
   * refused write never becomes readable from the 2 or 3 that accepted it.
   */
  async put(record: ObjectRecord, previous?: ObjectRecord): Promise<void> {
    const key = this.keyOf(record.path);
    const results = await this.writePieces(key, record, this.backends);
    const failed = this.backends.filter((_, i) => results[i]!.status === 'rejected');
    if (failed.length === 0) return;
    const took = this.backends.filter((_, i) => results[i]!.status === 'fulfilled');
    if (previous !== undefined) await this.writePieces(key, previous, took);
    else await Promise.allSettled(took.map((b) => this.pool.call(b, 'DEL', key)));
    throw new ZstorError('metaDegraded', `metadata of ${record.path} not written: ${failed.map((b) => b.id).join(', ')} unavailable (all 4 metadata backends must be writable)`);
  }

  /** Throws metaDegraded unless all 4 backends answer, and returns the current record of `path`. */
  async getForWrite(path: string): Promise<ObjectRecord | undefined> {
    const down = (await Promise.allSettled(this.backends.map((b) => this.pool.call(b, 'PING')))).flatMap((r, i) => (r.status === 'rejected' ? [this.backends[i]!.id] : []));
    if (down.length > 0) throw new ZstorError('metaDegraded', `${path} not stored: ${down.join(', ')} unavailable (all 4 metadata backends must be writable)`);
    return this.get(path);
  }

  private async writePieces(key: string, record: ObjectRecord, to: readonly ZstorEndpoint[]): Promise<PromiseSettledResult<unknown>[]> {
    const sealed = encrypt(Buffer.from(JSON.stringify(record)), this.key);
    const blob = Buffer.concat([sealed.nonce, sealed.tag, sealed.cipher]);
    const bodies = await encodeShards(blob, metaDataPieces, parityPieces);
    const writtenAtMs = (this.lastWrittenAtMs = Math.max(Date.now(), this.lastWrittenAtMs + 1));
    return Promise.allSettled(
      to.map((b) => {
        const i = this.backends.indexOf(b);
        return this.pool.call(b, 'SET', key, Buffer.concat([header(i, blob.length, writtenAtMs, bodies[i]!), bodies[i]!]));
      }),
    );
  }

  /** The record, undefined if no backend knows the path; needs 2 of the 4 backends. */
  async get(path: string): Promise<ObjectRecord | undefined> {
    const record = await this.getByKey(this.keyOf(path));
    // Two paths whose 128-bit hashes collide must not read each other's file.
    return record?.path === path ? record : undefined;
  }

  async getByKey(key: string): Promise<ObjectRecord | undefined> {
    return (await this.read(key))?.record;
  }

  /** The record and how many of its 4 pieces (newest version) are intact: < 4 wants a rewrite. */
  async read(key: string): Promise<{ record: ObjectRecord; intactPieces: number } | undefined> {
    const results = await Promise.allSettled(this.backends.map((b) => this.pool.call(b, 'GET', key)));
    const reachable = results.filter((r) => r.status === 'fulfilled').length;
    if (reachable < metaDataPieces) throw new ZstorError('metaUnreadable', `${reachable}/4 metadata backends reachable, ${metaDataPieces} needed`);
    const pieces = results.flatMap((r, i) => (r.status === 'fulfilled' && Buffer.isBuffer(r.value) ? parsePiece(r.value, i) : []));
    if (pieces.length === 0) return undefined;
    // A write that failed half way leaves two generations; the newest with 2 valid pieces wins.
    const generations = [...new Set(pieces.map((p) => p.writtenAtMs))].sort((a, b) => b - a);
    for (const at of generations) {
      const same = pieces.filter((p) => p.writtenAtMs === at);
      if (same.length >= metaDataPieces) return { record: await this.decode(same, key), intactPieces: same.length };
    }
    throw new ZstorError('metaUnreadable', `${key}: fewer than ${metaDataPieces} intact metadata pieces`);
  }

  /** Every record key under our prefix, from the reachable backends (the repair sweep's list). */
  async keys(): Promise<string[]> {
    const lists = await Promise.allSettled(this.backends.map((b) => this.scan(b)));
    const ok = lists.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (ok.length < metaDataPieces) throw new ZstorError('metaUnreadable', `${ok.length}/4 metadata backends reachable, ${metaDataPieces} needed`);
    return [...new Set(ok.flat())].sort();
  }

  private async scan(backend: ZstorEndpoint): Promise<string[]> {
    const prefix = `/${this.prefix}/meta/`;
    const keys: string[] = [];
    // 0-db's first SCAN has no cursor; later ones send back the opaque binary cursor received.
    let cursor: Buffer | null = null;
    for (;;) {
      let page: [Buffer, [Buffer, unknown, unknown][]];
      try {
        page = (await this.pool.call(backend, 'SCAN', ...(cursor === null ? [] : [cursor]))) as typeof page;
      } catch (error) {
        // 0-db ends a scan with an error reply, not an empty page.
        if (error instanceof BackendUnavailable && /No more data/.test(error.message)) return keys;
        throw error;
      }
      for (const [k] of page[1]) if (k.toString('latin1').startsWith(prefix)) keys.push(k.toString('latin1'));
      cursor = page[0];
    }
  }

  private async decode(pieces: readonly Piece[], key: string): Promise<ObjectRecord> {
    const bodyBytes = pieces[0]!.body.length;
    const slots: (Buffer | null)[] = Array.from({ length: metaBackendCount }, () => null);
    for (const p of pieces) if (p.body.length === bodyBytes) slots[p.index] = p.body;
    const all = await reconstructShards(slots, metaDataPieces, parityPieces, bodyBytes, [0, 1]);
    const blob = Buffer.concat([all[0]!, all[1]!]).subarray(0, pieces[0]!.blobBytes);
    const plain = decrypt({ nonce: blob.subarray(0, 12), tag: blob.subarray(12, 28), cipher: blob.subarray(28) }, this.key, `metadata ${key}`);
    return JSON.parse(plain.toString()) as ObjectRecord;
  }
}

function header(index: number, blobBytes: number, writtenAtMs: number, body: Buffer): Buffer {
  const h = Buffer.alloc(headerBytes);
  h.writeUInt8(pieceVersion, 0);
  h.writeUInt8(index, 1);
  h.writeUInt32BE(blobBytes, 2);
  h.writeDoubleBE(writtenAtMs, 6);
  Buffer.from(checksum(body), 'hex').copy(h, 14);
  return h;
}

/** A piece that is short, from another slot, or fails its checksum counts as missing. */
function parsePiece(value: Buffer, slot: number): Piece[] {
  if (value.length <= headerBytes || value.readUInt8(0) !== pieceVersion || value.readUInt8(1) !== slot) return [];
  const body = value.subarray(headerBytes);
  if (checksum(body) !== value.subarray(14, headerBytes).toString('hex')) return [];
  return [{ index: slot, blobBytes: value.readUInt32BE(2), writtenAtMs: value.readDoubleBE(6), body }];
}
