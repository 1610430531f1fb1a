// Content addressing of flist blocks: a file's bytes cut into 512 KiB blocks, each named by its hash.
// Leaves out rfs's snappy compression and convergent AES encryption: blocks are stored as plaintext.

import { createHash } from 'node:crypto';
import { BLOCK_SIZE_BYTES } from '../../../sim/storage/flist/flist.js';

export { BLOCK_SIZE_BYTES };

/** Named in every metadata file, so a reader refuses keys computed some other way. */
export const BLOCK_HASH_NAME = 'blake2b-512/256';

const keyPattern = /^[0-9a-f]{64}$/;

/**
 * The key of a block: the first 256 bits of blake2b-512 of its bytes, in lowercase hex. rfs uses
 * blake2b-256; node:crypto offers only the 512-bit variant, and a prefix is as collision-safe here.
 */
export function blockKey(data: Uint8Array): string {
  return createHash('blake2b512').update(data).digest('hex').slice(0, 64);
}

/** Whether `text` is a well-formed key: also what keeps `/` and `..` out of store paths. */
export function isBlockKey(text: string): boolean {
  return keyPattern.test(text);
}

/** The number of blocks a file of `sizeBytes` has. */
export function blockCount(sizeBytes: number): number {
  return Math.ceil(sizeBytes / BLOCK_SIZE_BYTES);
}
