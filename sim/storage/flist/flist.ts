// An flist as rfs stores it: file metadata, each file an ordered list of 512 KiB content-addressed blocks.
// Leaves out directories, modes, symlinks, snappy compression and encryption: block sizes are plaintext bytes.

import { createHash } from 'node:crypto';
import { ErrorCode, SimulationError, ZosError } from '../../errors.js';

/** rfs chunks file data into 512 KiB blobs (DOMAIN.md 1.3). */
export const BLOCK_SIZE_BYTES = 512 * 1024;

/** A file whose presence switches a zmachine to full-disk VM mode (DOMAIN.md 1.1). */
export const VM_IMAGE_PATH = '/image.raw';

/** rfs's SQLite rows cost roughly this much per inode and per block; the DB has a fixed header page. */
const METADATA_BASE_BYTES = 4096;
const METADATA_BYTES_PER_FILE = 128;
const METADATA_BYTES_PER_BLOCK = 40;

export interface FlistBlock {
  /** Hex key of the plaintext (rfs: blake2b-256), so equal content in any flist has the same key. */
  readonly hash: string;
  readonly sizeBytes: number;
}

export interface FlistFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly blocks: readonly FlistBlock[];
}

/** A hub-side flist could not be found by its URL. */
export class FlistNotFoundError extends ZosError {
  constructor(readonly url: string) {
    super(ErrorCode.badInput, `flist ${url} not found on the hub`);
  }
}

/** The key of block `index` of the content named `contentKey`; only the content decides it. */
export function blockHash(contentKey: string, index: number, sizeBytes: number): string {
  // blake2b-512 truncated to 256 bits stands in for rfs's blake2b-256: only equality matters here.
  return createHash('blake2b512').update(`${contentKey}#${index}#${sizeBytes}`).digest('hex').slice(0, 64);
}

/** A file of `sizeBytes` whose content is named by `contentKey` (files with the same key share blocks). */
export function makeFile(path: string, sizeBytes: number, contentKey: string): FlistFile {
  if (!(Number.isSafeInteger(sizeBytes) && sizeBytes >= 0)) throw new SimulationError(`file ${path}: bad size ${sizeBytes}`);
  const blocks: FlistBlock[] = [];
  for (let offset = 0, i = 0; offset < sizeBytes; offset += BLOCK_SIZE_BYTES, i++) {
    const size = Math.min(BLOCK_SIZE_BYTES, sizeBytes - offset);
    blocks.push({ hash: blockHash(contentKey, i, size), sizeBytes: size });
  }
  return { path, sizeBytes, blocks };
}

/** One flist: its URL on the hub, its files, and the files a boot reads (a stand-in for a boot trace). */
export class Flist {
  readonly metadataBytes: number;
  readonly totalBytes: number;
  private readonly byPath = new Map<string, FlistFile>();

  constructor(
    readonly url: string,
    readonly files: readonly FlistFile[],
    /** Paths read whole when a container boots from this flist (kernel, init, libraries). */
    readonly bootPaths: readonly string[],
  ) {
    let blocks = 0;
    let total = 0;
    for (const file of files) {
      if (this.byPath.has(file.path)) throw new SimulationError(`flist ${url}: duplicate path ${file.path}`);
      this.byPath.set(file.path, file);
      blocks += file.blocks.length;
      total += file.sizeBytes;
    }
    for (const path of bootPaths) if (!this.byPath.has(path)) throw new SimulationError(`flist ${url}: boot path ${path} is not a file`);
    this.totalBytes = total;
    this.metadataBytes = METADATA_BASE_BYTES + files.length * METADATA_BYTES_PER_FILE + blocks * METADATA_BYTES_PER_BLOCK;
  }

  /** True when a zmachine booted from it runs as a full-disk VM. */
  get isVmImage(): boolean {
    return this.byPath.has(VM_IMAGE_PATH);
  }

  file(path: string): FlistFile | undefined {
    return this.byPath.get(path);
  }

  /** The blocks covering [offsetBytes, offsetBytes + sizeBytes) of a file, clipped to its end. */
  blocksOf(path: string, offsetBytes = 0, sizeBytes = Infinity): readonly FlistBlock[] {
    const file = this.byPath.get(path);
    if (file === undefined) throw new FlistPathError(this.url, path);
    if (!(offsetBytes >= 0 && sizeBytes >= 0)) throw new SimulationError(`read ${path}: bad range ${offsetBytes}+${sizeBytes}`);
    const end = Math.min(file.sizeBytes, offsetBytes + sizeBytes);
    if (end <= offsetBytes) return [];
    return file.blocks.slice(Math.floor(offsetBytes / BLOCK_SIZE_BYTES), Math.ceil(end / BLOCK_SIZE_BYTES));
  }
}

/** A read named a path the flist does not have (ENOENT). */
export class FlistPathError extends ZosError {
  constructor(readonly url: string, readonly path: string) {
    super(ErrorCode.badInput, `flist ${url}: no file ${path}`);
  }
}
