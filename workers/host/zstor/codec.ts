// zstor's byte pipeline before erasure coding: compress, then AES-256-GCM with a fresh nonce.
// Leaves out snappy (node:zlib deflate-raw instead, skipped for incompressible data) and key rotation.

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { ZstorError } from '../../../sim/storage/zstor/types.js';

// The async forms run in libuv's threadpool, so a large file does not stall the event loop.
const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

const nonceBytes = 12;
/** How much of a file is test-compressed to decide whether compressing it is worth the CPU. */
const probeBytes = 64 * 1024;
/** Below this saving on the probe, the file is stored uncompressed. */
const worthRatio = 0.9;

export interface Sealed {
  /** One buffer, or the pieces it was read back in. */
  readonly cipher: Buffer | readonly Buffer[];
  readonly nonce: Buffer;
  readonly tag: Buffer;
}

/**
 * Deflate is slow on data that does not shrink (media, archives, already encrypted): snappy, which
 * zstor uses, passes such data through at memory speed. So a probe of the first 64 KiB decides.
 */
/** What encryption produces: the ciphertext in one buffer. */
export interface SealedBuffer extends Sealed {
  readonly cipher: Buffer;
}

export async function seal(plain: Buffer, key: Buffer, level: number): Promise<SealedBuffer & { compressed: boolean }> {
  let compressed = level > 0;
  if (compressed && plain.length > probeBytes) {
    const probe = await deflate(plain.subarray(0, probeBytes), { level });
    compressed = probe.length < probeBytes * worthRatio;
  }
  return { ...encrypt(compressed ? await deflate(plain, { level }) : plain, key), compressed };
}

export async function open(sealed: Sealed, compressed: boolean, key: Buffer, what: string): Promise<Buffer> {
  const plain = decrypt(sealed, key, what);
  return compressed ? inflate(plain) : plain;
}

export function encrypt(plain: Buffer, key: Buffer): SealedBuffer {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const head = cipher.update(plain);
  const tail = cipher.final();
  // GCM is a stream mode: final() is empty, and skipping the concat saves a copy of the whole file.
  const body = tail.length === 0 ? head : Buffer.concat([head, tail]);
  return { cipher: body, nonce, tag: cipher.getAuthTag() };
}

/** GCM's tag fails on a wrong key or any flipped bit: reported, never returned as data. */
export function decrypt(sealed: Sealed, key: Buffer, what: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce);
    decipher.setAuthTag(sealed.tag);
    const pieces = Buffer.isBuffer(sealed.cipher) ? [sealed.cipher] : sealed.cipher;
    return Buffer.concat([...pieces.map((p) => decipher.update(p)), decipher.final()]);
  } catch {
    throw new ZstorError('unreadable', `${what}: authentication failed (wrong key or corrupted data)`);
  }
}

/** Shard and file checksums. zstor uses blake2b-128, which node:crypto lacks; sha-256 is as strict. */
export function checksum(bytes: Buffer | readonly Buffer[]): string {
  const hash = createHash('sha256');
  for (const b of Buffer.isBuffer(bytes) ? [bytes] : bytes) hash.update(b);
  return hash.digest('hex');
}
