// The host zstor's pure parts: Reed–Solomon through the addon (any ≤ m erasures rebuild exactly,
// m+1 do not), the seal/open pipeline, and config validation that names the field.

import test from 'ava';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import type { QsfsConfig, ZdbBackend } from '../../sim/grid/deployment.js';
import { InputError } from '../../sim/errors.js';
import { ZstorError } from '../../sim/storage/zstor/types.js';
import { decrypt, encrypt, open, seal } from '../../workers/host/zstor/codec.js';
import { compileZstorConfig, parseAddress } from '../../workers/host/zstor/config.js';
import { encodeShards, maxDataShards, maxParityShards, reconstructShards, shardBytesFor } from '../../workers/host/zstor/erasure.js';
import { fcParams } from '../helpers/fc-params.js';

test('any set of at most m lost shards is rebuilt byte for byte, data and parity', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 0, max: 4 }),
      fc.uint8Array({ minLength: 0, maxLength: 3000 }),
      fc.infiniteStream(fc.nat()),
      async (k, m, bytes, picks) => {
        const payload = Buffer.from(bytes);
        const shards = await encodeShards(payload, k, m);
        if (shards.length !== k + m) throw new Error('shard count');
        // Systematic code: the data shards are the payload, zero padded.
        if (!Buffer.concat(shards.slice(0, k)).subarray(0, payload.length).equals(payload)) throw new Error('not systematic');
        const it = picks[Symbol.iterator]();
        const lost = new Set<number>();
        const count = it.next().value % (m + 1);
        while (lost.size < count) lost.add(it.next().value % (k + m));
        const holed = shards.map((s, i) => (lost.has(i) ? null : Buffer.from(s)));
        const all = await reconstructShards(holed, k, m, shards[0]!.length, [...lost]);
        all.forEach((s, i) => {
          if (!s.equals(shards[i]!)) throw new Error(`shard ${i} differs after losing ${[...lost].join(',')}`);
        });
      },
    ),
    fcParams('zstor-codec #1', 150),
  );
  t.pass();
});

test('parity really depends on every data shard (a flipped byte changes it)', async (t) => {
  const payload = randomBytes(4096);
  const before = await encodeShards(payload, 4, 2);
  for (const at of [0, 1024, 2048, 4095]) {
    const changed = Buffer.from(payload);
    changed[at] = changed[at]! ^ 0x5a;
    const after = await encodeShards(changed, 4, 2);
    t.false(after[4]!.equals(before[4]!), `parity 0 ignores byte ${at}`);
    t.false(after[5]!.equals(before[5]!), `parity 1 ignores byte ${at}`);
  }
});

test('fewer than k shards cannot be rebuilt', async (t) => {
  const shards = await encodeShards(randomBytes(1000), 3, 2);
  const holed = shards.map((s, i) => (i < 3 ? null : s));
  await t.throwsAsync(() => reconstructShards(holed, 3, 2, shards[0]!.length, [0, 1, 2]), { message: /2 shards present, 3 needed/ });
});

test('shard sizes are whole 8-byte words and never zero', (t) => {
  t.is(shardBytesFor(0, 4), 8);
  t.is(shardBytesFor(33, 4), 16);
  t.is(shardBytesFor(64, 4), 16);
  t.true(maxDataShards >= 16 && maxParityShards >= 4);
});

test('seal/open round trip; wrong key and a flipped bit are refused, not returned', async (t) => {
  const key = randomBytes(32);
  const plain = Buffer.from('hello zstor '.repeat(1000));
  const sealed = await seal(plain, key, 1);
  t.true(sealed.cipher.length < plain.length, 'compressed before encryption');
  t.true(sealed.compressed);
  t.true((await open(sealed, true, key, 'f')).equals(plain));
  await t.throwsAsync(() => open(sealed, true, randomBytes(32), 'f'), { instanceOf: ZstorError, message: /authentication failed/ });
  const flipped = Buffer.from(sealed.cipher);
  flipped[0] = flipped[0]! ^ 1;
  t.throws(() => decrypt({ ...sealed, cipher: flipped }, key, 'f'), { message: /authentication failed/ });
  // Incompressible data is not deflated (the probe saw no gain), and still round-trips.
  const noise = randomBytes(200 * 1024);
  const raw = await seal(noise, key, 1);
  t.false(raw.compressed);
  t.is(raw.cipher.length, noise.length);
  t.true((await open(raw, false, key, 'n')).equals(noise));
  // A fresh nonce per encryption: the same bytes never give the same ciphertext.
  t.false(encrypt(plain, key).cipher.equals(encrypt(plain, key).cipher));
});

const backend = (i: number): ZdbBackend => ({ address: `127.0.0.1:${9900 + i}`, namespace: `ns${i}`, password: '' });
const hex = 'ab'.repeat(32);
function config(over: Partial<QsfsConfig> = {}): QsfsConfig {
  return {
    minimal_shards: 2,
    expected_shards: 3,
    redundant_groups: 0,
    redundant_nodes: 0,
    max_zdb_data_dir_size: 512,
    encryption: { algorithm: 'AES', key: hex },
    meta: { type: 'zdb', config: { prefix: 'p', encryption: { algorithm: 'AES', key: hex }, backends: [10, 11, 12, 13].map(backend) } },
    groups: [{ backends: [0, 1, 2].map(backend) }],
    compression: { algorithm: 'snappy' },
    ...over,
  };
}

function fieldOf(t: { throws: (fn: () => unknown, e: object) => unknown }, fn: () => unknown): string {
  const error = t.throws(fn, { instanceOf: InputError }) as InputError;
  return error.field;
}

test('a valid config compiles; every bad field is named', (t) => {
  const ok = compileZstorConfig(config(), { seed: 's' });
  t.deepEqual(ok.policy, { dataShards: 2, totalShards: 3, redundantGroups: 0, redundantNodes: 0 });
  t.is(ok.meta.length, 4);
  t.is(ok.groups[0]![1]!.id, '127.0.0.1:9901/ns1');
  t.is(fieldOf(t, () => compileZstorConfig(config({ minimal_shards: 0 }))), 'minimal_shards');
  t.is(fieldOf(t, () => compileZstorConfig(config({ minimal_shards: maxDataShards + 1, expected_shards: maxDataShards + 2 }))), 'minimal_shards');
  t.is(fieldOf(t, () => compileZstorConfig(config({ expected_shards: 1 }))), 'expected_shards');
  t.is(fieldOf(t, () => compileZstorConfig(config({ expected_shards: 4 }))), 'groups');
  t.is(fieldOf(t, () => compileZstorConfig(config({ redundant_nodes: -1 }))), 'redundant_nodes');
  t.is(fieldOf(t, () => compileZstorConfig(config({ encryption: { algorithm: 'AES', key: 'abcd' } }))), 'encryption.key');
  t.regex(t.throws(() => compileZstorConfig(config({ encryption: { algorithm: 'AES', key: 'ab'.repeat(16) } })))!.message, /64 hex digits \(a 32-byte AES-256 key\), got 32 characters/);
  const meta3 = config();
  const metaShort = { ...meta3, meta: { ...meta3.meta, config: { ...meta3.meta.config, backends: meta3.meta.config.backends.slice(0, 3) } } };
  t.is(fieldOf(t, () => compileZstorConfig(metaShort)), 'meta.config.backends');
  const badMetaKey = { ...meta3, meta: { ...meta3.meta, config: { ...meta3.meta.config, encryption: { algorithm: 'AES' as const, key: 'zz'.repeat(32) } } } };
  t.is(fieldOf(t, () => compileZstorConfig(badMetaKey)), 'meta.config.encryption.key');
  t.is(fieldOf(t, () => compileZstorConfig(config({ groups: [{ backends: [backend(0), { ...backend(1), address: 'nope' }, backend(2)] }] }))), 'groups[0].backends[1].address');
  t.is(fieldOf(t, () => compileZstorConfig(config({ groups: [{ backends: [backend(0), backend(0), backend(2)] }] }))), 'groups[0].backends[1]');
  t.is(fieldOf(t, () => compileZstorConfig(config(), { opTimeoutS: 0 })), 'opTimeoutS');
  t.is(fieldOf(t, () => compileZstorConfig(config(), { entryBytes: 9 * 1024 * 1024 })), 'entryBytes');
});

test('zdb addresses: host:port and [ipv6]:port', (t) => {
  t.deepEqual(parseAddress('10.1.2.3:9900', 'a'), { host: '10.1.2.3', port: 9900 });
  t.deepEqual(parseAddress('[2a02:1802::1]:9900', 'a'), { host: '2a02:1802::1', port: 9900 });
  t.throws(() => parseAddress('2a02::1:9900', 'a'), { instanceOf: InputError });
  t.throws(() => parseAddress('host:0', 'a'), { instanceOf: InputError });
});
