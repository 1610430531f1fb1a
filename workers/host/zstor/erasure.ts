// Reed–Solomon over GF(2^8) through @ronomon/reed-solomon, a native addon that runs in libuv's
// threadpool (the event loop, and any zdb server sharing it, keeps running). Systematic: shards
// 0..k-1 are the data itself, k..k+m-1 parity. Leaves out bit-compatibility with zstor's Rust crate.

import { createRequire } from 'node:module';
import { SimulationError } from '../../../sim/errors.js';

interface RonomonReedSolomon {
  readonly MAX_K: number;
  readonly MAX_M: number;
  create(k: number, m: number): unknown;
  encode(
    context: unknown,
    sources: number,
    targets: number,
    buffer: Buffer,
    bufferOffset: number,
    bufferSize: number,
    parity: Buffer,
    parityOffset: number,
    paritySize: number,
    callback: (error: Error | undefined) => void,
  ): void;
}

// The addon's main is a .node file, which only require() loads.
const rs = createRequire(import.meta.url)('@ronomon/reed-solomon') as RonomonReedSolomon;

/** The addon's limits (24 data, 6 parity): enough for every config seen (16/20 at most). */
export const maxDataShards: number = rs.MAX_K;
export const maxParityShards: number = rs.MAX_M;

/** The addon works on 8-byte words. */
const shardAlignBytes = 8;

const contexts = new Map<string, unknown>();
function context(k: number, m: number): unknown {
  const key = `${k}+${m}`;
  let c = contexts.get(key);
  if (c === undefined) contexts.set(key, (c = rs.create(k, m)));
  return c;
}

/** The shard size for `lengthBytes` of payload over k data shards (never 0: the addon needs words). */
export function shardBytesFor(lengthBytes: number, k: number): number {
  const per = Math.max(1, Math.ceil(lengthBytes / k));
  return Math.ceil(per / shardAlignBytes) * shardAlignBytes;
}

/** Splits `payload` into k zero-padded data shards and computes m parity shards. */
export async function encodeShards(payload: Buffer, k: number, m: number): Promise<Buffer[]> {
  const shardBytes = shardBytesFor(payload.length, k);
  // Unzeroed (the padding is zeroed below and every parity byte is computed): this is the hot path.
  const data = Buffer.allocUnsafe(shardBytes * k);
  payload.copy(data);
  data.fill(0, payload.length);
  const parity = Buffer.allocUnsafe(shardBytes * Math.max(1, m));
  if (m > 0) await run(k, m, mask(0, k), mask(k, k + m), data, parity);
  return slices(data, parity, k, m, shardBytes);
}

/**
 * Rebuilds the shards at `wanted` from any k present ones (null = missing); returns all k+m
 * shards with the wanted ones filled in. Throws when fewer than k are present.
 */
export async function reconstructShards(shards: readonly (Buffer | null)[], k: number, m: number, shardBytes: number, wanted: readonly number[]): Promise<Buffer[]> {
  if (shards.length !== k + m) throw new SimulationError(`expected ${k + m} shards, got ${shards.length}`);
  const present = shards.flatMap((s, i) => (s !== null ? [i] : []));
  if (present.length < k) throw new SimulationError(`${present.length} shards present, ${k} needed`);
  const data = Buffer.alloc(shardBytes * k);
  const parity = Buffer.alloc(shardBytes * Math.max(1, m));
  shards.forEach((s, i) => {
    if (s === null) return;
    if (s.length !== shardBytes) throw new SimulationError(`shard ${i} is ${s.length} bytes, not ${shardBytes}`);
    s.copy(i < k ? data : parity, (i < k ? i : i - k) * shardBytes);
  });
  const targets = wanted.filter((i) => shards[i] === null);
  if (targets.length > 0) {
    // Exactly k sources: the addon solves from the first k present shards.
    const sources = present.slice(0, k).reduce((acc, i) => acc | (1 << i), 0);
    await run(k, m, sources, targets.reduce((acc, i) => acc | (1 << i), 0), data, parity);
  }
  return slices(data, parity, k, m, shardBytes);
}

function run(k: number, m: number, sources: number, targets: number, data: Buffer, parity: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    rs.encode(context(k, m), sources, targets, data, 0, data.length, parity, 0, parity.length, (error) => (error ? reject(error) : resolve()));
  });
}

function mask(from: number, to: number): number {
  let bits = 0;
  for (let i = from; i < to; i++) bits |= 1 << i;
  return bits;
}

function slices(data: Buffer, parity: Buffer, k: number, m: number, shardBytes: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < k; i++) out.push(data.subarray(i * shardBytes, (i + 1) * shardBytes));
  for (let i = 0; i < m; i++) out.push(parity.subarray(i * shardBytes, (i + 1) * shardBytes));
  return out;
}
